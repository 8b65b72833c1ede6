"""The one aiohttp server: web chat, health check, and the platform webhooks.

Routes are a public contract: `/` (web chat, with its `/static/webchat.js` and
`/static/webchat.css`), `/api/chat`, `GET /healthz`, `/webhook/telegram`,
`/webhook/whatsapp`, and the officers' web console under `/officer` (see
`bot.console.web`). Every response carries the security headers of `SECURITY_HEADERS`;
connections are capped and closed when idle (see `serve`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from aiohttp import web, web_response

from bot.app import open_runtime
from bot.channels.base import Channel
from bot.channels.webchat import WebChatChannel
from bot.channels.whatsapp import ROUTE as WHATSAPP_ROUTE
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import Config
from bot.console.web import OfficerConsole
from bot.content_watch import WATCH_EVERY_SECONDS, ContentWatch
from bot.records import StoreError
from bot.runtime import Runtime

log = logging.getLogger(__name__)
PRUNE_EVERY_SECONDS = 3600
REMIND_EVERY_SECONDS = 60
RUNTIME_KEY = web.AppKey("runtime", Runtime)
SERVER_NAME = "Migran Aman"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # scripts and styles only from our own files: no inline code, no other site
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Server": SERVER_NAME,  # instead of aiohttp's name and version
}
"""Set on every response the application sends, errors included."""
MAX_LINE_BYTES = 8190  # request line and each header line
MAX_HEADERS = 64
BUSY_RESPONSE = (
    b"HTTP/1.1 503 Service Unavailable\r\nServer: " + SERVER_NAME.encode() + b"\r\n"
    b"Content-Type: text/plain\r\nContent-Length: 12\r\nRetry-After: 5\r\n"
    b"Connection: close\r\n\r\nserver busy\n"
)


def build_app(runtime: Runtime, channels: list[Channel], max_upload_bytes: int) -> web.Application:
    """The aiohttp application with every channel's routes, the health check and the
    security headers."""
    app = web.Application(client_max_size=max_upload_bytes + 64_000)
    app[RUNTIME_KEY] = runtime
    app.on_response_prepare.append(_security_headers)
    # the answers aiohttp gives before a request reaches the app (a malformed request line
    # or header: 400) skip on_response_prepare and would name aiohttp and its version
    web_response.SERVER_SOFTWARE = SERVER_NAME
    app.router.add_get("/healthz", healthz)
    for channel in channels:
        channel.setup(app)
    return app


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Runs as every response is prepared (handler results, raised HTTP errors, 404s), so
    no path of the application can leave a header out."""
    response.headers.update(SECURITY_HEADERS)


class ConnectionCap:
    """A protocol factory for `loop.create_server` that keeps at most `limit` connections
    open: one more is answered 503 at once and closed, before anything is read from it.
    Bounds the file descriptors a flood of (slow) connections can take."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], limit: int) -> None:
        self.factory = factory
        self.limit = limit
        self.open = 0
        self._warned = 0.0

    def __call__(self) -> asyncio.Protocol:
        if self.open >= self.limit:
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                log.warning("%d connections open: new ones get 503", self.open)
            return _Busy()
        self.open += 1
        return _Counted(self.factory(), self)


class _Counted(asyncio.Protocol):
    """Passes everything to the real protocol; counts the connection closed when it is."""

    def __init__(self, inner: asyncio.Protocol, cap: ConnectionCap) -> None:
        self.inner = inner
        self.cap: ConnectionCap | None = cap

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.cap is not None:
            self.cap.open -= 1
            self.cap = None
        self.inner.connection_lost(exc)


class _Busy(asyncio.Protocol):
    """A connection over the cap: 503, closed."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        writer = cast(asyncio.WriteTransport, transport)  # uvloop's are not subclasses
        writer.write(BUSY_RESPONSE)
        writer.close()


async def healthz(request: web.Request) -> web.Response:
    """200 with the content version and database status; 503 when the database is unusable."""
    runtime = request.app[RUNTIME_KEY]
    database_ok = await runtime.healthy()
    body = {
        "status": "ok" if database_ok else "unavailable",
        "content_version": runtime.content.flows.version,
        "database": "ok" if database_ok else "error",
    }
    return web.json_response(body, status=200 if database_ok else 503)


GC_THRESHOLDS = (10_000, 10, 10)
"""Young objects are collected after 10,000 net allocations instead of 700."""


def settle_memory() -> None:
    """Take what start-up loaded (content, libraries) out of the garbage collector's way and
    collect young objects less often. A full collection walked all of it every few seconds
    under load; measured in the WhatsApp bench: time in the collector per run 1.2 s -> 0.14 s,
    longest pause 57 ms -> 21 ms."""
    gc.unfreeze()  # a reload leaves the old content behind: let it be collected
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def reload_content(runtime: Runtime) -> None:
    """SIGHUP: load the content again (kept as it was if the new one is broken)."""
    runtime.reload()
    settle_memory()


