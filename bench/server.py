"""The server under load, run in its own process pinned to one core.

`app` mode is the real bot as `python -m bot run` assembles it (open_runtime,
make_channels, build_app, channel start, INFO logging to a file), with both the
WhatsApp and the Telegram webhook on and the platform URLs pointed at the bench
fakes. The only changes are the platform rate limiters, set from the command
line: lifted for the webhook load (the fakes then measure our server, not
Meta's or Telegram's quota) and scaled for the broadcast, no quiet hours (a run
must not depend on the time of day), and an officer with the bench routes of
`bench/alert_routes.py` for the alert benchmark. `bare` mode is the
floor: a python-telegram-bot `Application` with one echo handler behind the same
aiohttp webhook route. Prints `READY <pid>` when it accepts requests; SIGTERM stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bench.fakes import BOT_TOKEN, GRAPH_VERSION, PHONE_NUMBER_ID  # noqa: E402
from bot.cli import run_event_loop  # noqa: E402

APP_SECRET = "bench-app-secret"
WEBHOOK_SECRET = "bench-webhook-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["app", "bare", "bare-whatsapp"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api", required=True, help="base URL of the bench fakes")
    parser.add_argument("--dir", type=Path, required=True, help="database, media and log")
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--cpu", type=int, default=0, help="pin the process to this core")
    parser.add_argument("--telegram-scale", type=float, default=1.0, help="x the send rate")
    parser.add_argument("--whatsapp-rate", type=float, default=1000.0, help="calls/s")
    parser.add_argument(
        "--whatsapp-pace",
        type=float,
        default=0.0,
        help="whatsapp.messages_per_second, the adapter's own limiter as configured "
        "(instead of --whatsapp-rate)",
    )
    return parser.parse_args()


async def run_app(options: argparse.Namespace) -> None:
    import bot.channels.telegram as telegram_module
    from bench.alert_routes import add_alert_routes, officers_settings
    from bot.app import open_runtime
    from bot.channels.pacing import RateLimiter
    from bot.channels.whatsapp import WhatsAppChannel
    from bot.config import Config
    from bot.records import OUTBOX_BULK
    from bot.server import build_app, make_channels

    telegram_module.MESSAGES_PER_SECOND *= options.telegram_scale  # the adapter's limiter
    telegram_module.MESSAGES_PER_WINDOW = round(
        telegram_module.MESSAGES_PER_WINDOW * options.telegram_scale
    )
    if os.environ.get("BENCH_PTB_AIOHTTP"):  # experiment: PTB's requests over aiohttp
        from bench.ptb_aiohttp import AiohttpRequest

        class Builder(telegram_module.ApplicationBuilder):
            def build(self):  # type: ignore[override]
                return super(Builder, self.request(AiohttpRequest())).build()

        telegram_module.ApplicationBuilder = Builder  # type: ignore[misc]
    settings: dict = {
        "database": {"path": str(options.dir / "bench.db")},
        "content": {"dir": str(options.content)},
        "media": {"dir": str(options.dir / "media")},
        "telegram": {
            "token": BOT_TOKEN,
            "api_url": f"{options.api}/bot",
            "webhook_url": "https://bench.invalid/webhook/telegram",
            "webhook_secret": WEBHOOK_SECRET,
        },
        "whatsapp": {
            "token": "bench-token",
            "app_secret": APP_SECRET,
            "verify_token": "bench-verify",
            "phone_number_id": PHONE_NUMBER_ID,
            "api_url": f"{options.api}/{GRAPH_VERSION}",
        },
    }
    if options.whatsapp_pace:
        settings["whatsapp"]["messages_per_second"] = options.whatsapp_pace
    settings["flood"] = {"burst": 1000, "per_minute": 6000}  # above the simulated users' pace
    settings["notices"] = {"quiet_from": "00:00", "quiet_until": "00:00"}  # none
    settings["officers"] = officers_settings()
    config = Config.model_validate(settings)
    async with open_runtime(config, flood_limit=True) as runtime:  # as bot.server.serve() does
        channels = make_channels(runtime, config)
        for channel in channels:
            if isinstance(channel, WhatsAppChannel) and not options.whatsapp_pace:
                channel.graph.limiter = RateLimiter(options.whatsapp_rate)
        app = build_app(runtime, channels, config.media.max_bytes)

        async def broadcast(request: web.Request) -> web.Response:
            """Queue one bulk message to `users` Telegram chats starting at `first`."""
            users, first = int(request.query["users"]), int(request.query["first"])
            body = {"text": "Info: jadwal pelatihan berubah.", "options": [], "media": ""}
            now = datetime.now(UTC)
            await asyncio.gather(
                *(
                    runtime.store.enqueue("telegram", str(first + i), [body], now, OUTBOX_BULK)
                    for i in range(users)
                )
            )
            runtime.mailroom.wake("telegram")
            return web.Response(text="queued")

        app.router.add_post("/bench/broadcast", broadcast)
        add_alert_routes(app, runtime)
        for channel in channels:
            await channel.start()
        await serve_until_stopped(app, options.port)
        for channel in reversed(channels):
            await channel.stop()


async def run_bare(options: argparse.Namespace) -> None:
    """The floor: PTB with a trivial echo handler, same webhook route and secret check."""
    import hmac

    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    application = (
        ApplicationBuilder()
        .token(BOT_TOKEN)
        .base_url(f"{options.api}/bot")
        .updater(None)
        .concurrent_updates(256)
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.message is not None
        await context.bot.send_message(update.effective_chat.id, update.message.text or "")

    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), WEBHOOK_SECRET.encode()):
            return web.Response(status=403)
        data = await request.json()
        await application.update_queue.put(Update.de_json(data, application.bot))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/webhook/telegram", webhook)
    async with application:
        await application.start()
        await serve_until_stopped(app, options.port)
        await application.stop()


async def run_bare_whatsapp(options: argparse.Namespace) -> None:
    """The WhatsApp floor: aiohttp alone, no database and no dialog. It checks the signature,
    answers 200, then makes the two calls our adapter makes per message (mark read, send
    the reply) on one aiohttp client session: what this core can do before our code runs."""
    import hashlib
    import hmac
    import json

    import aiohttp

    url = f"{options.api}/{GRAPH_VERSION}/{PHONE_NUMBER_ID}/messages"
    session = aiohttp.ClientSession(headers={"Authorization": "Bearer bench-token"})
    answering: set[asyncio.Task] = set()

    async def answer(message: dict) -> None:
        read = {"messaging_product": "whatsapp", "status": "read", "message_id": message["id"]}
        async with session.post(url, json=read) as response:
            await response.read()
        text = (message.get("text") or {}).get("body", "")
        reply = {"messaging_product": "whatsapp", "to": message["from"], "text": {"body": text}}
        async with session.post(url, json={**reply, "type": "text"}) as response:
            await response.read()

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        digest = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        given = request.headers.get("X-Hub-Signature-256", "")
        if not hmac.compare_digest(f"sha256={digest}".encode(), given.encode()):
            return web.Response(status=403)
        for entry in json.loads(body)["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    task = asyncio.create_task(answer(message))
                    answering.add(task)
                    task.add_done_callback(answering.discard)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/webhook/whatsapp", webhook)
    await serve_until_stopped(app, options.port)
    for task in list(answering):
        task.cancel()
    await asyncio.gather(*answering, return_exceptions=True)
    await session.close()


async def serve_until_stopped(app: web.Application, port: int) -> None:
    """Serve until SIGTERM; memory settled as `python -m bot run` does (the floors too)."""
    from bot.server import settle_memory

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    settle_memory()
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    print(f"READY {os.getpid()}", flush=True)
    await stopping.wait()
    await runner.cleanup()


def main() -> None:
    options = arguments()
    os.sched_setaffinity(0, {options.cpu})  # threads started later (SQLite writer) inherit it
    options.dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(  # as `python -m bot run` does, into a file
        filename=options.dir / "server.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # the event loop `python -m bot run` uses (uvloop), for the bare floor too
    modes = {"app": run_app, "bare": run_bare, "bare-whatsapp": run_bare_whatsapp}
    run_event_loop(modes[options.mode](options))


if __name__ == "__main__":
    main()
