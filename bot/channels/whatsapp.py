"""The WhatsApp Cloud API channel: the `/webhook/whatsapp` route and outbound delivery.

Inbound: `GET` answers Meta's verification handshake; `POST` is refused unless its
`X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with the app secret. Each
user message is persisted in the inbox (deduplicated by its wamid) before Meta gets
its 200, then processed in the background: in arrival order per sender, senders
concurrently. Messages still in the inbox after a crash are processed on start.
Delivery statuses are recorded, never treated as user messages.

Outbound: replies go through the outbox; its worker calls `send`, which renders the
reply (see `whatsapp_render`) and maps Graph errors to RetryLater or Undeliverable.
More than 24 hours after the user's last message WhatsApp accepts only templates:
such messages are held (outbox status 'held') until the user writes again, after
inviting them back with the configured template, if any.

This module is the route, the adapter's lifecycle and the processing of stored messages;
reading notifications and fetching photos is in `whatsapp_events`, delivery (with the
24-hour window) in `whatsapp_send`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.channels.base import MAX_MESSAGE_AGE, Channel, StartGate, read_capped
from bot.channels.graph_api import GraphClient, GraphError
from bot.channels.media import MediaQuota
from bot.channels.whatsapp_events import (
    MediaFetcher,
    contact_of,
    dicts,
    message_time,
    message_values,
    sender_ids,
)
from bot.channels.whatsapp_send import GONE_CODES, Clock, WhatsAppDelivery, recipient
from bot.config import WhatsAppConfig
from bot.messages import Inbound, InboundKind, Location, Reply
from bot.records import InboxItem, StoreError
from bot.runtime import Runtime

log = logging.getLogger(__name__)
ROUTE = "/webhook/whatsapp"
MAX_TEXT_CHARS = 10_000


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


class SerialQueues:
    """Runs a handler on items in arrival order per key, different keys concurrently."""

    def __init__(self, handler: Callable[[InboxItem], Awaitable[None]]) -> None:
        self._handler = handler
        self._queues: dict[str, deque[InboxItem]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def put(self, key: str, item: InboxItem) -> None:
        """Queue an item behind the earlier items with the same key."""
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(item)
            return
        self._queues[key] = deque([item])
        task = asyncio.create_task(self._drain(key), name=f"whatsapp-{key[-4:]}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def idle(self) -> bool:
        """True when nothing is queued or running."""
        return not self._queues

    async def cancel(self) -> None:
        """Stop processing; unprocessed items stay in the inbox for the next start."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        try:
            while queue:
                await self._handler(queue[0])
                queue.popleft()
        finally:
            del self._queues[key]


