"""Plans to work abroad, end to end: a person registers on Telegram (the real
python-telegram-bot client against the fake Bot API), a step left open gets its reminder
there, a recruiter whose licence is suspended later gets a warning, "hapus data" removes the
registration, the retention anonymises it after the planned departure, and officers write
to a person who allowed it through the bot's relay (and to nobody else)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.planner.followup import follow_up
from tests.fakes.bot_api import (
    FakeBotApi,
    callback_update,
    message_update,
    reply_to_bot,
)
from tests.people import TelegramPerson, telegram_channel
from tests.plans import register, set_recruiter_status

SITI = 601
OFFICER = 42
GROUP = {"id": -100, "type": "supergroup", "title": "Petugas"}


@pytest.fixture
async def siti(tmp_path: Path, bot_api, make_runtime, shipped_content, actions):
    runtime = await make_runtime(shipped_content, actions, officers=True)
    async with telegram_channel(runtime, bot_api, tmp_path / "media") as telegram:
        yield runtime, TelegramPerson(bot_api, telegram, SITI)


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
    set_recruiter_status(runtime, registration.recruiter_licence, "suspended", date(2026, 7, 1))
    changed = runtime.content.data
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


class Officers:
    """Officer 42 in the officers' group -100."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def push(self, update: dict, messages: int = 1) -> dict:
        count = len(self.api.sent(-100))
        self.api.push(update)
        await self.api.wait_for(lambda: len(self.api.sent(-100)) >= count + messages)
        return self.api.sent(-100)[-1]

    async def type(self, text: str, messages: int = 1) -> dict:
        return await self.push(message_update(OFFICER, chat=GROUP, text=text), messages)

    async def press(self, data: str) -> dict:
        return await self.push(callback_update(OFFICER, data, chat=GROUP))

    async def reply_to_prompt(self, text: str) -> dict:
        prompt = self.api.sent(-100)[-1]["text"]
        reply = reply_to_bot(GROUP, prompt)
        return await self.push(
            message_update(OFFICER, chat=GROUP, text=text, reply_to_message=reply)
        )

    def saw(self) -> str:
        return "\n".join(str(c.params) for c in self.api.calls if c.params.get("chat_id") == -100)


def audit(tmp_path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(tmp_path / "bot.db") as db:
        return db.execute("SELECT action, report_ref, detail FROM audit_log ORDER BY id").fetchall()


async def test_an_officer_writes_to_a_person_who_allowed_it_and_reads_the_answer(siti, tmp_path):
    _, person = siti
    await register(person, "Hanya pesan")  # messages allowed, the name hidden
    ref = f"CPMI-{datetime.now(UTC).year}-00001"
    officers = Officers(person.api)
    listing = await officers.type("/calon")
    assert f"/tanya {ref}" in listing["text"] and "(nama tidak ditampilkan)" in listing["text"]
    buttons = [
        b["callback_data"] for row in listing["reply_markup"]["inline_keyboard"] for b in row
    ]
    assert buttons == [f"o:ask:{ref}"]

    prompt = await officers.press(f"o:ask:{ref}")
    assert ref in prompt["text"] and prompt["reply_markup"].get("force_reply") is True
    count = len(person.api.sent(SITI))
    sent = await officers.reply_to_prompt("Apakah Anda sudah ke Disnakertrans?")
    assert f"Terkirim ke calon PMI {ref}" in sent["text"]
    await person.api.wait_for(lambda: len(person.api.sent(SITI)) > count)
    message = person.api.sent(SITI)[-1]["text"]
    assert "Pesan dari petugas Kabupaten Serang" in message and "sudah ke Disnakertrans" in message

    count = len(person.api.sent(-100))
    assert "Terkirim ke petugas" in await person.says("Belum, minggu depan")
    await person.api.wait_for(lambda: len(person.api.sent(-100)) > count)
    answer = person.api.sent(-100)[-1]
    assert f"Jawaban calon PMI {ref}" in answer["text"] and "minggu depan" in answer["text"]

    # the thread so far comes with the next prompt; the menu word ends the conversation
    again = await officers.type(f"/tanya {ref}", messages=2)
    history = officers.api.sent(-100)[-2]["text"]
    assert "sudah ke Disnakertrans" in history and "minggu depan" in history
    assert ref in again["text"] and again["reply_markup"].get("force_reply") is True
    assert "Terkirim ke petugas" not in await person.says("menu")
    count = len(person.api.sent(-100))
    await person.says("Rencana ke luar negeri")  # the dialog again, not the officers
    assert len(person.api.sent(-100)) == count
    assert str(SITI) not in officers.saw() and "Siti" not in officers.saw()
    actions = [action for action, _, _ in audit(tmp_path)]
    assert actions == ["candidates", "to_registrant", "view"]
    assert (  # the length, never the text, in the append-only log
        "to_registrant",
        ref,
        f"{len('Apakah Anda sudah ke Disnakertrans?')} characters",
    ) in audit(tmp_path)


async def test_a_person_who_did_not_allow_it_is_not_written_to(siti, tmp_path):
    _, person = siti
    await register(person, "Jangan keduanya")
    ref = f"CPMI-{datetime.now(UTC).year}-00001"
    officers = Officers(person.api)
    listing = await officers.type("/calon")
    assert ref not in listing["text"] and "reply_markup" not in listing
    count = len(person.api.sent(SITI))
    refused = await officers.type(f"/tanya {ref} Halo, apa kabar?")
    assert "Tidak terkirim" in refused["text"] and "tidak mengizinkan" in refused["text"]
    refused = await officers.press(f"o:ask:{ref}")  # an old button: refused as well
    assert "tidak mengizinkan" in refused["text"]
    await person.settle()
    assert len(person.api.sent(SITI)) == count
    assert audit(tmp_path)[-2:] == [("relay_refused", ref, "no consent")] * 2


async def test_nothing_reaches_a_person_after_they_deleted_their_data(siti, tmp_path):
    runtime, person = siti
    await register(person)
    ref = f"CPMI-{datetime.now(UTC).year}-00001"
    officers = Officers(person.api)
    await officers.type(f"/tanya {ref} Sudah ke Disnakertrans?")
    await person.api.wait_for(lambda: "Sudah ke Disnakertrans" in person.api.sent(SITI)[-1]["text"])
    await person.says("hapus data")  # ends the conversation with the officer, then asks
    await person.says("Ya, hapus")
    count = len(person.api.sent(SITI))
    refused = await officers.type(f"/tanya {ref} Masih di sana?")
    assert "tidak ditemukan" in refused["text"]
    # registering again gives a new number: the old one reaches nobody, ever
    await person.says("halo")
    await register(person)
    again = await runtime.store.registration("telegram", str(SITI))
    assert again is not None and again.ref == f"CPMI-{datetime.now(UTC).year}-00002"
    refused = await officers.type(f"/tanya {ref} Masih di sana?")
    assert "tidak ditemukan" in refused["text"]
    assert not any("Masih di sana" in m.get("text", "") for m in person.api.sent(SITI)[count:])
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("SELECT COUNT(*) FROM registration_messages").fetchone() == (0,)
    assert ("relay_refused", ref, "unknown") in audit(tmp_path)
