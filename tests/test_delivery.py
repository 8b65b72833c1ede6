"""The outbox: queued replies survive restarts and outages, in order per user, sent once."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

from bot.delivery import OutboxWorker, RetryLater, Undeliverable
from bot.messages import Inbound, InboundKind, Reply
from bot.runtime import Runtime
from bot.store import Store
from tests.conftest import NOW
from tests.waiting import settled


class FakePlatform:
    """Records sends; fails on demand."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.failures: list[Exception] = []
        self.delivered = asyncio.Event()

    async def send(self, user: str, reply: Reply) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((user, reply.text))
        self.delivered.set()


async def wait_for(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def worker(store: Store, runtime: Runtime, platform: FakePlatform, **kwargs) -> OutboxWorker:
    return OutboxWorker(
        store,
        "test",
        platform.send,
        runtime.mailroom.wakeup("test"),
        base_delay=0.01,
        idle_poll=0.05,
        **kwargs,
    )


def inbound(user: str, text: str, n: int) -> Inbound:
    return Inbound(
        "test",
        user,
        InboundKind.TEXT,
        NOW + timedelta(seconds=n),
        text=text,
        update_id=f"{user}-{n}",
    )


async def test_queued_replies_are_delivered_in_order_per_user(
    make_runtime, tmp_path, fixture_content, actions
):
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    platform = FakePlatform()
    outbox = worker(store, runtime, platform)
    outbox.start()
    for n, text in enumerate(["hi", "Isi formulir", "Siti"]):
        for user in ("a", "b"):
            assert (await runtime.answer_via_outbox(inbound(user, text, n))).notice is None
    await wait_for(lambda: len(platform.sent) == 6)
    for user in ("a", "b"):
        texts = [text for who, text in platform.sent if who == user]
        assert texts[0].startswith("Selamat datang")
        assert texts[1:] == ["Siapa nama Anda?", "Berapa umur Anda?"]
    await outbox.stop()
    await store.close()


async def test_outage_delays_but_loses_nothing_and_keeps_order(
    make_runtime, tmp_path, fixture_content, actions
):
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    platform = FakePlatform()
    platform.failures = [
        RetryLater("429", retry_after=0.05),
        TimeoutError("slow"),
        ConnectionError("down"),
    ]
    outbox = worker(store, runtime, platform)
    outbox.start()
    await runtime.answer_via_outbox(inbound("a", "hi", 0))
    await runtime.answer_via_outbox(inbound("a", "2", 1))
    await wait_for(lambda: len(platform.sent) == 2)
    assert platform.sent[0][1].startswith("Selamat datang")
    assert platform.sent[1][1] == "Layar satu."
    await outbox.stop()
    await store.close()


async def test_final_failure_is_dead_lettered_with_reason(
    make_runtime, tmp_path, fixture_content, actions
):
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    platform = FakePlatform()
    platform.failures = [Undeliverable("131047 re-engagement window closed")]
    outbox = worker(store, runtime, platform)
    outbox.start()
    await runtime.answer_via_outbox(inbound("a", "hi", 0))
    await runtime.answer_via_outbox(inbound("a", "2", 1))
    await wait_for(lambda: len(platform.sent) == 1)
    await outbox.stop()
    await store.close()
    rows = (
        sqlite3.connect(tmp_path / "b.db")
        .execute("SELECT status, last_error FROM outbox ORDER BY id")
        .fetchall()
    )
    assert rows[0] == ("dead", "undeliverable: 131047 re-engagement window closed")
    assert rows[1][0] == "sent"


async def test_unsent_replies_survive_a_restart_and_go_out_once(
    make_runtime, tmp_path, fixture_content, actions
):
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    await runtime.answer_via_outbox(inbound("a", "hi", 0))  # no worker running: stays queued
    await store.close()

    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    platform = FakePlatform()
    outbox = worker(store, runtime, platform)
    outbox.start()
    await wait_for(lambda: len(platform.sent) == 1)
    await settled(outbox.idle)
    assert len(platform.sent) == 1, "sent exactly once"
    await outbox.stop()
    await store.close()


async def test_sent_reply_bodies_are_not_kept(make_runtime, tmp_path, fixture_content, actions):
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    store = runtime.store
    platform = FakePlatform()
    outbox = worker(store, runtime, platform)
    outbox.start()
    await runtime.answer_via_outbox(inbound("a", "hi", 0))
    await wait_for(lambda: len(platform.sent) == 1)
    await outbox.stop()
    await store.close()
    (body,) = sqlite3.connect(tmp_path / "b.db").execute("SELECT body FROM outbox").fetchone()
    assert body == "{}"


async def test_stopping_while_a_wakeup_arrives_still_stops(
    make_runtime, tmp_path, fixture_content, actions
):
    """A stop that lands in the same instant as a wake-up (a message queued as the server
    shuts down) ends the worker: on Python 3.11 `asyncio.wait_for` could swallow that
    cancellation, and the worker went on polling forever while shutdown waited for it."""
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db")
    for ticks in range(6):  # the cancellation lands 0..5 loop turns after the wake-up
        outbox = worker(runtime.store, runtime, FakePlatform())
        outbox.start()
        await asyncio.sleep(0.02)  # idle, waiting for a wake-up or its next poll
        outbox.wakeup.set()
        for _ in range(ticks):
            await asyncio.sleep(0)
        async with asyncio.timeout(5):
            await outbox.stop()
