"""Notices: the messages the bot sends without being asked, and the rules they follow.

A reminder about a step of the departure plan, a warning about a recruiter, new job
listings for a subscriber, an officers' alert about a scam: each is a `Notice`, handed to
the store as a `bot.effects.SendNotices` effect and written to the outbox in the same
transaction as the turn (or the import, or the officer's command) that decided it. The
store skips users who said "berhenti / stop" and keys already sent to that user, so a
reminder pass that runs every minute can hand the same notice again and again.

Then delivery applies each platform's rules, when the message is about to go out:
- quiet hours (`QuietHours`, Asia/Jakarta time): a notice due then waits in the outbox
  until they end; it is not dropped, and the user's own replies are not held behind it;
- WhatsApp's 24-hour window: inside it a notice is a normal message; outside it, the
  approved template named in config for its kind (the notice's text as the template's one
  parameter), or else it is held until the person writes again;
- the web chat cannot be reached without a request, so notices for it are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.messages import NoticeTag, Reply

KINDS = ("reminder", "warning", "jobs", "alert")
"""What a notice may be: a plan reminder, a warning about the person's own plan, new job
listings they subscribed to, an officers' alert."""
REACHABLE_CHANNELS = frozenset({"telegram", "whatsapp"})
"""Channels that can receive a message the bot sends unasked (a notice, or an officer's
message through the relay): the web chat and the console only answer requests."""
JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True, slots=True)
class Notice:
    """A message the bot sends without being asked."""

    channel: str  # "telegram", "whatsapp", "web" (web chat cannot receive: dropped)
    user_ref: str
    lang: str  # "id" / "en"
    kind: str  # "reminder" | "warning" | "jobs" | "alert"
    text: str
    key: str  # idempotency: the same key is never sent twice to the same user

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"notice kind {self.kind!r} is not one of {KINDS}")

    def body(self) -> dict[str, Any]:
        """The outbox body: a plain reply, tagged as a notice of this kind and language."""
        return Reply(self.text, notice=NoticeTag(self.kind, self.lang)).to_dict()


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Hours of the night (Asia/Jakarta) when no notice goes out; `start == end`: none.

    The period may cross midnight (21:00-06:00) or not (13:00-14:00)."""

    start: time
    end: time

    def until(self, now: datetime) -> datetime | None:
        """When the quiet period `now` falls in ends (aware, UTC-comparable); None if
        `now` is outside quiet hours."""
        if self.start == self.end:
            return None
        local = now.astimezone(JAKARTA)
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            inside = self.start <= clock < self.end
        else:
            inside = clock >= self.start or clock < self.end
        if not inside:
            return None
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end > local else end + timedelta(days=1)
