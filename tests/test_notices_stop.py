"""What "berhenti / stop" ends, on Telegram (the real client against the fake Bot API):
only "stop" and "berhenti" end alerts (the everyday goodbyes "selesai" and "keluar" only end
the conversation), in a form only once the person confirms leaving it, the "🔕" line only
to someone who had something to stop, and never the warnings about their own plan."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtime import Runtime
from tests.people import TelegramPerson, telegram_channel
from tests.plans import register, set_recruiter_status

USER = 701
REPORT_START = ["halo", "Laporkan penipuan", "Buat laporan", "Setuju"]
OFFER = "Ditawari kerja di kapal ikan Taiwan, bayar 10 juta ke sponsor"


@pytest.fixture
async def person(tmp_path: Path, bot_api, make_runtime, shipped_content, actions):
    runtime = await make_runtime(shipped_content, actions)
    async with telegram_channel(runtime, bot_api, tmp_path / "media") as channel:
        yield TelegramPerson(bot_api, channel, USER)


def runtime_of(person: TelegramPerson) -> Runtime:
    return person.channel.runtime


async def subscriptions(person: TelegramPerson) -> int:
    return len(await runtime_of(person).store.subscriptions_of("telegram", str(USER)))


async def subscribe(person: TelegramPerson) -> None:
    for words in ("halo", "Info langganan", "Peringatan kecamatan"):
        await person.says(words)
    assert "Berlangganan: Cikande" in await person.says("Cikande")


async def test_goodbyes_and_a_stop_taken_back_in_a_form_keep_the_alerts(person):
    await subscribe(person)
    goodbye = await person.says("selesai")
    assert "percakapan dihentikan" in goodbye and "🔕" not in goodbye
    assert await subscriptions(person) == 1, "selesai is a goodbye, not a stop"

    for words in [*REPORT_START, OFFER]:
        await person.says(words)
    for word in ("keluar", "berhenti"):
        assert "Laporan Anda belum terkirim" in await person.says(word)
        assert "🔕" not in person.texts()[-1]
        await person.says("Lanjut mengisi")
        assert await subscriptions(person) == 1, f"{word}, then continue: nothing stopped"

    assert "Laporan Anda belum terkirim" in await person.says("berhenti")
    left = await person.says("Keluar, simpan draf")
    assert "🔕 Semua info langganan dan pengingat dihentikan" in left
    assert "percakapan dihentikan" in left
    assert await subscriptions(person) == 0


async def test_a_stop_with_nothing_to_stop_says_nothing_about_alerts(person):
    await person.says("halo")
    stopped = await person.says("berhenti")
    assert "percakapan dihentikan" in stopped and "🔕" not in stopped
    with sqlite3.connect(runtime_of(person).store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM notice_stops").fetchone()[0] == 0


async def test_a_stop_ends_plan_reminders_but_not_the_warning_about_her_recruiter(person):
    runtime = runtime_of(person)
    await register(person)
    stopped = await person.says("berhenti")
    assert "Peringatan bila izin agen perekrut di rencana Anda" in stopped
    assert "tetap dikirim" in stopped and "hapus data" in stopped

    later = datetime.now(UTC) + timedelta(days=15)
    await runtime.follow_up_plans(later)  # a reminder is due: she said stop
    registration = await runtime.store.registration("telegram", str(USER))
    assert registration is not None
    assert registration.reminded_step == "", "not sent, so not remembered as sent"

    count = len(person.texts())
    set_recruiter_status(runtime, registration.recruiter_licence, "suspended", date(2026, 7, 1))
    await runtime.follow_up_plans(later)
    await person.api.wait_for(lambda: len(person.texts()) > count)
    await person.settle()
    assert "dibekukan sejak 01-07-2026" in person.texts()[-1]
    assert sum("Pengingat" in text for text in person.texts()[count:]) == 0
    registration = await runtime.store.registration("telegram", str(USER))
    assert registration is not None and registration.warned_status == "suspended"
