"""The store and runtime: durable sessions, one answer per update, per-user order."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.engine.session import Session
from bot.messages import Inbound, InboundKind
from bot.runtime import Runtime
from bot.store import Store, StoreError
from bot.store.migrations import MIGRATIONS
from tests.conftest import NOW


@pytest.fixture
async def store(tmp_path: Path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    yield store
    await store.close()


async def runtime_on(
    make_runtime, store: Store, content, actions, content_dir: Path = Path("content")
) -> Runtime:
    """A runtime over this test's store (several tests open a second store on one file)."""
    return await make_runtime(content, actions, store=store, content_dir=content_dir)


def text(user: str, body: str, update_id: str = "", seconds: int = 0) -> Inbound:
    return Inbound(
        "test",
        user,
        InboundKind.TEXT,
        NOW + timedelta(seconds=seconds),
        text=body,
        update_id=update_id,
    )


async def test_session_round_trip_and_erase(store):
    session = Session(
        lang="en", node="info", screen=2, stack=["main"], answers={"name": "Siti ✓"}, updated_at=NOW
    )
    await store.commit_turn("test", "u1", session, "upd-1", ["info"], NOW)
    loaded = await store.load_session("test", "u1")
    assert loaded == Session(
        lang="en",
        node="info",
        screen=2,
        stack=["main"],
        answers={"name": "Siti ✓"},
        pending="",
        updated_at=NOW,
    )
    assert (await store.begin_turn("test", "u1", "upd-1")).processed
    fresh = await store.begin_turn("other", "u1", "upd-1")
    assert not fresh.processed and fresh.session is None and fresh.relay is None
    await store.commit_turn("test", "u1", None, "", [], NOW)
    assert await store.load_session("test", "u1") is None


async def test_wal_mode_and_versioned_migrations(store, tmp_path):
    connection = sqlite3.connect(tmp_path / "bot.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [row[0] for row in connection.execute("SELECT version FROM schema_migrations")]
    assert versions == sorted(MIGRATIONS)
    connection.close()


async def test_usage_events_are_anonymous_counts(store, tmp_path):
    for user in ("a", "b"):
        await store.commit_turn("web", user, Session(lang="id", node="main"), "", ["main"], NOW)
    connection = sqlite3.connect(tmp_path / "bot.db")
    rows = connection.execute("SELECT * FROM node_visits").fetchall()
    assert rows == [("2026-11-28", "web", "main", 2)]
    columns = [row[1] for row in connection.execute("PRAGMA table_info(node_visits)")]
    assert "user_ref" not in columns
    connection.close()


async def test_prune_erases_idle_sessions(store):
    await store.commit_turn(
        "t", "old", Session(lang="id", node="main"), "x", [], NOW - timedelta(days=100)
    )
    await store.commit_turn("t", "new", Session(lang="id", node="main"), "y", [], NOW)
    assert await store.prune(NOW, session_days=90) == 1
    assert await store.load_session("t", "old") is None
    assert await store.load_session("t", "new") is not None
    assert not (await store.begin_turn("t", "old", "x")).processed


async def test_concurrent_commits_are_grouped_and_all_durable(store, tmp_path):
    await asyncio.gather(
        *[
            store.commit_turn("t", f"user-{n}", Session(lang="id", node="main"), f"u{n}", [], NOW)
            for n in range(500)
        ]
    )
    connection = sqlite3.connect(tmp_path / "bot.db")
    assert connection.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 500
    connection.close()


async def test_a_failing_job_does_not_take_its_batch_down(store):
    async def bad():
        await store._call(lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))

    results = await asyncio.gather(
        bad(),
        *[
            store.commit_turn("t", f"u{n}", Session(lang="id", node="main"), "", [], NOW)
            for n in range(20)
        ],
        return_exceptions=True,
    )
    assert isinstance(results[0], StoreError)
    assert all(result.erased == [] for result in results[1:])


async def test_runtime_answers_a_redelivered_update_once(
    make_runtime, store, fixture_content, actions
):
    runtime = await runtime_on(make_runtime, store, fixture_content, actions)
    first = await runtime.answer_directly(text("u1", "hi", update_id="42"))
    again = await runtime.answer_directly(text("u1", "hi", update_id="42", seconds=1))
    assert first and again == []


async def test_runtime_keeps_each_users_messages_in_order(
    make_runtime, store, fixture_content, actions
):
    runtime = await runtime_on(make_runtime, store, fixture_content, actions)
    script = ["hi", "3", "Siti", "30", "08123456789", "ya"]

    async def user(n: int) -> list[str]:
        outputs = []
        for index, body in enumerate(script):
            replies = await runtime.answer_directly(text(f"user-{n}", body, f"{n}-{index}", index))
            outputs.append(replies[-1].text)
        return outputs

    results = await asyncio.gather(*[user(n) for n in range(50)])
    expected = results[0]
    assert expected[-1] == "Jenis pekerjaan?"
    assert all(result == expected for result in results)
    assert not runtime._locks, "per-user locks are released"


async def test_runtime_serialises_messages_sent_at_once_by_one_user(
    make_runtime, store, fixture_content, actions
):
    runtime = await runtime_on(make_runtime, store, fixture_content, actions)
    await runtime.answer_directly(text("u", "hi", "0"))
    await runtime.answer_directly(text("u", "Isi formulir", "1"))
    replies = await asyncio.gather(
        *[
            runtime.answer_directly(text("u", body, f"x{index}", index + 2))
            for index, body in enumerate(["Siti", "30", "08123456789"])
        ]
    )
    assert [r[-1].text for r in replies] == ["Berapa umur Anda?", "Nomor HP Anda?", "Setuju?"]