class WhatsAppChannel(Channel):
    """Receives WhatsApp webhooks and delivers replies through the Graph API."""

    name = "whatsapp"

    def __init__(
        self,
        runtime: Runtime,
        config: WhatsAppConfig,
        media_dir: Path,
        max_media_bytes: int,
        clock: Clock = utc_now,
        retry_delay: float = 1.0,
        idle_poll: float = 5.0,
    ) -> None:
        super().__init__(runtime)
        self.config = config
        self.media_dir = media_dir
        self.max_media_bytes = max_media_bytes
        self.quota = MediaQuota(media_dir)
        self.clock = clock
        self.graph = GraphClient(
            config.api_url, config.phone_number_id, config.token, config.messages_per_second
        )
        self.delivery = WhatsAppDelivery(self.graph, runtime.mailroom, config, clock)
        self.media = MediaFetcher(self.name, self.graph, media_dir, max_media_bytes, self.quota)
        self.worker = runtime.mailroom.outbox_worker(
            self.name, self.send, base_delay=retry_delay, idle_poll=idle_poll
        )
        self.queues = SerialQueues(self._process)
        self._queued: set[str] = set()
        self.gate: StartGate[InboxItem] = StartGate(self._enqueue, lambda item: item.update_id)

    # ----- lifecycle ----------------------------------------------------------------------

    def setup(self, app: web.Application) -> None:
        app.router.add_get(ROUTE, self.verify)
        app.router.add_post(ROUTE, self.webhook)

    async def start(self) -> None:
        """Open the Graph client, start delivery, process what a crash left in the inbox."""
        if not self.config.app_secret:
            log.error("WHATSAPP_APP_SECRET is not set: every WhatsApp webhook will be refused")
        await self.graph.start()
        self.worker.start()
        pending = await self.runtime.mailroom.unprocessed(self.name, datetime.now(UTC))
        if pending:
            log.info("processing %d WhatsApp messages left in the inbox", len(pending))
        await self.gate.open(pending)

    async def stop(self) -> None:
        """Stop processing and delivery; what is unfinished stays stored for the next start."""
        self.gate.close()
        await self.queues.cancel()
        await self.worker.stop()
        await self.stop_background()
        await self.graph.close()

    async def idle(self) -> bool:
        """Nothing received is waiting or being processed, and nothing queued is due."""
        return self.queues.idle and not self._background and await self.worker.idle()

    # ----- webhook ------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription handshake: echo the challenge if the verify token matches."""
        query = request.query
        token = query.get("hub.verify_token", "")
        if (
            query.get("hub.mode") == "subscribe"
            and self.config.verify_token
            and hmac.compare_digest(token.encode(), self.config.verify_token.encode())
        ):
            log.info("WhatsApp webhook verified")
            return web.Response(text=query.get("hub.challenge", ""))
        log.warning("WhatsApp webhook verification refused: wrong mode or verify token")
        return web.Response(status=403, text="verification failed")

    async def webhook(self, request: web.Request) -> web.Response:
        """Verify, persist and acknowledge an event notification; process it afterwards."""
        signature = request.headers.get("X-Hub-Signature-256", "")
        if not signature:  # before reading anything
            log.warning("WhatsApp webhook without signature refused")
            return web.Response(status=401, text="signature missing")
        body = await read_capped(request)
        if not self._signed(body, signature):
            log.warning("WhatsApp webhook with a wrong signature refused")
            return web.Response(status=403, text="signature mismatch")
        try:
            envelope = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested too deep
            return web.Response(status=400, text="body must be JSON")
        if not isinstance(envelope, dict):
            return web.Response(status=400, text="body must be a JSON object")
        try:
            for value in self._values(envelope):
                await self._record_statuses(value)
                await self._persist_messages(value)
        except StoreError as error:
            log.error("WhatsApp webhook not stored (Meta will send it again): %s", error)
            self._notify_unstored(envelope)
            return web.Response(status=503, text="try again")
        return web.Response(text="ok")

    def _notify_unstored(self, envelope: dict[str, Any]) -> None:
        """Tell the senders of messages that could not be stored, at once and outside the
        outbox (the database is failing), that something is wrong; once a minute at most."""
        for value in self._values(envelope):
            contacts = list(dicts(value.get("contacts")))
            for message in dicts(value.get("messages")):
                sender = str(message.get("from", ""))
                wa_id, bsuid = sender_ids(message, contact_of(contacts, sender))
                if wa_id or bsuid:
                    user = bsuid or wa_id
                    self.tell_failure(
                        user, partial(self.delivery.deliver, recipient(wa_id, bsuid), user)
                    )

    def _signed(self, body: bytes, signature: str) -> bool:
        if not self.config.app_secret:
            return False
        digest = hmac.new(self.config.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={digest}".encode(), signature.strip().encode())

    def _values(self, envelope: dict[str, Any]) -> list[dict[str, Any]]:
        """The `value` of every messages change for our phone number, in order."""
        return message_values(envelope, self.config.phone_number_id)

    async def _record_statuses(self, value: dict[str, Any]) -> None:
        for status in dicts(value.get("statuses")):
            wamid, state = str(status.get("id", "")), str(status.get("status", ""))
            if not wamid or not state:
                continue
            errors = [
                f"{error.get('code')} {error.get('title', '')}".strip()
                for error in dicts(status.get("errors"))
            ]
            if state == "failed":
                log.error("WhatsApp message %s failed: %s", wamid, "; ".join(errors) or "-")
            else:
                log.debug("WhatsApp message %s %s", wamid, state)
            recipient_id = str(status.get("recipient_id", ""))
            await self.runtime.mailroom.whatsapp_status(
                wamid, recipient_id, state, "; ".join(errors), self.clock()
            )
            codes = {error.get("code") for error in dicts(status.get("errors"))}
            if state == "failed" and recipient_id and codes & GONE_CODES:
                await self.runtime.mailroom.whatsapp_unreachable(recipient_id)

    async def _persist_messages(self, value: dict[str, Any]) -> None:
        contacts = list(dicts(value.get("contacts")))
        for message in dicts(value.get("messages")):
            wamid, sender = str(message.get("id", "")), str(message.get("from", ""))
            if not wamid or not sender:
                log.warning("WhatsApp message without id or sender ignored")
                continue
            contact = contact_of(contacts, sender)
            ids = {key: contact[key] for key in ("wa_id", "user_id") if key in contact}
            event = {"message": message, "contact": ids}
            payload = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
            if await self.runtime.mailroom.accept(self.name, wamid, payload, self.clock()):
                await self.gate.put(InboxItem(wamid, payload))
            else:
                log.info("duplicate WhatsApp message %s ignored", wamid)

    async def _enqueue(self, item: InboxItem) -> None:
        if item.update_id in self._queued:
            return
        self._queued.add(item.update_id)
        sender = str(json.loads(item.payload)["message"].get("from", ""))
        self.queues.put(sender, item)

    # ----- processing ---------------------------------------------------------------------

    async def _process(self, item: InboxItem) -> None:
        try:
            await self._process_one(item)
        except Exception as error:
            log.exception("WhatsApp message failed; it is tried again at the next start")
            with contextlib.suppress(StoreError):
                await self.runtime.mailroom.failed(
                    self.name, item.update_id, type(error).__name__, datetime.now(UTC)
                )
        finally:
            self._queued.discard(item.update_id)

    async def _process_one(self, item: InboxItem) -> None:
        event = json.loads(item.payload)
        message: dict[str, Any] = event["message"]
        wa_id, bsuid = sender_ids(message, event.get("contact") or {})
        now = self.clock()
        if now - message_time(message, now) > MAX_MESSAGE_AGE:
            log.info("WhatsApp: a message older than %s dropped", MAX_MESSAGE_AGE)
            await self.runtime.mailroom.discard(self.name, item.update_id)
            return  # answered ids are kept 7 days: an older one could be answered twice
        try:
            user, released = await self.runtime.mailroom.whatsapp_seen(
                wa_id, bsuid, message_time(message, now)
            )
        except StoreError as error:
            log.error("WhatsApp contact not recorded: %s", error)
            user, released = bsuid or wa_id, 0
        if released:
            log.info("%d held WhatsApp messages released: the user wrote again", released)
            self.runtime.mailroom.wake(self.name)
        self.spawn(self._mark_read(item.update_id))
        inbound = await self._inbound(user, message, now)
        answered = await self.runtime.answer_via_outbox(inbound)
        if answered.notice is not None:  # the database failed: tell the user directly
            await self.deliver_quietly(
                partial(self.delivery.deliver, recipient(wa_id, bsuid), user), answered.notice
            )
        if answered.photo_to_fetch:  # a photo sent earlier, now that they report it
            media_id, _, mime = answered.photo_to_fetch.partition("|")
            content = {"id": media_id, "mime_type": mime}
            media = await self.media.fetch("image", content, user)
            await self.runtime.attach_photo(self.name, user, media)

    async def _inbound(self, user: str, message: dict[str, Any], now: datetime) -> Inbound:
        kind = message.get("type")
        content = message.get(kind) if isinstance(kind, str) else None
        content = content if isinstance(content, dict) else {}
        make = partial(
            Inbound, channel=self.name, user=user, time=now, update_id=str(message["id"])
        )
        if kind == "text":
            body = str(content.get("body", ""))[:MAX_TEXT_CHARS]
            return make(kind=InboundKind.TEXT, text=body, forwarded=_forwarded(message))
        if kind == "interactive":
            pressed = content.get("button_reply") or content.get("list_reply")
            if isinstance(pressed, dict) and pressed.get("id"):
                return make(kind=InboundKind.CHOICE, choice=str(pressed["id"])[:256])
        if kind == "button":  # a quick-reply button of a template
            return make(kind=InboundKind.TEXT, text=str(content.get("text", ""))[:MAX_TEXT_CHARS])
        if kind in ("image", "document"):
            if not await self.runtime.expects_media(self.name, user):
                # not asked for: not downloaded; its media id is kept in case they report it
                reference = f"{content.get('id', '')}|{content.get('mime_type', '')}"[:200]
                return make(kind=InboundKind.MEDIA, media_ref=reference)
            media = await self.media.fetch(str(kind), content, user)
            return make(kind=InboundKind.MEDIA, media=(media,) if media else ())
        if kind == "location":
            location = Location.parse(content)
            if location:
                return make(kind=InboundKind.LOCATION, location=location)
        return make(kind=InboundKind.UNSUPPORTED)

    async def _mark_read(self, wamid: str) -> None:
        try:
            await self.graph.mark_read(wamid)
        except GraphError as error:
            log.warning("WhatsApp message %s not marked read: %s", wamid, error)

    # ----- delivery -----------------------------------------------------------------------

    async def send(self, user: str, reply: Reply) -> None:
        """Deliver one queued reply (the outbox worker's send); raises RetryLater/Undeliverable."""
        await self.delivery.send(user, reply)


def _forwarded(message: dict[str, Any]) -> bool:
    """Whether WhatsApp marks the message as forwarded (an advert from a group, often)."""
    context = message.get("context")
    return isinstance(context, dict) and bool(
        context.get("forwarded") or context.get("frequently_forwarded")
    )
