"""The console channel: the same dialogs in a terminal, options as numbered lines.

It reads standard input until end of file, so a conversation can be scripted:
`printf 'halo\\n1\\n' | python -m bot chat`.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import TextIO

from bot.channels.base import Channel
from bot.messages import Inbound, InboundKind, Reply
from bot.runtime import Runtime

USER = "local"


class ConsoleChannel(Channel):
    """Reads lines from `stdin`, prints replies to `stdout`."""

    name = "console"

    def __init__(
        self, runtime: Runtime, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
    ) -> None:
        super().__init__(runtime)
        self.stdin = stdin
        self.stdout = stdout

    async def run(self) -> None:
        """Converse until end of input."""
        self.show(await self.receive(self._inbound(InboundKind.OPEN)))
        while True:
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            self.show(await self.receive(self._inbound(InboundKind.TEXT, line.rstrip("\n"))))

    def _inbound(self, kind: InboundKind, text: str = "") -> Inbound:
        return Inbound(self.name, USER, kind, datetime.now(UTC), text=text)

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            self.stdout.write(reply.numbered_text() + "\n\n")
        self.stdout.write("> ")
        self.stdout.flush()
