"""The runtime: glue between channels, the engine and the store.

For each inbound message it answers a redelivered update only once, keeps one
user's messages in arrival order while other users proceed concurrently, runs
the dialog turn, commits the new session with its effects in one transaction,
and only then hands the replies back to the channel to send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.actions import ActionSpec
from bot.content import Content, load_content
from bot.dialog import run_turn
from bot.engine.session import Turn
from bot.engine.spec import ActionNode, AskNode
from bot.limits import Throttle
from bot.messages import Inbound, Reply
from bot.store import Store, StoreError
from bot.yamlsource import Problem

log = logging.getLogger(__name__)
FAILURE_NOTICE_SECONDS = 60.0
Interceptor = Callable[[Inbound, Content, str], Awaitable[list[Reply] | None]]
"""Sees a message of a user an officer is talking with (the third argument is the report's
reference) before the dialog does; returns replies if it handled the message."""


class ContentLoadError(Exception):
    """The content has errors; `problems` lists them as file:line messages."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [problem for problem in problems if problem.severity == "error"]
        super().__init__("content has errors:\n" + "\n".join(map(str, errors)))
        self.problems = problems


def load_checked_content(content_dir: Path, actions: dict[str, ActionSpec]) -> Content:
    """Load content or raise ContentLoadError; warnings are logged."""
    content, problems = load_content(content_dir, actions)
    for problem in problems:
        if problem.severity == "warning":
            log.debug("%s", problem)
    if content is None:
        raise ContentLoadError(problems)
    return content


class Runtime:
    """Processes inbound messages for every channel; holds the current content."""

    def __init__(
        self,
        store: Store,
        content: Content,
        actions: dict[str, ActionSpec],
        content_dir: Path,
        timeout: timedelta,
        services: Any = None,
    ) -> None:
        self.store = store
        self.content = content
        self.actions = actions
        self.content_dir = content_dir
        self.timeout = timeout
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._waiting: dict[tuple[str, str], int] = {}
        self._wakeups: dict[str, asyncio.Event] = {}
        self.services = services
        self.interceptor: Interceptor | None = None
        self.throttle: Throttle | None = None  # the server sets one; the console has none
        # at most one failure notice per user per FAILURE_NOTICE_SECONDS
        self._failure_gate = Throttle(1, 60 / FAILURE_NOTICE_SECONDS)

    async def handle(self, inbound: Inbound, queued: bool = False) -> list[Reply]:
        """Answer one inbound message; returns the replies to send (empty for a duplicate).

        With `queued`, the replies go into the outbox in the turn's own transaction
        (a channel's delivery worker sends them with retries) and the result holds
        only what could not be queued: the notice that the database failed.
        """
        verdict = self.throttle.admit((inbound.channel, inbound.user)) if self.throttle else ""
        if verdict in (Throttle.NOTIFY, Throttle.DROP):
            return await self._refuse_flood(inbound, queued, verdict == Throttle.NOTIFY)
        with self._user_lock(inbound.channel, inbound.user) as lock:
            async with lock:
                replies = await self._handle_locked(inbound, queued)
        if queued and inbound.channel in self._wakeups:
            self._wakeups[inbound.channel].set()
        return replies

    async def _refuse_flood(self, inbound: Inbound, queued: bool, notify: bool) -> list[Reply]:
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
            return []
        if queued:
            if reply and inbound.channel in self._wakeups:
                self._wakeups[inbound.channel].set()
            return []
        return [reply] if reply else []

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

    def wake_all(self) -> None:
        """Wake every channel's delivery worker (messages were queued across channels)."""
        for event in self._wakeups.values():
            event.set()

    def outbox_wakeup(self, channel: str) -> asyncio.Event:
        """The event a channel's delivery worker waits on; set when replies are queued."""
        return self._wakeups.setdefault(channel, asyncio.Event())

    async def _handle_locked(self, inbound: Inbound, queued: bool) -> list[Reply]:
        content = self.content  # one content version for the whole turn
        session = None
        try:
            start = await self.store.begin_turn(inbound.channel, inbound.user, inbound.update_id)
            if start.processed:
                log.info("duplicate update %s on %s ignored", inbound.update_id, inbound.channel)
                return []
            session = start.session
            intercepted = None
            if self.interceptor and session is not None and start.relay is not None:
                intercepted = await self.interceptor(inbound, content, start.relay)
            if intercepted is not None:  # an officer conversation: no dialog step
                turn = Turn(session=session, replies=intercepted)
            else:
                turn = await run_turn(
                    content, self.actions, session, inbound, self.timeout, self.services
                )
            outbox = [reply.to_dict() for reply in turn.replies] if queued else None
            erased = await self.store.commit_turn(
                inbound.channel,
                inbound.user,
                turn.session,
                inbound.update_id,
                turn.visits,
                inbound.time,
                outbox,
                turn.questions,
            )
            for path in erased:  # the user deleted their data: their photos go too
                Path(path).unlink(missing_ok=True)
            if intercepted is not None or any(
                isinstance(content.flows.nodes.get(node), ActionNode) for node in turn.visits
            ):  # a relay or an action (a report) may have queued messages for other channels
                self.wake_all()
        except StoreError as error:
            log.error(
                "database error while handling update %s on %s: %s",
                inbound.update_id or "-",
                inbound.channel,
                error,
            )
            lang = session.lang if session else content.flows.default_language
            if queued:  # sent outside the outbox: once a minute, however many messages fail
                notice = self.failure_notice(inbound.channel, inbound.user, lang)
                return [notice] if notice else []
            return [Reply(content.flows.message("failure", lang))]  # the web chat: every request
        return [] if queued else turn.replies

    @contextmanager
    def _user_lock(self, channel: str, user: str) -> Iterator[asyncio.Lock]:
        """A per-user lock that is forgotten when nobody holds or waits for it."""
        key = (channel, user)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            yield lock
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

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
