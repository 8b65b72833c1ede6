"""How the Telegram adapter's python-telegram-bot `Application` is put together.

The Bot API and file download URLs, the send-rate limiter, no `Updater` when updates come
by webhook, and an update processor that keeps one chat's updates in arrival order while
different chats run concurrently. The adapter (`bot.channels.telegram`) hands in the
builder and the limiter, so both can be replaced there (timeouts in tests, the bench's rate).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    ExtBot,
    JobQueue,
)

from bot.config import TelegramConfig
from bot.ordering import KeyedLocks

DefaultBuilder = ApplicationBuilder[
    ExtBot[None],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
"""What `ApplicationBuilder()` gives: PTB's default types throughout."""
TelegramApplication = Application[
    ExtBot[int],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
"""The application as built here: PTB's defaults, with a rate limiter on its bot."""


def file_url(api_url: str) -> str:
    """The file download base derived from the Bot API base (`…/bot` -> `…/file/bot`)."""
    base = api_url.rstrip("/")
    return base[: -len("bot")] + "file/bot" if base.endswith("bot") else base + "/file/bot"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat in arrival order."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = KeyedLocks()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._chats.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def build_application(
    builder: DefaultBuilder,
    config: TelegramConfig,
    rate_limiter: AIORateLimiter,
    *,
    webhook: bool,
) -> TelegramApplication:
    """The application for `config`: its token and URLs, `rate_limiter` on every call, updates
    processed in order per chat; without an `Updater` (no polling) when `webhook` is set."""
    configured = (
        builder.token(config.token)
        .base_url(config.api_url)
        .base_file_url(file_url(config.api_url))
        .rate_limiter(rate_limiter)
        .concurrent_updates(PerChatUpdateProcessor())
    )
    if webhook:
        configured = configured.updater(None)
    return configured.build()
