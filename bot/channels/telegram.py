"""The Telegram channel on python-telegram-bot 22: long polling, or a webhook in our server.

Inbound updates become neutral `Inbound` messages; replies go through the
outbox and are sent as HTML text with an inline keyboard. Decisions:

- Every turn sends a new message; menus are not edited in place, so a user
  scrolling back reads the conversation as it happened. Old buttons stay, and a
  press on one is answered "this menu is out of date" with the current menu.
- Edited messages are ignored: the bot already answered the original.
- The bot answers only in private chats (the officers' group comes with the
  report queue); other chats are ignored and logged at DEBUG.
- One user's updates are processed in order (a lock per chat inside the update
  processor); different users run concurrently.

This module is the adapter's inbound side and lifecycle; the `Application` is assembled in
`telegram_app`, and replies are sent (and paced) by `telegram_send`.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from aiohttp import web
from telegram import BotCommand, CallbackQuery, Document, PhotoSize, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import MAX_MESSAGE_AGE, Channel, StartGate, read_capped
from bot.channels.media import MediaQuota, keep_photo
from bot.channels.telegram_app import TelegramApplication, build_application
from bot.channels.telegram_app import file_url as file_url  # its old home: still importable here
from bot.channels.telegram_send import SteadyRateLimiter, send_reply
from bot.config import TelegramConfig
from bot.messages import Inbound, InboundKind, Location, Media, Reply
from bot.officers.desk import Officer
from bot.records import StoreError
from bot.runtime import Runtime

log = logging.getLogger(__name__)
CHANNEL = "telegram"
WEBHOOK_PATH = "/webhook/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
TELEGRAM_DOWNLOAD_LIMIT = 20_000_000
# the application is built with these and `ApplicationBuilder` as named in this module, so
# that tests and the bench can change them here
MESSAGES_PER_SECOND = 28.8
"""Overall send rate: 96 % of Telegram's 30/s, in evenly spaced slots."""
MESSAGES_PER_WINDOW = 30
"""And never more than Telegram's 30 in any second (see `bot.channels.pacing`). PTB's default
limiter lets a burst of 30 through and then 30/s, up to 59 in the first second: 429."""
logging.getLogger("httpx").setLevel(logging.WARNING)  # at INFO it logs each URL: the token


