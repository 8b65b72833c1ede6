"""Registries under `content/data/` that actions read (contacts now; agencies and jobs later)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.data.contacts import ContactBook


@dataclass(frozen=True, slots=True)
class ContentData:
    """All loaded data registries, replaced as a whole when content reloads."""

    contacts: ContactBook
