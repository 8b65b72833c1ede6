"""The one way tests build a runtime: a real store on a throwaway database, the given
content and actions, officers if asked for. Use the `make_runtime` fixture (closed at the
end of the test) or `open_test_runtime` (an async context manager); `web_chat_client` puts
the real app with the web chat in front of one."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.actions import ActionSpec
from bot.channels.webchat import WebChatChannel
from bot.content import Content
from bot.limits import Throttle
from bot.runtime import Runtime
from bot.server import build_app
from bot.services import Services
from bot.store import Store

OFFICER_ID = 42
OFFICER_IDS = frozenset({OFFICER_ID, OFFICER_ID + 1})
OFFICER_CHAT = -100
MAX_MEDIA = 100_000


@asynccontextmanager
async def open_test_runtime(
    tmp_path: Path,
    content: Content,
    actions: dict[str, ActionSpec],
    *,
    db: Path | None = None,
    store: Store | None = None,
    content_dir: Path = Path("content"),
    officers: bool = False,
    throttle: Throttle | None = None,
    busy_timeout_ms: int = 5000,
    **services: object,
) -> AsyncIterator[Runtime]:
    """A runtime with its store open; the store is closed on exit (a `store` passed in is
    the caller's to close). With `officers`, officers 42 and 43 work in chat -100;
    `services` override other `Services` fields."""
    own_store = store is None
    if store is None:
        store = Store(db or tmp_path / "bot.db", busy_timeout_ms=busy_timeout_ms)
        await store.open()
    settings: dict[str, object] = {"media_dir": tmp_path / "media", **services}
    if officers:
        settings.update(officer_chat_id=OFFICER_CHAT, officer_ids=OFFICER_IDS)
    try:
        yield Runtime(
            store=store,
            content=content,
            actions=actions,
            content_dir=content_dir,
            timeout=timedelta(minutes=30),
            services=Services(store=store, **settings),  # type: ignore[arg-type]
            throttle=throttle,
        )
    finally:
        if own_store:
            await store.close()


@asynccontextmanager
async def web_chat_client(
    tmp_path: Path,
    content: Content,
    actions: dict[str, ActionSpec],
    *,
    tls: ssl.SSLContext | None = None,
    throttle: Throttle | None = None,
    **options: Any,
) -> AsyncIterator[TestClient]:
    """The real app with the web chat on a throwaway database (over TLS with `tls`, with the
    server's per-user flood limit `throttle`); `options` go to `WebChatChannel`. The client's
    `channel` is the web chat channel, its `channel.runtime` the runtime."""
    async with open_test_runtime(tmp_path, content, actions, throttle=throttle) as runtime:
        channel = WebChatChannel(runtime, tmp_path / "media", MAX_MEDIA, **options)
        server = TestServer(
            build_app(runtime, [channel], MAX_MEDIA), scheme="https" if tls else "http"
        )
        await server.start_server(ssl=tls)
        client = TestClient(server)
        await client.start_server()
        client.channel = channel  # type: ignore[attr-defined]
        try:
            yield client
        finally:
            await client.close()
