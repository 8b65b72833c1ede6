"""The interface every channel adapter implements, and the background work they share."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from datetime import timedelta
from typing import Any, Generic, TypeVar

from aiohttp import web

from bot.delivery import RetryLater, Undeliverable
from bot.messages import Inbound, Reply
from bot.runtime import Runtime

log = logging.getLogger(__name__)
WEBHOOK_BODY_LIMIT = 256 * 1024  # platform notifications are small; read no more than this
MAX_MESSAGE_AGE = timedelta(days=6)  # older messages are dropped: answered ids are kept 7 days
Deliver = Callable[[Reply], Awaitable[None]]
"""Sends one reply straight to one user, outside the outbox."""
T = TypeVar("T")


async def read_capped(request: web.Request, limit: int = WEBHOOK_BODY_LIMIT) -> bytes:
    """The request body, read in pieces and refused (413) past `limit`, whatever the
    declared length or a chunked encoding says: nothing larger is ever held in memory."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    body = bytearray()
    while len(body) <= limit:  # a read returns what has arrived so far, not the whole body
        piece = await request.content.read(limit + 1 - len(body))
        if not piece:
            return bytes(body)
        body += piece
    raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))


class Channel:
    """A platform adapter: parses platform input into `Inbound`, renders `Reply`s.

    Adapters that receive over HTTP add their routes to the one aiohttp server in
    `setup`; adapters with background work (polling, outbox) start it in `start`.
    """

    name: str

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._background: set[asyncio.Task[None]] = set()

    def setup(self, app: web.Application) -> None:
        """Register this channel's routes on the server (none by default)."""

    async def start(self) -> None:
        """Start background work; the server is already listening."""

    async def stop(self) -> None:
        """Stop background work before the server shuts down."""

    async def receive(self, inbound: Inbound) -> list[Reply]:
        """Hand one inbound message to the runtime and get the replies to render."""
        return await self.runtime.answer_directly(inbound)

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a side job (a read receipt, a notice) without waiting for it."""
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def stop_background(self) -> None:
        """Cancel the side jobs still running."""
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)

    def tell_failure(self, user: str, deliver: Deliver, lang: str = "") -> None:
        """Tell a user whose message could not even be stored, at once and outside the
        outbox (the database is failing), that something is wrong; once a minute at most."""
        reply = self.runtime.failure_notice(self.name, user, lang)
        if reply is not None:
            self.spawn(self.deliver_quietly(deliver, reply))

    async def deliver_quietly(self, deliver: Deliver, reply: Reply) -> None:
        """Send a reply outside the outbox, best effort: a failure is logged, not raised."""
        try:
            await deliver(reply)
        except (RetryLater, Undeliverable) as error:
            log.error("%s: notice not sent: %s", self.name, error)


class StartGate(Generic[T]):
    """Keeps arrival order across a restart. Platform events are stored in the inbox before
    they are acknowledged; those that arrive while the channel starts wait until what a
    crash left in the inbox has been queued, then go in behind it (each once)."""

    def __init__(self, queue: Callable[[T], Awaitable[None]], key: Callable[[T], str]) -> None:
        self.queue = queue
        self.key = key
        self._open = False
        self._early: list[T] = []

    async def put(self, item: T) -> None:
        """Queue a stored event now, or after the inbox's if the channel is still starting."""
        if self._open:
            await self.queue(item)
        else:
            self._early.append(item)

    async def open(self, pending: Iterable[T]) -> None:
        """Queue what the inbox held, then what arrived meanwhile; from now on, at once."""
        queued = set()
        for item in pending:
            queued.add(self.key(item))
            await self.queue(item)
        while self._early:  # what arrives meanwhile still goes behind
            item = self._early.pop(0)
            if self.key(item) not in queued:
                await self.queue(item)
        self._open = True

    def close(self) -> None:
        """Stop queueing; what arrives now stays stored for the next start."""
        self._open = False
        self._early.clear()
