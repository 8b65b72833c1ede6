"""What the tool actions share: texts given as arguments, placeholders, dates, the sample notice."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bot.actions import ArgsChecker
from bot.data import ContentData

SAMPLE_NOTE = {
    "id": "⚠️ SAMPEL: contoh data, bukan daftar resmi.",
    "en": "⚠️ SAMPLE: example data (contoh data), not the official list.",
}
"""Shown under every answer built from sample data; in code so that no content edit drops it."""
WIB = timezone(timedelta(hours=7), "WIB")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def pick(texts: Any, lang: str) -> str:
    """A text argument in `lang`, falling back to Indonesian."""
    if not isinstance(texts, dict):
        return ""
    return texts.get(lang) or texts.get("id", "")


def fill(template: str, **values: object) -> str:
    """Replace the {name} placeholders that are given; leave any other braces alone."""
    return _PLACEHOLDER.sub(
        lambda found: str(values[found.group(1)]) if found.group(1) in values else found.group(0),
        template,
    )


def day(value: date | None) -> str:
    """A date as users in Indonesia write it: 28-11-2026."""
    return value.strftime("%d-%m-%Y") if value else "-"


def local_today(now: datetime) -> date:
    """Today's date in Serang (WIB), which is when a listing closes."""
    return now.astimezone(WIB).date() if now.tzinfo else now.date()


def sample_note(lang: str) -> str:
    """The sample-data notice in `lang`."""
    return pick(SAMPLE_NOTE, lang)


def short_label(text: str, limit: int = 24) -> str:
    """A button label that fits WhatsApp's list rows."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def check_args(
    answers: tuple[str, ...] = (),
    texts: tuple[str, ...] = (),
    needs: Callable[[ContentData], str | None] | None = None,
) -> ArgsChecker:
    """An argument checker: answer-key arguments are names, text arguments are language maps."""

    def checker(args: dict[str, Any], data: ContentData) -> list[str]:
        problems = [
            f"argument '{name}' must be an answer key (a name like recruiter_query)"
            for name in answers
            if not (
                isinstance(args.get(name), str) and re.fullmatch(r"[a-z][a-z0-9_]*", args[name])
            )
        ]
        problems += [
            f"argument '{name}' must be a text in each language, like {{id: ..., en: ...}}"
            for name in texts
            if not (
                isinstance(args.get(name), dict)
                and all(isinstance(text, str) for text in args[name].values())
            )
        ]
        missing = needs(data) if needs else None
        return problems + ([missing] if missing else [])

    return checker
