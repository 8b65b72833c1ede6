"""Quiet hours through the outbox worker and the real Telegram client on the fake Bot API:
a notice due at night is not sent then and is sent when they end, while the answer to the
person's own message goes out at once. The worker's clock is set to the hour, not waited
for."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.effects import SendNotices
from bot.notices import JAKARTA, Notice, QuietHours
from tests.fakes.bot_api import text_update
from tests.people import fake_telegram
from tests.waiting import settled

USER = 501
WARNING = "Peringatan: PT Contoh Palsu meminta uang pendaftaran. Jangan bayar apa pun."


class Clock:
    """The worker's time, set by the test; in UTC, as the real clock gives it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


@pytest.fixture
async def night(tmp_path: Path, bot_api, make_runtime, shipped_content, actions):
    """A Telegram channel whose outbox worker believes it is 22:00 in Serang, with quiet
    hours from 21:00 to 06:00."""
    quiet = QuietHours(time(21), time(6))
    runtime = await make_runtime(shipped_content, actions, quiet_hours=quiet)
    channel = fake_telegram(runtime, bot_api, tmp_path / "media")
    channel.outbox.clock = Clock(datetime(2026, 11, 28, 22, 0, tzinfo=JAKARTA))
    await channel.start()
    yield channel
    await channel.stop()


def texts(bot_api) -> list[str]:
    return [message["text"] for message in bot_api.sent(USER)]


def statuses(channel: TelegramChannel) -> list[tuple[str]]:
    with sqlite3.connect(channel.runtime.store.path) as connection:
        return connection.execute("SELECT status FROM outbox WHERE notice = 'alert'").fetchall()


async def test_a_notice_waits_for_morning_but_the_answer_to_the_person_does_not(night, bot_api):
    runtime = night.runtime
    notice = Notice("telegram", str(USER), "id", "alert", WARNING, "alert:test")
    await runtime.store.commit_effects(
        "telegram", "", night.outbox.clock(), [SendNotices((notice,))]
    )
    runtime.mailroom.wake("telegram")
    await settled(lambda: statuses(night) == [("quiet",)], night.outbox.idle)
    assert texts(bot_api) == [], "nothing is sent at 22:00"

    bot_api.push(text_update(USER, "halo"))  # the person writes during quiet hours
    await bot_api.wait_for(lambda: len(texts(bot_api)) > 0)
    await settled(night.outbox.idle)
    assert texts(bot_api), "the answer went out"
    assert all(WARNING not in text for text in texts(bot_api)), "the notice still waits"
    assert statuses(night) == [("quiet",)]

    night.outbox.clock.now = datetime(2026, 11, 29, 6, 0, tzinfo=JAKARTA)  # morning
    runtime.mailroom.wake("telegram")
    await bot_api.wait_for(lambda: WARNING in texts(bot_api)[-1])
    await settled(night.outbox.idle)
    assert sum(WARNING in text for text in texts(bot_api)) == 1, "sent once"
    assert statuses(night) == [("sent",)]
