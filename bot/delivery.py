"""The outbox worker: sends queued messages of one channel with retries, in order per user.

Messages are committed to the outbox in the same transaction as the turn that
produced them, so a crash or an outage of Telegram or WhatsApp delays them and
loses none. The worker takes the oldest pending message of each user (replies
before bulk sends), sends those concurrently, and marks each sent, to retry
(with backoff, or the platform's retry-after), or dead with the reason. Sending
is a pipeline: up to `concurrency` messages are in flight, and more are fetched
when half of them are done, so a rate-limited platform is never left idle while
the worker waits for the slowest send of a round.

A notice (a message sent unasked: see `bot.notices`) due in quiet hours waits until
they end, set aside from its user's replies, which go on. The worker reads the time from
its `clock`, which tests set to any hour instead of waiting for it.

Delivery is at least once: a crash in the instant between the platform's
answer and the commit of "sent" sends that one message again after restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.messages import Reply
from bot.notices import QuietHours
from bot.records import OutboxItem, StoreError

log = logging.getLogger(__name__)

Send = Callable[[str, Reply], Awaitable[None]]
"""Sends one reply to one user; raises RetryLater or Undeliverable on failure."""
Clock = Callable[[], datetime]
"""The current time, aware."""


def utc_now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


class OutboxQueue(Protocol):
    """The part of the store the worker uses."""

    async def due_outbox(self, channel: str, now: datetime, limit: int) -> list[OutboxItem]: ...

    async def next_outbox_time(self, channel: str) -> datetime | None: ...

    async def outbox_sent(self, item_id: int, now: datetime) -> None: ...

    async def outbox_retry(self, item_id: int, when: datetime, error: str) -> None: ...

    async def outbox_dead(self, item_id: int, error: str) -> None: ...

    async def outbox_unreachable(self, item_id: int, error: str) -> None: ...

    async def outbox_quiet(self, channel: str, until: datetime) -> None: ...


class RetryLater(Exception):
    """A temporary failure (rate limit, timeout, 5xx): try again, after `retry_after` if given."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Undeliverable(Exception):
    """A final failure (blocked by the user, bad recipient, window closed): do not retry.
    `gone`: the person cannot be reached at all any more (blocked the bot, left the
    platform), so nothing more is sent to them unasked."""

    def __init__(self, reason: str, gone: bool = False) -> None:
        super().__init__(reason)
        self.gone = gone


class OutboxWorker:
    """Drains one channel's outbox until stopped."""

    def __init__(
        self,
        store: OutboxQueue,
        channel: str,
        send: Send,
        wakeup: asyncio.Event,
        concurrency: int = 16,
        max_attempts: int = 10,
        base_delay: float = 1.0,
        max_delay: float = 600.0,
        idle_poll: float = 5.0,
        quiet_hours: QuietHours | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.store = store
        self.channel = channel
        self.send = send
        self.wakeup = wakeup
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.idle_poll = idle_poll
        self.quiet_hours = quiet_hours  # when notices (not replies) wait
        self.clock = clock
        self._task: asyncio.Task[None] | None = None
        self._sending: dict[int, asyncio.Task[None]] = {}  # outbox id -> its delivery
        self._more = False  # the last fetch was cut at the free slots: more may be due

    def start(self) -> None:
        """Start draining in the background."""
        self._task = asyncio.create_task(self._run(), name=f"outbox-{self.channel}")

    async def stop(self) -> None:
        """Stop; messages in flight are cancelled and, like unsent ones, stay queued."""
        if self._task:
            task, self._task = self._task, None
            task.cancel()
            await asyncio.wait([task])  # a cancellation of the caller is not swallowed
            if not task.cancelled() and task.exception():  # it had died: say why, once
                log.error("outbox %s: the worker had stopped: %r", self.channel, task.exception())
        sending = list(self._sending.values())
        for task in sending:
            task.cancel()
        await asyncio.gather(*sending, return_exceptions=True)

    async def idle(self) -> bool:
        """Nothing in flight and nothing due: every message that could go out has."""
        if self._sending:
            return False
        return not await self.store.due_outbox(self.channel, self.clock(), 1)

    async def _run(self) -> None:
        while True:
            self.wakeup.clear()
            if len(self._sending) <= self.concurrency // 2:
                try:
                    await self.drain_once()
                except StoreError as error:
                    log.error("outbox %s: database error: %s", self.channel, error)
            if self._sending:
                await self.wakeup.wait()  # a delivery ended, or a message was queued
            else:
                await self._sleep_until_due()

    async def drain_once(self) -> bool:
        """Start delivering due messages in the free slots; True if any started.

        A message in flight is still pending in the store, so the fetch skips those.
        """
        free = self.concurrency - len(self._sending)
        items = await self.store.due_outbox(self.channel, self.clock(), free + len(self._sending))
        fresh = [item for item in items if item.id not in self._sending][:free]
        self._more = len(fresh) == free
        for item in fresh:
            task = asyncio.create_task(self._deliver(item))
            self._sending[item.id] = task
            task.add_done_callback(functools.partial(self._delivered, item.id))
        return bool(fresh)

    def _delivered(self, item_id: int, task: asyncio.Task[None]) -> None:
        self._sending.pop(item_id, None)
        if not task.cancelled() and task.exception():  # the store failed to record it
            log.error("outbox %s: message %d: %s", self.channel, item_id, task.exception())
        if self._more or not self._sending:
            self.wakeup.set()

    async def _sleep_until_due(self) -> None:
        delay = self.idle_poll
        with contextlib.suppress(StoreError):
            due = await self.store.next_outbox_time(self.channel)
            if due is not None:
                delay = min(delay, max(0.0, (due - self.clock()).total_seconds()))
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
        # lands as the event fires, and stop() would wait for this loop forever
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self.wakeup.wait()

    async def _deliver(self, item: OutboxItem) -> None:
        if "notice" in item.body and self.quiet_hours:
            until = self.quiet_hours.until(self.clock())
            if until:  # it and every other notice wait; replies go on
                await self.store.outbox_quiet(self.channel, until)
                return
        try:
            await self.send(item.user, Reply.from_dict(item.body))
        except Undeliverable as error:
            log.error(
                "outbox %s: message %d undeliverable, dead-lettered: %s",
                self.channel,
                item.id,
                error,
            )
            if error.gone:  # their subscriptions end: alerts must not knock on forever
                await self.store.outbox_unreachable(item.id, f"unreachable: {error}")
            else:
                await self.store.outbox_dead(item.id, f"undeliverable: {error}")
            return
        except Exception as error:  # every other failure is retried
            retry_after = error.retry_after if isinstance(error, RetryLater) else None
            await self._retry(item, f"{type(error).__name__}: {error}", retry_after)
            return
        await self.store.outbox_sent(item.id, self.clock())

    async def _retry(self, item: OutboxItem, reason: str, retry_after: float | None) -> None:
        attempts = item.attempts + 1
        if attempts >= self.max_attempts:
            log.error(
                "outbox %s: message %d failed %d times, dead-lettered: %s",
                self.channel,
                item.id,
                attempts,
                reason,
            )
            await self.store.outbox_dead(item.id, f"gave up after {attempts} attempts: {reason}")
            return
        delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        log.warning(
            "outbox %s: message %d failed (attempt %d), retry in %.1fs: %s",
            self.channel,
            item.id,
            attempts,
            delay,
            reason,
        )
        await self.store.outbox_retry(item.id, self.clock() + timedelta(seconds=delay), reason)
