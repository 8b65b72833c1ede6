"""The keys that keep a plan's reminders and warnings from repeating do not hide real ones
(Telegram, the real client against the fake Bot API): a licence suspended again after it was
active again is told again, and a registration made after a deleted one gets its own
reminders (registration ids are reused; their numbers and the keys are not)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.people import TelegramPerson, telegram_channel
from tests.plans import register, set_recruiter_status

USER = 702


@pytest.fixture
async def person(tmp_path: Path, bot_api, make_runtime, shipped_content, actions):
    runtime = await make_runtime(shipped_content, actions)
    async with telegram_channel(runtime, bot_api, tmp_path / "media") as channel:
        yield TelegramPerson(bot_api, channel, USER)


async def follow_up_and_wait(person: TelegramPerson, now: datetime) -> list[str]:
    """Run the follow-up pass; the notices it sent her."""
    count = len(person.texts())
    await person.channel.runtime.follow_up_plans(now)
    person.channel.runtime.mailroom.wake_all()
    await person.settle()
    return person.texts()[count:]


async def test_a_licence_suspended_again_is_told_again(person):
    runtime = person.channel.runtime
    await register(person)
    registration = await runtime.store.registration("telegram", str(USER))
    assert registration is not None
    licence, now = registration.recruiter_licence, datetime.now(UTC)

    set_recruiter_status(runtime, licence, "suspended", date(2026, 7, 1))
    first = await follow_up_and_wait(person, now)
    assert any("dibekukan sejak 01-07-2026" in text for text in first)
    set_recruiter_status(runtime, licence, "active", date(2026, 8, 1))
    assert await follow_up_and_wait(person, now) == [], "active again: remembered quietly"
    set_recruiter_status(runtime, licence, "suspended", date(2026, 9, 1))
    second = await follow_up_and_wait(person, now)
    assert any("dibekukan sejak 01-09-2026" in text for text in second), second


async def test_a_new_registration_after_a_deleted_one_gets_its_reminders(person, tmp_path):
    await register(person)
    later = datetime.now(UTC) + timedelta(days=15)
    assert any("Pengingat" in text for text in await follow_up_and_wait(person, later))

    await person.says("menu")
    await person.says("Rencana ke luar negeri")
    await person.says("Hapus pendaftaran")
    assert "Pendaftaran dihapus" in await person.says("Ya, hapus")
    with sqlite3.connect(tmp_path / "bot.db") as db:
        keys = db.execute("SELECT key FROM notice_keys WHERE key LIKE 'plan:%'").fetchall()
    assert keys == [], "the deleted plan's keys go with it"

    await register(person)
    again = await follow_up_and_wait(person, later)
    assert any("Pengingat" in text for text in again), again
