"""Experiment (BENCH_PTB_AIOHTTP=1): python-telegram-bot's requests over aiohttp, not httpx.

The profile of the Telegram path puts httpx/httpcore first; this `BaseRequest` measures
what the same path costs with the HTTP client the WhatsApp adapter already uses. Not used
by the bot.
"""

from __future__ import annotations

import aiohttp
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """PTB requests on one aiohttp session (form bodies, multipart for files)."""

    def __init__(self, connections: int = 64, timeout: float = 10.0) -> None:
        self.connections = connections
        self.timeout = timeout
        self.session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self.timeout

    async def initialize(self) -> None:
        if self.session is None:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            )

    async def shutdown(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout=None,
        write_timeout=None,
        connect_timeout=None,
        pool_timeout=None,
    ) -> tuple[int, bytes]:
        await self.initialize()
        assert self.session is not None
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            files = request_data.multipart_data
            if files:
                form = aiohttp.FormData()
                for name, value in request_data.json_parameters.items():
                    form.add_field(name, value)
                for name, (filename, content, mime) in files.items():
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
            else:
                data = request_data.json_parameters
        async with self.session.request(method, url, data=data) as response:
            return response.status, await response.read()
