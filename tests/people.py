"""People talking to the bot in tests: a Telegram user through the real python-telegram-bot
client and the fake Bot API, who says something and waits for the bot's answer (and for
everything due to be sent). `telegram_channel` starts the channel those people talk to;
`both_platforms` starts WhatsApp and Telegram together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram import TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import TelegramConfig, WhatsAppConfig
from bot.runtime import Runtime
from bot.server import build_app
from tests.fakes.bot_api import FakeBotApi, text_update
from tests.fakes.graph_api import PHONE_NUMBER_ID, FakeGraphApi
from tests.waiting import settled


def fake_telegram(runtime: Runtime, bot_api: FakeBotApi, media_dir: Path) -> TelegramChannel:
    """The Telegram channel of `runtime` on the fake Bot API (not started yet), retrying and
    polling its outbox often, as every test's Telegram is."""
    channel = TelegramChannel(
        runtime,
        TelegramConfig(token=bot_api.token, api_url=bot_api.url),
        media_dir,
        100_000,
        retry_base_delay=0.05,
    )
    channel.outbox.idle_poll = 0.05
    return channel


@asynccontextmanager
async def telegram_channel(
    runtime: Runtime, bot_api: FakeBotApi, media_dir: Path
) -> AsyncIterator[TelegramChannel]:
    """The Telegram channel of `runtime` on the fake Bot API, started."""
    channel = fake_telegram(runtime, bot_api, media_dir)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


@dataclass
class Platforms:
    """WhatsApp (signed webhooks into the app, the fake Graph API) and Telegram (the fake Bot
    API) both running for one runtime."""

    graph: FakeGraphApi
    whatsapp: WhatsAppChannel
    telegram: TelegramChannel
    client: TestClient


@asynccontextmanager
async def both_platforms(
    runtime: Runtime, bot_api: FakeBotApi, media_dir: Path, app_secret: str
) -> AsyncIterator[Platforms]:
    """WhatsApp and Telegram channels of `runtime` on their fakes, with the server's app;
    WhatsApp webhooks are signed with `app_secret`."""
    graph = FakeGraphApi("wa-token")
    await graph.start()
    whatsapp = WhatsAppChannel(
        runtime,
        WhatsAppConfig(
            token="wa-token",
            app_secret=app_secret,
            verify_token="v",
            phone_number_id=PHONE_NUMBER_ID,
            api_url=graph.api_url,
            messages_per_second=1000,
        ),
        media_dir,
        100_000,
        retry_delay=0.01,
        idle_poll=0.05,
    )
    telegram = fake_telegram(runtime, bot_api, media_dir)
    client = TestClient(TestServer(build_app(runtime, [whatsapp, telegram], 100_000)))
    await client.start_server()
    await whatsapp.start()
    await telegram.start()
    try:
        yield Platforms(graph, whatsapp, telegram, client)
    finally:
        await telegram.stop()
        await whatsapp.stop()
        await client.close()
        await graph.close()


class TelegramPerson:
    """One Telegram user talking to the bot."""

    def __init__(self, api: FakeBotApi, channel: TelegramChannel, user: int) -> None:
        self.api, self.channel, self.user = api, channel, user

    async def says(self, words: str) -> str:
        """Send `words`; the bot's last answer once everything due is sent."""
        count = len(self.api.sent(self.user))
        self.api.push(text_update(self.user, words))
        await self.api.wait_for(lambda: len(self.api.sent(self.user)) > count)
        await self.settle()
        return str(self.api.sent(self.user)[-1]["text"])

    def texts(self) -> list[str]:
        """Everything the bot sent this person so far."""
        return [str(message["text"]) for message in self.api.sent(self.user)]

    async def settle(self) -> None:
        """Until every update is answered and every due message is sent."""
        queue = self.channel.application.update_queue
        await settled(lambda: queue.qsize() == 0, self.channel.outbox.idle)