async def serve(config: Config) -> None:
    """Run the server until SIGINT/SIGTERM; SIGHUP reloads the content."""
    async with open_runtime(config, flood_limit=True) as runtime:
        channels = make_channels(runtime, config)
        app = build_app(runtime, channels, config.media.max_bytes)
        # keepalive_timeout also bounds the wait for the first request of a connection
        # (aiohttp >= 3.10 starts it at connection_made): slow headers are cut off there
        runner = web.AppRunner(
            app,
            access_log=None,
            keepalive_timeout=config.server.idle_timeout_seconds,
            max_line_size=MAX_LINE_BYTES,
            max_field_size=MAX_LINE_BYTES,
            max_headers=MAX_HEADERS,
        )
        await runner.setup()
        assert runner.server is not None
        loop = asyncio.get_running_loop()
        listener = await loop.create_server(
            ConnectionCap(runner.server, config.server.max_connections),
            config.server.host,
            config.server.port,
            backlog=128,
        )
        started = [channel for channel in channels if await _start(channel)]
        stopping = asyncio.Event()
        loop.add_signal_handler(signal.SIGINT, stopping.set)
        loop.add_signal_handler(signal.SIGTERM, stopping.set)
        loop.add_signal_handler(signal.SIGHUP, lambda: reload_content(runtime))
        settle_memory()
        log.info(
            "Migran Aman is running. Web chat: http://%s:%s/  (content %s, database %s)",
            config.server.host,
            config.server.port,
            runtime.content.flows.version,
            config.database.path,
        )
        if not config.telegram.token:
            log.info("Telegram: off (TELEGRAM_BOT_TOKEN is not set)")
        if not config.whatsapp.token:
            log.info("WhatsApp: off (WHATSAPP_TOKEN is not set)")
        else:
            log.info("WhatsApp: webhook at %s", WHATSAPP_ROUTE)
            if "warning" not in config.whatsapp.notice_templates:
                log.warning(
                    "WhatsApp: no approved template for warnings (whatsapp.notice_templates: "
                    "warning): a warning about someone's recruiter waits until they write again"
                )
        if not (config.telegram.token and config.officers.chat_id and config.officers.telegram_ids):
            log.warning(
                "reports are stored but NO officer is notified: set TELEGRAM_BOT_TOKEN, "
                "OFFICER_CHAT_ID and OFFICER_TELEGRAM_IDS"
            )
        retention_days = config.session.retention_days

        async def prune(now: datetime) -> None:
            """Erase idle sessions and personal data past their retention."""
            await runtime.prune(now, retention_days)

        chores = [
            asyncio.create_task(_every(PRUNE_EVERY_SECONDS, prune, "pruning")),
            asyncio.create_task(
                _every(REMIND_EVERY_SECONDS, runtime.follow_up_plans, "plan follow-up")
            ),
            asyncio.create_task(
                _every(WATCH_EVERY_SECONDS, ContentWatch(runtime).check, "job alerts")
            ),
        ]
        officers_on = any(channel.name == config.officers.channel for channel in started)
        if officers_on and config.officers.chat_id is not None:
            chores.append(
                asyncio.create_task(
                    _every(REMIND_EVERY_SECONDS, runtime.remind_officers, "urgent reminders")
                )
            )
        try:
            await stopping.wait()
        finally:
            for chore in chores:
                chore.cancel()
            for outcome in await asyncio.gather(*chores, return_exceptions=True):
                if isinstance(outcome, Exception):
                    log.error("a background chore had stopped: %r", outcome)
            for channel in reversed(started):
                await channel.stop()
            listener.close()  # no new connections; then the open ones are shut down
            await runner.cleanup()
        log.info("stopped")


def make_channels(runtime: Runtime, config: Config) -> list[Channel]:
    """The channels this configuration turns on; the web chat is always on, the officers'
    web console unless `console.enabled` is false."""
    media_dir = Path(config.media.dir)
    channels: list[Channel] = [WebChatChannel.from_config(runtime, config)]
    if config.console.enabled:
        channels.append(OfficerConsole.from_config(runtime, config))
    if config.telegram.token:
        from bot.channels.telegram import TelegramChannel

        channels.append(
            TelegramChannel(runtime, config.telegram, media_dir, config.media.max_bytes)
        )
    if config.whatsapp.token:
        channels.append(
            WhatsAppChannel(runtime, config.whatsapp, media_dir, config.media.max_bytes)
        )
    return channels


async def _start(channel: Channel) -> bool:
    """Start a channel; a failure is reported and leaves the other channels running."""
    try:
        await channel.start()
    except Exception:
        log.exception("%s: FAILED to start", channel.name)
        return False
    return True


async def _every(seconds: float, chore: Callable[[datetime], Awaitable[object]], what: str) -> None:
    """Run `chore` (given the time) every `seconds`, for ever; a database error is logged
    and the next round tries again."""
    while True:
        try:
            await chore(datetime.now(UTC))
        except StoreError as error:
            log.error("%s: database error: %s", what, error)
        await asyncio.sleep(seconds)
