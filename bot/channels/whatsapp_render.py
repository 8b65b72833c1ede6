"""Renders a neutral `Reply` as WhatsApp Cloud API message objects, richest form first.

A menu becomes reply buttons (at most 3, titles up to 20 characters), else a list
(at most 10 rows, titles up to 24 characters; a longer label up to 72 characters
goes whole into the row's description under a shortened title), else numbered text.
Button and row ids are the option ids, so the engine recognises a press on an old
menu. An interactive body holds 1024 characters: longer text goes first as plain
text and the menu follows with the last paragraphs of it (usually the question).
Plain text is split into 4096-character messages at paragraph, line or word ends.
"""

from __future__ import annotations

from typing import Any

from bot.messages import Option, Reply, split_text
from bot.platform_limits import (
    WHATSAPP_BODY,
    WHATSAPP_BUTTON_TITLE,
    WHATSAPP_ID,
    WHATSAPP_MAX_BUTTONS,
    WHATSAPP_MAX_ROWS,
    WHATSAPP_ROW_DESCRIPTION,
    WHATSAPP_ROW_TITLE,
    WHATSAPP_TEXT,
)

POINTER = "👇"  # body of a menu whose text went out in the message before it


def render(reply: Reply, list_button: str) -> list[dict[str, Any]]:
    """The message objects (without recipient) that show `reply`, in sending order."""
    if not reply.options:
        return [text_message(part) for part in split_text(reply.text, WHATSAPP_TEXT)]
    action = _buttons(reply.options) or _list(reply.options, list_button)
    if action is None:
        return [text_message(part) for part in split_text(reply.numbered_text(), WHATSAPP_TEXT)]
    head, body = _split_body(reply.text)
    messages = [text_message(part) for part in split_text(head, WHATSAPP_TEXT)]
    messages.append({"type": "interactive", "interactive": {**action, "body": {"text": body}}})
    return messages


def text_message(text: str) -> dict[str, Any]:
    """A plain text message object."""
    return {"type": "text", "text": {"body": text, "preview_url": False}}


def shorten(label: str, limit: int) -> str:
    """`label` cut to `limit` characters at a word end, marked with an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label.rfind(" ", 0, limit)
    return label[: cut if cut > limit // 2 else limit - 1].rstrip() + "…"


def _buttons(options: tuple[Option, ...]) -> dict[str, Any] | None:
    titles = [option.label for option in options]
    if (
        len(options) > WHATSAPP_MAX_BUTTONS
        or any(not title or len(title) > WHATSAPP_BUTTON_TITLE for title in titles)
        or not _unique(titles)
        or any(len(option.id) > WHATSAPP_ID for option in options)
    ):
        return None
    buttons = [{"type": "reply", "reply": {"id": o.id, "title": o.label}} for o in options]
    return {"type": "button", "action": {"buttons": buttons}}


def _list(options: tuple[Option, ...], button: str) -> dict[str, Any] | None:
    if len(options) > WHATSAPP_MAX_ROWS:
        return None
    rows = []
    for option in options:
        label = option.label
        if not label or len(label) > WHATSAPP_ROW_DESCRIPTION or len(option.id) > WHATSAPP_ID:
            return None
        row = {"id": option.id, "title": shorten(label, WHATSAPP_ROW_TITLE)}
        if len(label) > WHATSAPP_ROW_TITLE:
            row["description"] = label
        rows.append(row)
    if not _unique([row["title"] for row in rows]):
        return None
    return {"type": "list", "action": {"button": button, "sections": [{"rows": rows}]}}


def _split_body(text: str) -> tuple[str, str]:
    """(text to send before the menu, the menu's body): the body is the last paragraphs."""
    text = text.strip()
    if len(text) <= WHATSAPP_BODY:
        return "", text or POINTER
    paragraphs = text.split("\n\n")
    start = len(paragraphs)
    while start > 1 and len("\n\n".join(paragraphs[start - 1 :])) <= WHATSAPP_BODY:
        start -= 1
    if start == len(paragraphs):
        return text, POINTER
    return "\n\n".join(paragraphs[:start]), "\n\n".join(paragraphs[start:])


def _unique(titles: list[str]) -> bool:
    folded = [title.casefold() for title in titles]
    return len(set(folded)) == len(folded)
