"""The runtime: glue between channels, the engine, the officers' desk and the store.

For each inbound message it answers a redelivered update only once, keeps one
user's messages in arrival order while other users proceed concurrently, runs
the dialog turn (or the officers' desk), commits the new session with the turn's
effects, replies and answered update id in one transaction, and only then hands the
replies back to the channel to send. Channels reach storage only through it: its
`mailroom` holds their inbox, outbox and contacts. Officers' input (Telegram and the web
console) goes through its officer doors (`bot.officer_doors`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.actions import ActionSpec
from bot.channels.media import remove_unattached
from bot.content import Content, load_content
from bot.dialog import run_turn
from bot.effects import Effect, FileReport, SendNotices, name_report
from bot.engine.routing import PHOTO_REF
from bot.engine.session import Session, Turn
from bot.engine.spec import AskNode
from bot.limits import Throttle
from bot.mailroom import Mailroom
from bot.messages import Inbound, Media, Reply
from bot.officer_doors import OfficerDoors
from bot.officers.desk import OfficerDesk
from bot.ordering import KeyedLocks
from bot.planner.followup import follow_up
from bot.records import StoreError
from bot.services import Services
from bot.store import Store
from bot.yamlsource import Problem

log = logging.getLogger(__name__)
FAILURE_NOTICE_SECONDS = 60.0
UNATTACHED_MEDIA_HOURS = 6  # a photo sent in a report that was never sent goes after this


@dataclass(frozen=True, slots=True)
class Answered:
    """A message answered: the replies (for a channel that sends them in its response), or
    what a platform channel does now: a notice to send outside the outbox (the database
    failed), a photo to fetch (the user agreed to report a photo they had sent)."""

    replies: list[Reply] = field(default_factory=list)
    notice: Reply | None = None
    photo_to_fetch: str = ""


class Runtime(OfficerDoors):
    """Processes inbound messages for every channel; holds the current content."""

    def __init__(
        self,
        *,
        store: Store,
        content: Content,
        actions: dict[str, ActionSpec],
        content_dir: Path,
        timeout: timedelta,
        services: Services | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.store = store
        self.content = content
        self.actions = actions
        self.content_dir = content_dir
        self.timeout = timeout
        self.services = services or Services(store=store)
        self.throttle = throttle  # per-user flood limit: the server has one, the console none
        self.mailroom = Mailroom(store, self.services.quiet_hours)
        self.desk = OfficerDesk(self.services, lambda: self.content)
        self._locks = KeyedLocks()
        # at most one failure notice per user per FAILURE_NOTICE_SECONDS
        self._failure_gate = Throttle(1, 60 / FAILURE_NOTICE_SECONDS)

    # ----- users' messages ----------------------------------------------------------------

    async def answer_directly(self, inbound: Inbound) -> list[Reply]:
        """Answer a message of a channel that sends the replies in its own response (the web
        chat, the console): the replies come back to the caller."""
        return (await self._answer(inbound, queued=False)).replies

    async def answer_via_outbox(self, inbound: Inbound) -> Answered:
        """Answer a message of a platform channel: the replies are queued in the turn's own
        transaction (the channel's outbox worker sends them with retries). What comes back
        is for the channel to do now: a notice to send outside the outbox (the database
        failed), or a photo to fetch from the platform (the user agreed to report it)."""
        return await self._answer(inbound, queued=True)

    async def _answer(self, inbound: Inbound, queued: bool) -> Answered:
        verdict = self.throttle.admit((inbound.channel, inbound.user)) if self.throttle else ""
        if verdict in (Throttle.NOTIFY, Throttle.DROP):
            return await self._refuse_flood(inbound, queued, verdict == Throttle.NOTIFY)
        async with self._locks.hold((inbound.channel, inbound.user)):
            result = await self._turn(inbound, queued)
        if queued:
            self.mailroom.wake(inbound.channel)
        return result

    async def _refuse_flood(self, inbound: Inbound, queued: bool, notify: bool) -> Answered:
        """A message over the user's rate: dropped (marked answered), the first one told so."""
        if notify:
            log.warning("user flooding on %s: messages dropped for a while", inbound.channel)
        reply: Reply | None = None
        try:
            if notify or not queued:  # the web chat answers every request
                session = await self.store.load_session(inbound.channel, inbound.user)
                flows = self.content.flows
                lang = session.lang if session else flows.default_language
                reply = Reply(flows.message("slow_down", lang))
            if queued and (inbound.update_id or reply):
                outbox = [reply.to_dict()] if reply else []
                await self.store.skip_update(
                    inbound.channel, inbound.user, inbound.update_id, inbound.time, outbox
                )
        except StoreError as error:
            log.error("database error while dropping a flood message: %s", error)
            return Answered()
        if queued:
            if reply:
                self.mailroom.wake(inbound.channel)
            return Answered()
        return Answered(replies=[reply] if reply else [])

    async def _turn(self, inbound: Inbound, queued: bool) -> Answered:
        """One turn under the user's lock."""
        content = self.content  # one content version for the whole turn
        session = None
        try:
            start = await self.store.begin_turn(inbound.channel, inbound.user, inbound.update_id)
            if start.processed:
                log.info("duplicate update %s on %s ignored", inbound.update_id, inbound.channel)
                return Answered()
            session = start.session
            turn = await self._dialog_turn(inbound, content, session, start.relay)
            committed = await self.store.commit_turn(
                inbound.channel,
                inbound.user,
                turn.session,
                inbound.update_id,
                turn.visits,
                inbound.time,
                [reply.to_dict() for reply in turn.replies] if queued else None,
                turn.questions,
                turn.effects,
            )
        except StoreError as error:
            log.error(
                "database error while handling update %s on %s: %s",
                inbound.update_id or "-",
                inbound.channel,
                error,
            )
            lang = session.lang if session else content.flows.default_language
            if queued:  # sent outside the outbox: once a minute, however many messages fail
                return Answered(notice=self.failure_notice(inbound.channel, inbound.user, lang))
            return Answered(replies=[Reply(content.flows.message("failure", lang))])
        for path in committed.erased:  # the user deleted their data: their photos go too
            Path(path).unlink(missing_ok=True)
        if committed.new_report:
            _log_filed(turn.effects, committed.report)
        if turn.effects:  # a report or a relay queued messages for other chats
            self.mailroom.wake_all()
        photo = _photo_to_fetch(content, turn.session)
        if queued:
            return Answered(photo_to_fetch=photo)
        return Answered(replies=name_report(turn.replies, committed.report))

    async def _dialog_turn(
        self, inbound: Inbound, content: Content, session: Session | None, relay: str | None
    ) -> Turn:
        """The dialog's answer, unless an officer is talking with this reporter (`relay`:
        the report's number): then the message goes to the officer."""
        if session is None or relay is None:
            return await self._run(inbound, content, session)
        answer = await self.desk.reporter_message(inbound, content, relay)
        if answer.replies is not None:
            return Turn(session=session, replies=answer.replies, effects=answer.effects)
        turn = await self._run(inbound, content, session)
        turn.effects[:0] = answer.effects  # the conversation ended: the dialog answers
        return turn

    async def _run(self, inbound: Inbound, content: Content, session: Session | None) -> Turn:
        return await run_turn(content, self.actions, session, inbound, self.timeout, self.services)

    # ----- photos and plans ----------------------------------------------------------------

    async def attach_photo(self, channel: str, user: str, media: Media | None) -> None:
        """A photo the user sent unasked and then chose to report, fetched by the channel:
        saved as the answer of the report's photo question (None: it could not be fetched;
        the reference is forgotten either way)."""
        async with self._locks.hold((channel, user)):
            session = await self.store.load_session(channel, user)
            if session is None or PHOTO_REF not in session.answers:
                return
            del session.answers[PHOTO_REF]
            key = _photo_answer(self.content)
            if media is not None and key:
                earlier = session.answers.get(key)
                earlier = earlier if isinstance(earlier, list) else []
                session.answers[key] = [*earlier, media.ref]
            await self.store.commit_turn(channel, user, session, "", [], datetime.now(UTC))

    async def follow_up_plans(self, now: datetime) -> int:
        """Send the reminders and warnings about registered plans that are due now
        (`bot.planner.followup`), with what they remember, in one transaction; returns how
        many notices were handed to the store."""
        content, services = self.content, self.services
        remind_after = timedelta(days=services.planner_reminder_days)
        registrations = await self.store.registrations_to_follow(now - remind_after)
        notices, remembered = follow_up(registrations, content.data, now, remind_after)
        if not remembered:
            return 0
        effects: list[Effect] = [SendNotices(tuple(notices)), *remembered]
        await self.store.commit_effects("planner", "", now, effects)
        self.mailroom.wake_all()
        return len(notices)

    # ----- housekeeping -------------------------------------------------------------------

    async def healthy(self) -> bool:
        """Whether the database answers (and takes a write again after a failed one)."""
        return await self.store.healthy()

    async def prune(self, now: datetime, retention_days: int) -> None:
        """Erase what the retention rules say must go now: idle sessions and drafts, personal
        data of old reports, old unanswered questions, notices' keys and stops, stale held
        notices, received files nothing refers to."""
        forms = self.content.flows.system.forms
        draft_hours = max((form.keep_hours for form in forms.values()), default=72)
        erased = await self.store.prune(now, retention_days, draft_hours=draft_hours)
        if erased:
            log.info("erased %d sessions idle for more than %d days", erased, retention_days)
        services = self.services
        report_cutoff = now - timedelta(days=services.report_retention_days)
        for path in await self.store.erase_report_personal_data(report_cutoff):
            Path(path).unlink(missing_ok=True)
        await self.store.prune_questions(now - timedelta(days=services.question_retention_days))
        await self.store.prune_notices(now, services.notice_key_days, services.held_notice_days)
        departed = now.date() - timedelta(days=services.planner_retention_days)
        undated = now - timedelta(days=services.planner_undated_retention_days)
        await self.store.anonymise_registrations(departed, undated, now)
        in_use = await self.store.media_in_use()
        cutoff = now - timedelta(hours=UNATTACHED_MEDIA_HOURS)
        removed = remove_unattached(services.media_dir, in_use, cutoff)
        if removed:
            log.info("deleted %d received files that no report or dialog uses", removed)

    # ----- helpers for the channels -------------------------------------------------------

    async def expects_media(self, channel: str, user: str) -> bool:
        """Whether the user's dialog is asking for a photo now: only then is a received file
        downloaded and kept (anything else would fill the disk for nothing)."""
        try:
            session = await self.store.load_session(channel, user)
        except StoreError:
            return False
        if session is None or session.pending:
            return False
        node = self.content.flows.nodes.get(session.node or "")
        return isinstance(node, AskNode) and node.input.type == "photo"

    def failure_notice(self, channel: str, user: str, lang: str = "") -> Reply | None:
        """The "our system has a problem" reply for a message that could not even be stored;
        None if this user was told within the last minute (platforms resend such messages)."""
        if self._failure_gate.admit((channel, user)) != Throttle.ADMIT:
            return None
        flows = self.content.flows
        lang = lang if lang in flows.system.languages else flows.default_language
        return Reply(flows.message("failure", lang))

    def reload(self) -> list[Problem]:
        """Load the content again; on errors keep the current content and return the problems."""
        content, problems = load_content(self.content_dir, self.actions)
        if content is None:
            log.error("content reload failed; keeping version %s", self.content.flows.version)
            for problem in problems:
                if problem.severity == "error":
                    log.error("%s", problem)
            return problems
        log.info(
            "content reloaded: version %s -> %s", self.content.flows.version, content.flows.version
        )
        self.content = content
        return problems


def _photo_to_fetch(content: Content, session: Session | None) -> str:
    """The platform reference of a photo sent unasked, once the user is inside the form
    that may use it (they agreed to report): the channel fetches it now. "" otherwise."""
    if session is None or PHOTO_REF not in session.answers:
        return ""
    flows = content.flows
    node = flows.nodes.get(session.node or "")
    inside = flows.system.photo_form and getattr(node, "form", None) == flows.system.photo_form
    return str(session.answers[PHOTO_REF]) if inside else ""


def _photo_answer(content: Content) -> str:
    """The answer key of the photo question of the form that takes photos sent unasked."""
    flows = content.flows
    for node in flows.nodes.values():
        if (
            isinstance(node, AskNode)
            and node.input.type == "photo"
            and node.form == flows.system.photo_form
        ):
            return node.save
    return ""


def _log_filed(effects: list[Effect], report: str) -> None:
    for effect in effects:
        if isinstance(effect, FileReport) and report:
            log.info(
                "report %s filed (urgent=%s, anonymous=%s)",
                report,
                bool(effect.fields["urgent"]),
                bool(effect.fields["anonymous"]),
            )
