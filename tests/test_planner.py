"""Plans to work abroad, end to end: a person registers on Telegram (the real
python-telegram-bot client against the fake Bot API), a step left open gets its reminder
there, a recruiter whose licence is suspended later gets a warning, "hapus data" removes the
registration, and the retention anonymises it after the planned departure."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.config import TelegramConfig
from bot.data.agencies import AgencyRegistry
from bot.planner.followup import follow_up
from tests.fakes.bot_api import FakeBotApi, message_update, text_update
from tests.waiting import settled

SITI = 601
OFFICER = 42
GROUP = {"id": -100, "type": "supergroup", "title": "Petugas"}
REGISTRATION = [
    "halo",
    "Rencana ke luar negeri",
    "Setuju, lanjut",
    "Saya sendiri",
    "Siti",
    "kec cikande",
    "cikande permai",
    "Taiwan",
    "Perawat lansia",
    "Perusahaan (PT)",
    "SAMPEL-001",
]


class Person:
    """One Telegram user talking to the bot."""

    def __init__(self, api: FakeBotApi, channel: TelegramChannel, user: int) -> None:
        self.api, self.channel, self.user = api, channel, user

    async def says(self, words: str) -> str:
        count = len(self.api.sent(self.user))
        self.api.push(text_update(self.user, words))
        await self.api.wait_for(lambda: len(self.api.sent(self.user)) > count)
        await self.settle()
        return str(self.api.sent(self.user)[-1]["text"])

    async def settle(self) -> None:
        queue = self.channel.application.update_queue
        await settled(lambda: queue.qsize() == 0, self.channel.outbox.idle)


@pytest.fixture
async def siti(tmp_path: Path, bot_api, make_runtime, shipped_content, actions):
    runtime = await make_runtime(shipped_content, actions, officers=True)
    telegram = TelegramChannel(
        runtime,
        TelegramConfig(token=bot_api.token, api_url=bot_api.url),
        tmp_path / "media",
        100_000,
        retry_base_delay=0.05,
    )
    telegram.outbox.idle_poll = 0.05
    await telegram.start()
    yield runtime, Person(bot_api, telegram, SITI)
    await telegram.stop()


async def register(person: Person) -> str:
    for words in REGISTRATION:
        await person.says(words)
    for words in ("Pilih", "Lanjut", "Dalam 3 bulan", "Boleh keduanya"):
        if words == "Pilih":  # the licence number names one company: pick it
            reply = person.api.sent(person.user)[-1]
            words = reply["reply_markup"]["inline_keyboard"][0][0]["text"]
        await person.says(words)
    return await person.says("Simpan")


async def test_a_step_left_open_is_reminded_once_on_telegram(siti, tmp_path):
    runtime, person = siti
    saved = await register(person)
    assert "Rencana tersimpan" in saved and "Daftar di Disnakertrans" in saved
    count = len(person.api.sent(SITI))

    assert await runtime.follow_up_plans(datetime.now(UTC) + timedelta(days=3)) == 0
    later = datetime.now(UTC) + timedelta(days=15)
    assert await runtime.follow_up_plans(later) == 1
    await person.api.wait_for(lambda: len(person.api.sent(SITI)) > count)
    await person.settle()
    reminder = person.api.sent(SITI)[-1]["text"]
    assert "Pengingat" in reminder and "(Siti)" in reminder
    assert "langkah 1 dari 14, <b>Daftar di Disnakertrans</b>" in reminder

    # the same step is not reminded again; a pass a minute later sends nothing
    assert await runtime.follow_up_plans(later + timedelta(minutes=1)) == 0
    assert len(person.api.sent(SITI)) == count + 1


async def test_a_recruiter_suspended_after_registration_is_warned_at_once(siti):
    runtime, person = siti
    await register(person)
    registration = await runtime.store.registration("telegram", str(SITI))
    assert registration is not None and registration.recruiter_status == "active"
    data = runtime.content.data
    suspended = [
        dataclasses.replace(agency, status="suspended", status_date=date(2026, 7, 1))
        if agency.licence == registration.recruiter_licence
        else agency
        for agency in data.agencies.agencies
    ]
    registry = AgencyRegistry(suspended, data.agencies.source, data.agencies.as_of, sample=True)
    changed = dataclasses.replace(data, agencies=registry)
    notices, remembered = follow_up([registration], changed, datetime.now(UTC), timedelta(days=14))
    assert [notice.kind for notice in notices] == ["warning"]
    assert "dibekukan sejak 01-07-2026" in notices[0].text
    assert remembered[0].warned_status == "suspended"


async def test_delete_my_data_removes_the_registration(siti, tmp_path):
    runtime, person = siti
    await register(person)
    assert await runtime.store.registration("telegram", str(SITI)) is not None
    await person.says("hapus data")
    await person.says("Ya, hapus")
    assert await runtime.store.registration("telegram", str(SITI)) is None
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("SELECT COUNT(*) FROM registrations").fetchone()[0] == 0


async def test_the_registration_is_anonymised_after_departure_plus_retention(siti, tmp_path):
    runtime, person = siti
    await register(person)
    registration = await runtime.store.registration("telegram", str(SITI))
    assert registration is not None
    await runtime.prune(datetime.now(UTC), 90)  # before the departure: kept
    assert await runtime.store.registration("telegram", str(SITI)) is not None
    days = runtime.services.planner_retention_days
    after = datetime.combine(registration.departure, datetime.min.time(), UTC)
    await runtime.prune(after + timedelta(days=days + 1), 90)
    assert await runtime.store.registration("telegram", str(SITI)) is None
    with sqlite3.connect(tmp_path / "bot.db") as db:
        row = db.execute(
            "SELECT user_ref, name, recruiter, kecamatan, desa, country FROM registrations"
        ).fetchone()
    assert row == (None, None, None, "Cikande", "Cikande Permai", "TW")
    assert await runtime.store.registration_counts() == [("Cikande", "Cikande Permai", 1)]


async def test_officers_see_the_registered_people_of_a_kecamatan_with_calon(siti, tmp_path):
    _, person = siti
    await register(person)
    count = len(person.api.sent(-100))
    person.api.push(message_update(OFFICER, chat=GROUP, text="/calon kec cikande"))
    await person.api.wait_for(lambda: len(person.api.sent(-100)) > count)
    listing = person.api.sent(-100)[-1]["text"]
    assert "Kec. Cikande: 1 orang" in listing
    assert "perekrut P3MI aktif: 1" in listing and "Cikande Permai (Cikande): 1" in listing
    assert "Siti · Ds. Cikande Permai" in listing and "langkah 0/14" in listing
    assert str(SITI) not in listing  # never the account
    with sqlite3.connect(tmp_path / "bot.db") as db:
        audit = db.execute("SELECT officer_id, action, detail FROM audit_log").fetchall()
    assert (OFFICER, "candidates", "Cikande: 1") in audit


def test_check_content_names_file_line_and_key_of_a_broken_checklist(tmp_path, actions):
    from bot.content import load_content
    from tests.conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    checklist = content / "data" / "checklist.yaml"
    broken = checklist.read_text().replace("countries: [KR, JP]", "countries: [KR, XX]")
    checklist.write_text(
        broken.replace('title: {id: "Paspor", en: "Passport"}', 'title: {id: "Paspor"}')
    )
    loaded, problems = load_content(content, actions)
    assert loaded is None
    lines = broken.splitlines()
    xx = next(i for i, line in enumerate(lines, 1) if "[KR, XX]" in line)
    messages = [str(problem) for problem in problems]
    assert any(
        f"data/checklist.yaml:{xx}: error: steps.3.countries: 'XX' is not a country" in m
        for m in messages
    ), messages
    assert any("steps.10.title: missing translation 'en'" in m for m in messages), messages
