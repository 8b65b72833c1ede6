"""Hardening 8: an update that cannot be handled is set aside, not retried forever.

Through the real Telegram client and the fake Bot API: officer input that used to raise
(whitespace only from a non-officer, a malformed officer button) now gets an answer, and
an update that fails at every start goes to `dead_updates` after three starts.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from bot.store import Store
from tests.fakes.bot_api import callback_update, text_update
from tests.test_reports import GROUP, OFFICER, env, officer_press, say  # noqa: F401 (fixture)


async def test_whitespace_from_anyone_and_a_malformed_officer_button_get_answers(env):  # noqa: F811
    fake = env[0]
    reply = await say(fake, 801, "\u2003\u2003")
    assert reply["text"], "a polite answer, no exception"
    count = len(fake.sent(-100))
    fake.push(callback_update(OFFICER, "o:claim", chat=GROUP))
    await fake.wait_for(lambda: len(fake.sent(-100)) > count)
    assert "tidak dikenal" in fake.sent(-100)[-1]["text"]


async def test_an_update_that_keeps_failing_is_set_aside_after_three_starts(tmp_path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    try:
        now = datetime.now(UTC)
        await store.inbox_put("telegram", "77", '{"update_id": 77}', now)
        starts = 0
        while pending := await store.inbox_pending("telegram", now):
            assert [item.update_id for item in pending] == ["77"]
            await store.inbox_failed("telegram", "77", "ValueError", now)
            starts += 1
        assert 1 <= starts <= 3, "set aside after a few attempts, not retried forever"
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        rows = db.execute("SELECT channel, reason FROM dead_updates").fetchall()
    assert rows == [("telegram", "ValueError")]
    assert "77" not in str(rows)


async def test_refusals_of_officer_commands_are_limited(make_runtime, fixture_content, actions):
    from bot.officers.desk import Officer

    runtime = await make_runtime(fixture_content, actions)
    stranger = Officer("telegram", 99, "Orang", 99)
    answered = [
        len((await runtime.officer_wrote(stranger, "/export", "", f"u{n}")).replies)
        for n in range(1000)
    ]
    assert sum(answered) == 3, "three answers (and audit lines) a minute, not a thousand"
    (audited,) = await runtime.store._call(
        lambda db: db.execute("SELECT COUNT(*) FROM audit_log").fetchone()
    )
    assert audited == 3


__all__ = ["text_update"]
