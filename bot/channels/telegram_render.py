"""Rendering a neutral `Reply` for Telegram: HTML text, paragraph splits, inline keyboard."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Reply, split_text
from bot.platform_limits import TELEGRAM_TEXT

SPLIT_AT = TELEGRAM_TEXT - 196  # 3900: leaves room for the HTML of *bold* spans
PAIR_LABEL_CHARS = 16  # two buttons share a row only if both labels are this short
_BOLD = re.compile(r"\*([^*\n]+)\*")


def to_html(text: str) -> str:
    """Escape for Telegram's HTML parse mode; content's *bold* becomes <b>bold</b>."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Options as an inline keyboard: short labels two to a row, long ones alone."""
    if not reply.options:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    pending: InlineKeyboardButton | None = None
    for option in reply.options:
        button = InlineKeyboardButton(option.label, callback_data=option.id)
        if len(option.label) > PAIR_LABEL_CHARS:
            if pending:
                rows.append([pending])
                pending = None
            rows.append([button])
        elif pending:
            rows.append([pending, button])
            pending = None
        else:
            pending = button
    if pending:
        rows.append([pending])
    return InlineKeyboardMarkup(rows)


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages to send for one reply: (html text, keyboard on the last one)."""
    parts = split_text(reply.text or "…", SPLIT_AT)
    markup = keyboard(reply)
    return [
        (to_html(part), markup if index == len(parts) - 1 else None)
        for index, part in enumerate(parts)
    ]