async def test_restart_continues_where_the_user_was(
    make_runtime, tmp_path, fixture_content, actions
):
    first = Store(tmp_path / "bot.db")
    await first.open()
    runtime = await runtime_on(make_runtime, first, fixture_content, actions)
    await runtime.answer_directly(text("u", "hi"))
    await runtime.answer_directly(text("u", "Isi formulir", seconds=1))
    await runtime.answer_directly(text("u", "Siti", seconds=2))
    await first.close()

    second = Store(tmp_path / "bot.db")
    await second.open()
    runtime = await runtime_on(make_runtime, second, fixture_content, actions)
    replies = await runtime.answer_directly(text("u", "30", seconds=3))
    assert replies[-1].text == "Nomor HP Anda?"
    await second.close()


async def test_database_failure_gets_a_clear_reply_and_recovers(
    make_runtime, tmp_path, fixture_content, actions, caplog
):
    store = Store(tmp_path / "bot.db", busy_timeout_ms=100)
    await store.open()
    runtime = await runtime_on(make_runtime, store, fixture_content, actions)
    await runtime.answer_directly(text("u", "hi"))
    blocker = sqlite3.connect(tmp_path / "bot.db", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the database
    try:
        replies = await runtime.answer_directly(text("u", "1", seconds=1))
        assert "gangguan" in replies[0].text
        assert "database error" in caplog.text
    finally:
        blocker.rollback()
        blocker.close()
    replies = await runtime.answer_directly(text("u", "1", seconds=2))
    assert "Info singkat." in replies[-1].text
    await store.close()


async def test_reload_keeps_old_content_when_new_content_is_broken(
    make_runtime, store, content_dir, actions, fixture_content
):
    runtime = await runtime_on(make_runtime, store, fixture_content, actions, content_dir)
    (content_dir / "flows" / "test.yaml").write_text("main: [broken")
    problems = runtime.reload()
    assert problems and runtime.content is fixture_content
    (content_dir / "flows" / "test.yaml").write_text(
        (Path(__file__).parent / "fixtures" / "flows.yaml")
        .read_text()
        .replace("Menu utama tes", "Menu utama baru")
    )
    assert not [p for p in runtime.reload() if p.severity == "error"]
    replies = await runtime.answer_directly(text("u", "hi"))
    assert "Menu utama baru" in replies[-1].text


async def test_a_turn_starts_from_dedupe_session_and_relay_in_one_read(store, tmp_path):
    await store.commit_turn("test", "u1", Session(lang="en", node="main"), "upd-1", [], NOW)
    connection = sqlite3.connect(tmp_path / "bot.db")
    with connection:
        connection.execute(
            "INSERT INTO relays VALUES ('test', 'u1', 'SRG-2026-00042', ?)", [NOW.isoformat()]
        )
    connection.close()
    start = await store.begin_turn("test", "u1", "upd-2")
    assert not start.processed
    assert start.session is not None and start.session.lang == "en"
    assert start.relay == "SRG-2026-00042", "an officer is talking with this user"
    assert (await store.begin_turn("test", "u1", "upd-1")).processed


async def test_a_failing_database_tells_a_queued_user_once_a_minute(
    make_runtime, tmp_path, fixture_content, actions
):
    """Telegram and WhatsApp get the failure notice outside the outbox: once, not per message;
    the web chat, which waits for an answer, gets it for every request."""
    store = Store(tmp_path / "bot.db", busy_timeout_ms=100)
    await store.open()
    runtime = await runtime_on(make_runtime, store, fixture_content, actions)
    await runtime.answer_directly(text("u", "hi"))
    blocker = sqlite3.connect(tmp_path / "bot.db", timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        first = await runtime.answer_via_outbox(text("u", "1", "a", 1))
        second = await runtime.answer_via_outbox(text("u", "2", "b", 2))
        web = [await runtime.answer_directly(text("w", "1", seconds=3)) for _ in range(2)]
    finally:
        blocker.rollback()
        blocker.close()
    assert first.notice is not None and "gangguan" in first.notice.text
    assert second.notice is None, "told once within the minute"
    assert all("gangguan" in replies[0].text for replies in web)
    await store.close()


async def test_a_migration_that_fails_oddly_is_reported_not_waited_for(tmp_path, monkeypatch):
    """Any error while opening (here a migration's own bug) is a clear StoreError at start,
    and the store refuses work afterwards instead of queueing it for a writer that is gone."""

    def broken(db) -> None:
        raise KeyError("a column this migration expected")

    monkeypatch.setitem(MIGRATIONS, max(MIGRATIONS) + 1, broken)
    store = Store(tmp_path / "bot.db")
    async with asyncio.timeout(10):
        with pytest.raises(StoreError, match="a column this migration expected"):
            await store.open()
        with pytest.raises(StoreError, match="not open"):
            await store.load_session("telegram", "1")


async def test_a_call_while_the_store_closes_is_refused_not_left_waiting(tmp_path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    closing = asyncio.create_task(store.close())
    await asyncio.sleep(0)  # the close has begun
    async with asyncio.timeout(10):
        with pytest.raises(StoreError, match="not open"):
            await store.load_session("telegram", "1")
        await closing
