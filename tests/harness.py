"""The real server app with the web chat, Telegram and WhatsApp (both by webhook), in-process,
against the fake Bot API and the fake Graph API. Used by the fault and fuzz tests."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram import TelegramChannel
from bot.channels.webchat import WebChatChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import TelegramConfig, WhatsAppConfig
from bot.content import Content
from bot.limits import Throttle
from bot.server import build_app
from tests.fakes.bot_api import FakeBotApi, text_update
from tests.fakes.graph_api import (
    PHONE_NUMBER_ID,
    FakeGraphApi,
    encode,
    messages_body,
    sent_text,
    sign,
    text,
)
from tests.runtimes import open_test_runtime

TG_SECRET = "fault_secret-1"
WA_SECRET = "wa-app-secret"
WA_TOKEN = "wa-token"
MAX_UPLOAD = 100_000


def body_of(data: bytes) -> bytes | io.BytesIO:
    """A request body as aiohttp's client wants it: a large one as a stream (raw bytes over
    1 MB make it warn that the event loop may block)."""
    return io.BytesIO(data) if len(data) > 1_000_000 else data


class Harness:
    """Starts everything with `open()`; `close()` stops it, keeping the database file."""

    def __init__(
        self,
        tmp_path: Path,
        content: Content,
        actions: dict,
        throttle: Throttle | None = None,
        busy_timeout_ms: int = 5000,
        db: Path | None = None,
    ) -> None:
        self.tmp_path = tmp_path
        self.db = db or tmp_path / "bot.db"
        self.content = content
        self.actions = actions
        self.throttle = throttle
        self.busy_timeout_ms = busy_timeout_ms
        self.update_ids = iter(range(10_000, 10**9))
        self._stack = AsyncExitStack()

    async def open(self, start: bool = True) -> Harness:
        self.bot_api = FakeBotApi()
        self.bot_api_server = TestServer(self.bot_api.app, host="127.0.0.1")
        await self.bot_api_server.start_server()
        self.graph = FakeGraphApi(WA_TOKEN)
        await self.graph.start()
        self.runtime = await self._stack.enter_async_context(
            open_test_runtime(
                self.tmp_path,
                self.content,
                self.actions,
                db=self.db,
                throttle=self.throttle,
                busy_timeout_ms=self.busy_timeout_ms,
            )
        )
        self.store = self.runtime.store
        media = self.tmp_path / "media"
        self.telegram = TelegramChannel(
            self.runtime,
            TelegramConfig(
                token=self.bot_api.token,
                api_url=f"http://127.0.0.1:{self.bot_api_server.port}/bot",
                webhook_url="https://bot.example/webhook/telegram",
                webhook_secret=TG_SECRET,
            ),
            media,
            MAX_UPLOAD,
            retry_base_delay=0.05,
        )
        self.whatsapp = WhatsAppChannel(
            self.runtime,
            WhatsAppConfig(
                token=WA_TOKEN,
                app_secret=WA_SECRET,
                verify_token="verify",
                phone_number_id=PHONE_NUMBER_ID,
                api_url=self.graph.api_url,
                messages_per_second=1000,
            ),
            media,
            MAX_UPLOAD,
            retry_delay=0.05,
            idle_poll=0.05,
        )
        self.telegram.outbox.base_delay = 0.05
        self.telegram.outbox.idle_poll = 0.05
        # no limit per client address: every test request comes from 127.0.0.1 (that limit
        # has its own tests in tests/security/test_web_limits.py)
        self.web = WebChatChannel(self.runtime, media, MAX_UPLOAD, per_address_burst=0)
        app = build_app(self.runtime, [self.web, self.telegram, self.whatsapp], MAX_UPLOAD)
        self.client = TestClient(TestServer(app, host="127.0.0.1"))
        await self.client.start_server()
        if start:
            await self.start_channels()
        return self

    async def start_channels(self) -> None:
        await self.telegram.start()
        await self.whatsapp.start()

    async def close(self) -> None:
        await self.whatsapp.stop()
        await self.telegram.stop()
        await self.client.close()
        await self._stack.aclose()
        await self.graph.close()
        await self.bot_api_server.close()

    # ----- input ------------------------------------------------------------------------------

    async def post_telegram(self, body: Any, raw: bytes | None = None) -> int:
        """POST a Telegram update (or raw bytes) with the right secret token; the status."""
        data = raw if raw is not None else json.dumps(body).encode()
        response = await self.client.post(
            "/webhook/telegram",
            data=body_of(data),
            headers={
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": TG_SECRET,
            },
        )
        await response.read()
        return response.status

    async def post_whatsapp(self, body: Any, raw: bytes | None = None) -> int:
        """POST a WhatsApp webhook body (or raw bytes), correctly signed; the status."""
        data = raw if raw is not None else encode(body)
        response = await self.client.post(
            "/webhook/whatsapp",
            data=body_of(data),
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign(data, WA_SECRET),
            },
        )
        await response.read()
        return response.status

    def tg_text(self, chat: int, words: str) -> dict:
        return text_update(chat, words, update_id=next(self.update_ids))

    async def tg_say(self, chat: int, words: str) -> int:
        return await self.post_telegram(self.tg_text(chat, words))

    async def tg_flood(self, chat: int, count: int) -> None:
        """`count` messages from one Telegram chat, all at once."""
        statuses = await asyncio.gather(*(self.tg_say(chat, f"pesan {n}") for n in range(count)))
        assert set(statuses) == {200}, statuses

    async def wa_say(self, wa_id: str, words: str) -> int:
        return await self.post_whatsapp(messages_body(wa_id, text(wa_id, words)))

    async def web_say(self, words: str, cookie: str = "") -> tuple[list[str], str]:
        """Send a web chat text; (reply texts, the cookie to keep the session). Without a
        cookie, a new browser: the session id the server would issue on its page's open."""
        cookie = cookie or f"ma_chat={self.web.signer.issue()[1]}"
        headers = {"Cookie": cookie}
        self.client.session.cookie_jar.clear()  # every call says which browser it is
        response = await self.client.post("/api/chat", json={"text": words}, headers=headers)
        assert response.status == 200, await response.text()
        body = await response.json()
        return [reply["text"] for reply in body["replies"]], cookie

    # ----- output -----------------------------------------------------------------------------

    def tg_texts(self, chat: int) -> list[str]:
        """Texts delivered to a Telegram chat, in order."""
        return [params["text"] for params in self.bot_api.sent(chat)]

    def wa_texts(self, wa_id: str) -> list[str]:
        """Texts delivered to a WhatsApp user, in order (body of text or interactive)."""
        return [sent_text(sent) for sent in self.graph.sent(wa_id)]

    async def wait(self, predicate, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.01)

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql, params).fetchall()

    async def settle(self, timeout: float = 10.0) -> None:
        """Until every stored update is processed and every due reply is sent."""
        async with asyncio.timeout(timeout):
            while (
                not self.whatsapp.queues.idle
                or self.telegram.application.update_queue.qsize()
                or self.rows("SELECT 1 FROM inbox")
                or self.rows("SELECT 1 FROM outbox WHERE status = 'pending'")
            ):
                await asyncio.sleep(0.02)
