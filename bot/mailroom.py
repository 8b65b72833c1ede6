"""The channels' one way to storage: the inbox, the outbox and the platforms' contacts.

A channel adapter stores each platform event here before acknowledging it, takes back what
a crash left unprocessed, gets the outbox worker that sends its queued replies, and records
what the platform tells about its users (WhatsApp: ids, the 24-hour window, delivery
statuses). The runtime owns the mailroom; no channel imports the store.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.delivery import OutboxWorker, Send
from bot.notices import QuietHours
from bot.records import InboxItem, WhatsAppContact
from bot.store import Store


class Mailroom:
    """Events in and messages out, for every channel."""

    def __init__(self, store: Store, quiet_hours: QuietHours | None = None) -> None:
        self._store = store
        self._quiet_hours = quiet_hours  # when notices wait (see `bot.notices`)
        self._wakeups: dict[str, asyncio.Event] = {}

    # ----- the inbox: events stored before they are acknowledged -------------------------

    async def accept(self, channel: str, update_id: str, payload: str, now: datetime) -> bool:
        """Store a platform event before acknowledging it; False if it was seen before."""
        return await self._store.inbox_put(channel, update_id, payload, now)

    async def unprocessed(self, channel: str, now: datetime) -> list[InboxItem]:
        """Events stored but not processed (a crash), oldest first; each call counts one
        more attempt at them (see `Store.inbox_pending`)."""
        return await self._store.inbox_pending(channel, now)

    async def discard(self, channel: str, update_id: str) -> None:
        """Forget a stored event that needs no answer (another chat, an edit, too old)."""
        await self._store.inbox_drop(channel, update_id)

    async def failed(self, channel: str, update_id: str, error: str, now: datetime) -> None:
        """Count a failed attempt at an event (it is tried again at the next start)."""
        await self._store.inbox_failed(channel, update_id, error, now)

    # ----- the outbox ---------------------------------------------------------------------

    def outbox_worker(
        self, channel: str, send: Send, *, base_delay: float = 1.0, idle_poll: float = 5.0
    ) -> OutboxWorker:
        """The worker that sends this channel's queued messages through `send`."""
        return OutboxWorker(
            self._store,
            channel,
            send,
            self.wakeup(channel),
            base_delay=base_delay,
            idle_poll=idle_poll,
            quiet_hours=self._quiet_hours,
        )

    def wakeup(self, channel: str) -> asyncio.Event:
        """The event a channel's delivery worker waits on; set when messages are queued."""
        return self._wakeups.setdefault(channel, asyncio.Event())

    def wake(self, channel: str) -> None:
        """Messages were queued for this channel."""
        if channel in self._wakeups:
            self._wakeups[channel].set()

    def wake_all(self) -> None:
        """Messages were queued across channels (a report, a relay, an officer's action)."""
        for event in self._wakeups.values():
            event.set()

    # ----- WhatsApp contacts --------------------------------------------------------------

    async def whatsapp_seen(self, wa_id: str, bsuid: str, at: datetime) -> tuple[str, int]:
        """A user wrote at `at`: their user ref, and how many held messages go out now."""
        return await self._store.whatsapp_seen(wa_id, bsuid, at)

    async def whatsapp_contact(self, user: str) -> WhatsAppContact | None:
        """How to reach a WhatsApp user (None: unknown, or forgotten)."""
        return await self._store.whatsapp_contact(user)

    async def whatsapp_hold(self, user: str, cutoff: datetime) -> bool:
        """Hold the user's messages unless they wrote after `cutoff`; True if held."""
        return await self._store.whatsapp_hold(user, cutoff)

    async def whatsapp_status(
        self, wamid: str, recipient: str, status: str, error: str, at: datetime
    ) -> None:
        """Record a delivery status of a sent message."""
        await self._store.whatsapp_status(wamid, recipient, status, error, at)

    async def whatsapp_unreachable(self, wa_id: str) -> None:
        """The number cannot receive WhatsApp messages: nothing more is sent to it unasked."""
        await self._store.whatsapp_unreachable(wa_id)
