"""Notices in the store: queued once per key, never to a user who said stop, erased with
the user's data; and the quiet hours of the delivery policy."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.effects import SendNotices, StopNotices, Subscribe
from bot.engine.session import Session
from bot.notices import JAKARTA, Notice, QuietHours
from bot.store import Store
from tests.conftest import NOW


@pytest.fixture
async def store(tmp_path: Path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    yield store
    await store.close()


def reminder(user: str, key: str = "step-1", channel: str = "telegram") -> Notice:
    return Notice(channel, user, "id", "reminder", f"Pengingat untuk {user}", key)


def queued(tmp_path: Path) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(tmp_path / "bot.db")
    rows = connection.execute("SELECT user_ref, notice, status FROM outbox ORDER BY id").fetchall()
    connection.close()
    return rows


async def test_a_notice_is_queued_once_per_key(store, tmp_path):
    assert await store.send_notices([reminder("a"), reminder("a"), reminder("b")], NOW) == 2
    assert await store.send_notices([reminder("a"), reminder("a", key="step-2")], NOW) == 1
    assert queued(tmp_path) == [
        ("a", "reminder", "pending"),
        ("b", "reminder", "pending"),
        ("a", "reminder", "pending"),
    ]


async def test_the_web_chat_cannot_be_reached(store, tmp_path):
    assert await store.send_notices([reminder("a", channel="web")], NOW) == 0
    assert queued(tmp_path) == []


async def test_stop_drops_waiting_notices_and_blocks_new_ones(store, tmp_path):
    await store.commit_effects(
        "telegram",
        "",
        NOW,
        [
            Subscribe("telegram", "a", "id", "kecamatan", "Anyar"),
            SendNotices((reminder("a"), reminder("b"))),
        ],
    )
    await store.commit_effects("telegram", "", NOW, [StopNotices("telegram", "a")])
    assert await store.subscriptions_of("telegram", "a") == []
    assert await store.send_notices([reminder("a", key="later")], NOW) == 0
    assert queued(tmp_path) == [("b", "reminder", "pending")]
    # subscribing again is asking for notices again
    await store.commit_effects(
        "telegram", "", NOW, [Subscribe("telegram", "a", "en", "country", "Taiwan")]
    )
    assert await store.send_notices([reminder("a", key="later")], NOW) == 1
    subscribers = await store.subscribers("country", ["TAIWAN"])
    assert [(s.user, s.lang, s.value) for s in subscribers] == [("a", "en", "taiwan")]


async def test_erasing_the_user_erases_their_subscriptions(store, tmp_path):
    await store.commit_effects(
        "telegram",
        "",
        NOW,
        [Subscribe("telegram", "a", "id", "sector", "Manufaktur"), SendNotices((reminder("a"),))],
    )
    await store.commit_turn("telegram", "a", Session(lang="id", node="main"), "", [], NOW)
    await store.commit_turn("telegram", "a", None, "", [], NOW)
    connection = sqlite3.connect(tmp_path / "bot.db")
    for table in ("subscriptions", "notice_keys", "notice_stops", "outbox"):
        assert connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    connection.close()


def jakarta(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA)


def test_quiet_hours_across_midnight():
    night = QuietHours(time(21), time(6))
    assert night.until(jakarta(28, 20, 59)) is None
    assert night.until(jakarta(28, 21)) == jakarta(29, 6)
    assert night.until(jakarta(29, 5, 59).astimezone(UTC)) == jakarta(29, 6)
    assert night.until(jakarta(29, 6)) is None
    assert QuietHours(time(0), time(0)).until(jakarta(29, 3)) is None
