"""Outbound Telegram delivery: what the outbox worker's `send` does for the Telegram adapter.

A reply goes out as HTML text with its inline keyboard (split if long), or as a photo or a
document with the text as caption; Telegram's errors become the outbox's `RetryLater` (rate
limit, network) or `Undeliverable` (blocked, refused, attachment gone). Every call passes
`SteadyRateLimiter`, which keeps the sends under Telegram's limits.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Bot, ForceReply
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.media import sniff_image
from bot.channels.pacing import RateLimiter
from bot.channels.telegram_render import render, to_html
from bot.delivery import RetryLater, Undeliverable
from bot.messages import Reply
from bot.officers.views import EXPORTS

CAPTION_LIMIT = 1000  # Telegram allows 1024 caption characters
GROUP_MESSAGES_PER_MINUTE = 20  # Telegram's limit for one group chat
JSON = dict[str, Any]  # a Bot API answer, as PTB's rate limiter passes it on
# PTB 22 warns on every 429 that `retry_after` becomes a timedelta in its next major version;
# opting in now (PTB's documented switch) silences that, and `_seconds` reads both forms
os.environ.setdefault("PTB_TIMEDELTA", "true")


class SteadyRateLimiter(AIORateLimiter):
    """PTB's limiter (no retries) with the overall limit as evenly spaced slots under a strict
    per-second cap: a send that starts late does not delay the next slot, so the rate holds,
    and a slow send never lets 31 land in one second. A group chat (the officers') may get
    20 messages a minute; that wait comes before a slot is taken, so it delays nobody else."""

    def __init__(self, per_second: float, per_window: int) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=0)
        self.slots = RateLimiter(per_second, window=per_window)
        self.groups: dict[int | str, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSON | list[JSON]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSON | list[JSON]:
        chat_id = data.get("chat_id")
        if chat_id is None:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        group = self._group_limiter(chat_id)
        async with group or contextlib.nullcontext(), self.slots.slot():
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _group_limiter(self, chat_id: int | str) -> AsyncLimiter | None:
        """Telegram's 20 messages a minute for a group (negative id or @name), else None."""
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        if isinstance(chat_id, int) and chat_id > 0:
            return None
        limiter = self.groups.get(chat_id)
        if limiter is None:
            limiter = self.groups[chat_id] = AsyncLimiter(GROUP_MESSAGES_PER_MINUTE, time_period=60)
        return limiter


async def send_reply(bot: Bot, user: str, reply: Reply) -> None:
    """Send one reply (split if long); raise RetryLater or Undeliverable on failure."""
    try:
        if reply.media:
            await _send_file(bot, int(user), reply)
            return
        for text, markup in render(reply):
            await bot.send_message(
                int(user),
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=ForceReply(selective=True)
                if reply.expects == "reply" and markup is None
                else markup,
                disable_web_page_preview=True,
            )
    except FileNotFoundError as error:
        raise Undeliverable(f"attachment is gone: {error.filename}") from error
    except RetryAfter as error:
        raise RetryLater(f"telegram rate limit: {error}", _seconds(error)) from error
    except Forbidden as error:  # in a private chat: the person blocked the bot, or left
        raise Undeliverable(f"telegram: {error}", gone=user.isdigit()) from error
    except BadRequest as error:
        raise Undeliverable(f"telegram refused the message: {error}") from error
    except NetworkError as error:
        raise RetryLater(f"telegram network error: {error}") from error


async def _send_file(bot: Bot, chat_id: int, reply: Reply) -> None:
    """A photo (by its first bytes) or any other file, with the text as caption."""
    path = Path(reply.media)
    data = path.read_bytes()
    caption = to_html(reply.text[:CAPTION_LIMIT]) if reply.text else None
    if sniff_image(data[:16]):
        await bot.send_photo(chat_id, data, caption=caption, parse_mode=ParseMode.HTML)
    else:
        await bot.send_document(
            chat_id, data, filename=path.name, caption=caption, parse_mode=ParseMode.HTML
        )
    if path.parent.name == EXPORTS:  # an export with names and numbers: sent, gone
        path.unlink(missing_ok=True)


def _seconds(error: RetryAfter) -> float:
    """How long Telegram asks us to wait. PTB 22 warns that `retry_after` becomes a
    timedelta in its next major version; both forms are read, without the warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry_after = error.retry_after
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
