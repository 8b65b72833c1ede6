"""The interface every channel adapter implements."""

from __future__ import annotations

from aiohttp import web

from bot.messages import Inbound, Reply
from bot.runtime import Runtime


class Channel:
    """A platform adapter: parses platform input into `Inbound`, renders `Reply`s.

    Adapters that receive over HTTP add their routes to the one aiohttp server in
    `setup`; adapters with background work (polling, outbox) start it in `start`.
    """

    name: str

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def setup(self, app: web.Application) -> None:
        """Register this channel's routes on the server (none by default)."""

    async def start(self) -> None:
        """Start background work; the server is already listening."""

    async def stop(self) -> None:
        """Stop background work before the server shuts down."""

    async def receive(self, inbound: Inbound) -> list[Reply]:
        """Hand one inbound message to the runtime and get the replies to render."""
        return await self.runtime.handle(inbound)