class TelegramChannel(Channel):
    """Connects a python-telegram-bot `Application` to the runtime."""

    name = CHANNEL

    def __init__(
        self,
        runtime: Runtime,
        config: TelegramConfig,
        media_dir: Path,
        max_media_bytes: int,
        retry_base_delay: float = 1.0,
    ) -> None:
        super().__init__(runtime)
        self.config = config
        self.media_dir = media_dir
        self.max_media_bytes = min(max_media_bytes, TELEGRAM_DOWNLOAD_LIMIT)
        self.quota = MediaQuota(media_dir)
        self.webhook = bool(config.webhook_url)
        self.application: TelegramApplication = build_application(
            ApplicationBuilder(),
            config,
            SteadyRateLimiter(MESSAGES_PER_SECOND, MESSAGES_PER_WINDOW),
            webhook=self.webhook,
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        # updates stored while starting wait for those a crash left in the inbox
        self.gate: StartGate[Update] = StartGate(
            self.application.update_queue.put, lambda update: str(update.update_id)
        )
        self.outbox = runtime.mailroom.outbox_worker(
            CHANNEL, self.send, base_delay=retry_base_delay
        )

    # ----- lifecycle ----------------------------------------------------------------------

    def setup(self, app: web.Application) -> None:
        if self.webhook:
            app.router.add_post(WEBHOOK_PATH, self.receive_webhook)

    async def start(self) -> None:
        application = self.application
        await application.initialize()
        await application.start()
        await self._set_commands()
        await self._queue_pending()
        if self.webhook:
            await application.bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            mode = f"webhook {self.config.webhook_url}"
        else:
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=20)
            mode = "long polling"
        self.outbox.start()
        log.info("Telegram: on (%s) as @%s", mode, application.bot.username)

    async def stop(self) -> None:
        self.gate.close()
        await self.stop_background()
        await self.outbox.stop()
        application = self.application
        if application.updater and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    async def idle(self) -> bool:
        """Nothing received is waiting or being processed, and nothing queued is due."""
        application = self.application
        return (
            application.update_queue.empty()
            and application.update_processor.current_concurrent_updates == 0
            and await self.outbox.idle()
        )

    async def _set_commands(self) -> None:
        flows = self.runtime.content.flows
        for index, lang in enumerate(flows.system.languages):
            commands = [
                BotCommand(name, flows.text(texts, lang))
                for name, texts in flows.system.commands.items()
            ]
            if commands:
                await self.application.bot.set_my_commands(
                    commands, language_code=None if index == 0 else lang
                )

    # ----- inbound ------------------------------------------------------------------------

    async def receive_webhook(self, request: web.Request) -> web.Response:
        """The webhook route: check the secret token, persist the update, answer at once."""
        given = request.headers.get(SECRET_HEADER, "")
        if not self.config.webhook_secret or not hmac.compare_digest(
            given.encode(), self.config.webhook_secret.encode()
        ):
            log.warning("telegram webhook: request with a wrong or missing secret token refused")
            return web.Response(status=403, text="forbidden")
        raw = await read_capped(request)  # too large: 413
        try:
            data = json.loads(raw)
            update_id = str(int(data["update_id"]))
            update = Update.de_json(data, self.application.bot)
            _check(update)  # refuse what cannot be handled
            payload = raw.decode()
        except Exception as error:  # not JSON, not an update, or fields of the wrong kind
            log.warning("telegram webhook: not a Telegram update (%s)", type(error).__name__)
            return web.Response(status=400, text="not a Telegram update")
        try:
            stored = await self.runtime.mailroom.accept(
                CHANNEL, update_id, payload, datetime.now(UTC)
            )
        except StoreError as error:
            log.error("telegram webhook: update not stored (Telegram will resend it): %s", error)
            self._notify_unstored(update)
            return web.Response(status=503, text="try again")
        if stored:
            await self.gate.put(update)
        return web.Response(text="ok")

    def _notify_unstored(self, update: Update) -> None:
        """Tell the sender of an update that could not be stored, at once and outside the
        outbox (the database is failing), that something is wrong; once a minute at most."""
        chat, person = update.effective_chat, update.effective_user
        if chat is None or chat.type != "private":
            return
        lang = (person.language_code or "")[:2] if person else ""
        user = str(chat.id)
        self.tell_failure(user, partial(self.send, user), lang)

    async def _queue_pending(self) -> None:
        """Queue the updates a crash left in the inbox, then those stored while starting.
        One that cannot be parsed is dropped."""
        pending = []
        for item in await self.runtime.mailroom.unprocessed(CHANNEL, datetime.now(UTC)):
            try:
                pending.append(Update.de_json(json.loads(item.payload), self.application.bot))
            except Exception as error:
                log.error("telegram: stored update %s dropped: %s", item.update_id, error)
                await self.runtime.mailroom.discard(CHANNEL, item.update_id)
        await self.gate.open(pending)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._to_desk(update):
            return
        inbound = await self._parse(update)
        if inbound is None:
            await self.runtime.mailroom.discard(CHANNEL, str(update.update_id))
            return
        answered = await self.runtime.answer_via_outbox(inbound)
        if answered.notice is not None:  # the database failed: tell the user directly
            await self.deliver_quietly(partial(self.send, inbound.user), answered.notice)
        if answered.photo_to_fetch:  # a photo sent earlier, now that they report it
            media = await self._download(answered.photo_to_fetch, 0, inbound.user)
            await self.runtime.attach_photo(CHANNEL, inbound.user, media)

    async def _to_desk(self, update: Update) -> bool:
        """Hand button presses and messages to the officers' desk first (officers' buttons
        and commands, anything in the officers' group); True if the desk handled it."""
        chat, person = update.effective_chat, update.effective_user
        if chat is None or person is None:
            return False
        officer = Officer(CHANNEL, person.id, person.full_name or str(person.id), chat.id)
        update_id = str(update.update_id)
        query = update.callback_query
        if query is not None:
            try:
                answer = await self.runtime.officer_pressed(officer, query.data or "", update_id)
            except Exception:
                await _answer_quietly(query)  # the spinner stops; the update is tried again
                raise
            if answer.handled:
                await _answer_quietly(query, answer.notice or None)
            return answer.handled
        message = update.message
        if message is None:
            return False
        replied = message.reply_to_message
        from_bot = (
            replied is not None and replied.from_user is not None and replied.from_user.is_bot
        )
        replying_to = (replied.text or "") if replied is not None and from_bot else ""
        text = message.text or ""
        answer = await self.runtime.officer_wrote(officer, text, replying_to, update_id)
        return answer.handled

    async def _parse(self, update: Update) -> Inbound | None:
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            log.debug("telegram: update %s from a non-private chat ignored", update.update_id)
            return None
        now = datetime.now(UTC)
        make = partial(
            Inbound, channel=CHANNEL, user=str(chat.id), time=now, update_id=str(update.update_id)
        )
        if update.callback_query:
            query = update.callback_query
            await _answer_quietly(query)  # stops the spinning clock on the button at once
            return make(kind=InboundKind.CHOICE, choice=query.data or "")
        message = update.message
        if message is None:  # edited messages and other update kinds
            return None
        if message.date and now - message.date > MAX_MESSAGE_AGE:
            log.info("telegram: a message older than %s dropped", MAX_MESSAGE_AGE)
            return None  # answered ids are kept 7 days: an older one could be answered twice
        if message.text is not None:
            text = str(message.text)
            if text.startswith("/"):  # "/hapusdata@MigranAmanBot payload" -> "/hapusdata"
                text = text.split()[0].split("@")[0]
            forwarded = message.forward_origin is not None  # an advert from a group, often
            return make(kind=InboundKind.TEXT, text=text, forwarded=forwarded)
        if message.location:
            location = Location(message.location.latitude, message.location.longitude)
            return make(kind=InboundKind.LOCATION, location=location)
        if message.contact:
            return make(kind=InboundKind.TEXT, text=message.contact.phone_number)
        attachment: PhotoSize | Document | None = (
            message.photo[-1] if message.photo else message.document  # the largest size
        )
        if attachment is not None:
            if not await self.runtime.expects_media(self.name, str(chat.id)):
                # not asked for: not downloaded; its file id is kept in case they report it
                return make(kind=InboundKind.MEDIA, media_ref=attachment.file_id)
            media = await self._download(attachment.file_id, attachment.file_size, str(chat.id))
            if media is None:
                return make(kind=InboundKind.UNSUPPORTED)
            return make(kind=InboundKind.MEDIA, media=(media,))
        return make(kind=InboundKind.UNSUPPORTED)  # sticker, voice, video, ...

    async def _download(self, file_id: str, declared: int | None, user: str) -> Media | None:
        """A photo by its Telegram file id, kept within the caps (None: refused or failed)."""
        if declared and declared > self.max_media_bytes:
            log.info("telegram: attachment of %d bytes over the cap refused", declared)
            return None
        try:
            telegram_file = await self.application.bot.get_file(file_id)
            if telegram_file.file_size and telegram_file.file_size > self.max_media_bytes:
                log.info("telegram: a file over the cap refused")
                return None
            data = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            log.warning("telegram: download failed: %s", error)
            return None
        if len(data) > self.max_media_bytes:
            return None
        return keep_photo(
            data,
            quota=self.quota,
            user_key=f"{self.name}:{user}",
            media_dir=self.media_dir,
            prefix="tg",
            channel="telegram",
        )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else "-"
        log.error("telegram: error while handling update %s", update_id, exc_info=context.error)
        if isinstance(update, Update):  # tried again at the next start, set aside after three
            error = context.error
            with contextlib.suppress(StoreError):
                await self.runtime.mailroom.failed(
                    CHANNEL, str(update.update_id), type(error).__name__, datetime.now(UTC)
                )

    # ----- outbound -----------------------------------------------------------------------

    async def send(self, user: str, reply: Reply) -> None:
        """Send one reply (split if long); raise RetryLater or Undeliverable on failure."""
        await send_reply(self.application.bot, user, reply)


def _check(update: Update) -> None:
    """Raise TypeError unless the fields the handlers rely on have Telegram's types."""
    for item in (update.effective_chat, update.effective_user):
        if item is not None and (not isinstance(item.id, int) or isinstance(item.id, bool)):
            raise TypeError("chat or user id is not an integer")
    message, query = update.message, update.callback_query
    texts = [message.text, message.caption] if message else []
    texts += [query.data] if query else []
    if any(value is not None and not isinstance(value, str) for value in texts):
        raise TypeError("text or button data is not a string")
    sizes = [message.document, *(message.photo or ())] if message else []
    if any(size is not None and not isinstance(size.file_size, int | None) for size in sizes):
        raise TypeError("file size is not an integer")


async def _answer_quietly(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press (stops the spinner); a failure only costs the spinner."""
    try:
        await query.answer(text, show_alert=bool(text))
    except TelegramError as error:
        log.warning("telegram: answerCallbackQuery failed: %s", error)
