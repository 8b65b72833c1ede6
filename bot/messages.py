"""The neutral message model shared by every channel and the engine.

Channel adapters turn a platform payload into an `Inbound` and render a `Reply`
in the richest form their platform allows. The engine sees only these types, so
nothing in it knows about Telegram, WhatsApp, the web chat or the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class InboundKind(StrEnum):
    """What the user did, independent of the platform."""

    TEXT = "text"  # typed text (commands arrive as text too, e.g. "/menu")
    CHOICE = "choice"  # pressed a button; `choice` holds the option id
    MEDIA = "media"  # sent a photo or document
    LOCATION = "location"  # shared a location
    OPEN = "open"  # opened the chat (web page load, console start): show where they are
    UNSUPPORTED = "unsupported"  # sticker, voice, video, reaction...: answered politely


@dataclass(frozen=True, slots=True)
class Media:
    """A photo or document the user sent, already stored locally by the adapter."""

    kind: str  # "image" or "document"
    mime: str
    size: int
    ref: str  # local storage path or platform file id


@dataclass(frozen=True, slots=True)
class Location:
    """A shared geographic location."""

    latitude: float
    longitude: float

    @classmethod
    def parse(cls, fields: object) -> Location | None:
        """A location from a platform's `{"latitude": .., "longitude": ..}`; None if either
        is missing, not a number, or out of range."""
        if not isinstance(fields, dict):
            return None
        try:
            latitude, longitude = float(fields["latitude"]), float(fields["longitude"])
        except (KeyError, TypeError, ValueError):
            return None
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            return cls(latitude, longitude)
        return None


@dataclass(frozen=True, slots=True)
class Inbound:
    """One thing a user sent, as the engine sees it."""

    channel: str
    user: str
    kind: InboundKind
    time: datetime
    text: str = ""
    choice: str = ""
    media: tuple[Media, ...] = ()
    location: Location | None = None
    update_id: str = ""  # platform id used to answer a redelivered update only once
    # where a web chat request came from (the client address, or the forwarded one from a
    # trusted proxy), for limits per address; empty on Telegram and WhatsApp. Never stored.
    client: str = ""
    forwarded: bool = False  # forwarded from another chat (a job advert, often)
    # a photo nobody asked for is not downloaded: this is the platform's reference to it,
    # fetched only if the user then chooses to report it
    media_ref: str = ""


@dataclass(frozen=True, slots=True)
class Option:
    """A choice offered to the user: `id` comes back in `Inbound.choice` when pressed."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class NoticeTag:
    """Marks a message the bot sends without being asked (see `bot.notices`): its kind and
    language, for the platform's rules on such messages (WhatsApp's templates)."""

    kind: str
    lang: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user: text, optional choices, optional media reference."""

    text: str
    options: tuple[Option, ...] = ()
    media: str = ""
    expects: str = ""  # input the bot waits for ("photo", "location", ...): a rendering hint
    notice: NoticeTag | None = None  # sent unasked (a reminder, an alert): not a reply

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the outbox."""
        data: dict[str, Any] = {
            "text": self.text,
            "options": [[o.id, o.label] for o in self.options],
            "media": self.media,
            "expects": self.expects,
        }
        if self.notice:
            data["notice"] = [self.notice.kind, self.notice.lang]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """The inverse of `to_dict`."""
        notice = data.get("notice")
        return cls(
            data["text"],
            tuple(Option(i, label) for i, label in data.get("options", [])),
            data.get("media", ""),
            data.get("expects", ""),
            NoticeTag(notice[0], notice[1]) if notice else None,
        )

    def numbered_text(self) -> str:
        """The text followed by the options as numbered lines (console, fallback channels)."""
        if not self.options:
            return self.text
        lines = [f"{number}. {option.label}" for number, option in enumerate(self.options, 1)]
        return self.text + "\n\n" + "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` characters, cut at paragraph, line or word ends."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = next(
            (index for sep in ("\n\n", "\n", " ") if (index := rest.rfind(sep, 0, limit)) > 0),
            limit,
        )
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
