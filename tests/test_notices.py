"""Notices in the store: queued once per key, never to a user who said stop, erased with
the user's data; and the quiet hours of the delivery policy."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.effects import AlertDraft, SaveRegistration, SendNotices, StopNotices, Subscribe
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


async def test_prune_keeps_recent_keys_and_lets_old_ones_go(store, tmp_path):
    long_ago, lately = NOW - timedelta(days=100), NOW - timedelta(days=10)
    await store.send_notices([reminder("a", key="old")], long_ago)
    await store.send_notices([reminder("a", key="new")], lately)
    await store.prune_notices(NOW, key_days=90)
    assert await store.send_notices([reminder("a", key="new")], NOW) == 0, "still remembered"
    assert await store.send_notices([reminder("a", key="old")], NOW) == 1, "forgotten"


async def test_prune_forgets_unconfirmed_alerts_and_the_unreachable(store, tmp_path):
    await store.commit_effects(
        "telegram",
        "",
        NOW - timedelta(hours=2),
        [AlertDraft("stale", 42, "Anyar", "Hati-hati")],
    )
    await store.commit_effects("telegram", "", NOW, [AlertDraft("fresh", 42, "", "Hati-hati")])
    await store.whatsapp_seen("6281111", "", NOW - timedelta(days=1))
    subscriptions = [
        Subscribe("telegram", "t", "id", "kecamatan", "Anyar"),
        Subscribe("whatsapp", "6281111", "id", "kecamatan", "Anyar"),
        Subscribe("whatsapp", "6289999", "id", "kecamatan", "Anyar"),  # contact gone
        StopNotices("telegram", "long ago"),
    ]
    await store.commit_effects("telegram", "", NOW - timedelta(days=200), subscriptions)
    await store.commit_effects("telegram", "", NOW, [StopNotices("telegram", "recent")])

    await store.prune_notices(NOW, key_days=90)

    assert await store.alert_draft("stale") is None, "past the time to confirm it"
    assert await store.alert_draft("fresh") is not None
    subscribers = await store.subscribers("kecamatan", ["Anyar"])
    assert [(s.channel, s.user) for s in subscribers] == [
        ("telegram", "t"),
        ("whatsapp", "6281111"),
    ]
    connection = sqlite3.connect(tmp_path / "bot.db")
    stops = connection.execute("SELECT user_ref FROM notice_stops").fetchall()
    connection.close()
    assert stops == [("recent",)]


async def test_a_stop_stays_while_the_person_has_a_registered_plan(store, tmp_path):
    plan = {
        "for_whom": "self",
        "name": "",
        "kecamatan": "Anyar",
        "desa": "Anyar",
        "desa_code": "",
        "country": "taiwan",
        "sector": "manufaktur",
        "recruiter": "",
        "recruiter_licence": "",
        "recruiter_status": "none",
        "departure": date(2027, 3, 1),
        "lang": "id",
        "show_name": False,
        "contact": False,
    }
    long_ago = NOW - timedelta(days=200)
    effects = [SaveRegistration("telegram", "planner", plan), StopNotices("telegram", "planner")]
    await store.commit_effects("telegram", "", long_ago, effects)
    await store.prune_notices(NOW, key_days=90)
    assert await store.send_notices([reminder("planner", key="step-9")], NOW) == 0, (
        "still said stop"
    )
