"""The departure planner's dialog with a real store: what a person confirmed is what is
stored, and what they deleted is gone from the conversation too (issue 16's review)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.dialog import run_turn
from bot.messages import Inbound, InboundKind
from bot.services import Services
from bot.store import Store

USER = "planner-1"
REGISTER = [
    "halo",
    "Rencana ke luar negeri",
    "Setuju",
    "Saya sendiri",
    "Siti",
    "cikande",
    "cikande permai",
    "Taiwan",
    "Perawat lansia",
]


class PlannerChat:
    """One person typing to the bot; each turn's effects committed as the runtime does."""

    def __init__(self, content, actions, store: Store, tmp_path: Path) -> None:
        self.content, self.actions, self.store = content, actions, store
        self.services = Services(store=store, media_dir=tmp_path / "media")
        self.session = None
        self.now = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
        self.replies: list = []

    async def says(self, *messages: str) -> str:
        for text in messages:
            self.now += timedelta(seconds=1)
            inbound = Inbound("test", USER, InboundKind.TEXT, self.now, text=text)
            turn = await run_turn(
                self.content, self.actions, self.session, inbound, services=self.services
            )
            if turn.effects:
                await self.store.commit_effects("test", "", self.now, turn.effects)
            self.session, self.replies = turn.session, turn.replies
        return "\n".join(reply.text for reply in self.replies)

    @property
    def answers(self) -> dict:
        return dict(self.session.answers) if self.session else {}


@pytest.fixture
async def person(tmp_path, shipped_content, actions):
    store = Store(tmp_path / "bot.db")
    await store.open()
    yield PlannerChat(shipped_content, actions, store, tmp_path)
    await store.close()


async def test_deleting_the_registration_forgets_its_answers(person):
    await person.says(*REGISTER, "Belum ada", "Dalam 3 bulan", "Jangan keduanya", "Simpan")
    assert await person.store.registration("test", USER) is not None
    await person.says("Rencana saya", "Hapus pendaftaran", "Ya, hapus")
    assert await person.store.registration("test", USER) is None
    left = [key for key in person.answers if key.startswith(("reg_", "recruiter_"))]
    assert left == [] and "kecamatan_typed" not in person.answers


async def test_a_sponsor_after_a_company_keeps_no_company_name(person):
    await person.says(*REGISTER, "Perusahaan (PT)", "SAMPEL-001", "Sejahtera", "Lanjut")
    await person.says("Dalam 3 bulan", "Jangan keduanya", "Simpan", "Rencana saya", "Ubah data")
    await person.says(*REGISTER[3:], "Sponsor/calo", "Lanjut", "Dalam 3 bulan", "Jangan keduanya")
    assert "Perekrut: sponsor/calo perorangan" in await person.says("Simpan", "Rencana saya")
    registration = await person.store.registration("test", USER)
    assert registration is not None
    assert (registration.recruiter, registration.recruiter_licence) == ("", "")
    assert registration.recruiter_status == "individual"


async def test_a_departure_not_known_is_stored_and_shown_as_not_known(person):
    await person.says(*REGISTER, "Belum ada", "Belum tahu", "Jangan keduanya")
    assert "Rencana berangkat: belum tahu" in person.replies[-1].text
    await person.says("Simpan")
    shown = await person.says("Rencana saya")
    assert "Rencana berangkat: belum tahu" in shown and "sekitar" not in shown
    registration = await person.store.registration("test", USER)
    assert registration is not None and registration.departure is None
    # kept for the configured time after it was saved, then anonymised
    kept = person.services.planner_undated_retention_days
    saved_on = person.now
    long_ago = saved_on.date() - timedelta(days=10_000)
    assert (
        await person.store.anonymise_registrations(long_ago, saved_on - timedelta(days=1), saved_on)
        == 0
    )
    later = saved_on + timedelta(days=kept + 1)
    assert (
        await person.store.anonymise_registrations(long_ago, later - timedelta(days=kept), later)
        == 1
    )


async def test_continuing_without_picking_a_listed_company_is_stored_as_unchecked(person):
    await person.says(*REGISTER, "Perusahaan (PT)", "Sejahtera")
    assert "Hasil pencarian" in person.replies[-1].text or "mirip" in person.replies[-1].text
    await person.says("Lanjut", "Dalam 3 bulan", "Jangan keduanya")
    saved = await person.says("Simpan")
    assert "belum dicocokkan" in saved and "tidak ada di daftar P3MI" not in saved
    registration = await person.store.registration("test", USER)
    assert registration is not None and registration.recruiter_status == "unchecked"


@pytest.mark.parametrize(
    ("typed", "key", "value"),
    [
        ("mau ke hongkong", "reg_country", "HK"),
        ("kerja di arab saudi", "reg_country", "SA"),
        ("uni emirat arab", "reg_country", "AE"),  # typed, not on a button: found by name
        ("dubai", "reg_country", "other"),  # a city: kept as another country
        ("mau kerja ke kamboja", "reg_country", "KH"),
        ("ke myanmar lewat thailand", "reg_country", "MM"),  # the first country said
        ("ikut om ke dubai", "reg_country", "other"),  # "om" (uncle) is no code for Oman
        ("dubai th depan", "reg_country", "other"),  # nor "th" (next year) for Thailand
        ("jaga lansia", "reg_sector", "care"),
        ("ART", "reg_sector", "domestic"),
        ("sy mau jadi pembantu", "reg_sector", "domestic"),
        ("kerja pabrik", "reg_sector", "manufacturing"),
        ("abk", "reg_sector", "fishing"),
        ("gak tau", "reg_recruiter", "none"),
        ("lewat sponsor", "reg_recruiter", "individual"),
    ],
)
async def test_an_answer_typed_in_everyday_words_is_understood(person, typed, key, value):
    """Where the dialog asks for one of its answers, the words people use for it count."""
    steps = {"reg_country": 7, "reg_sector": 8, "reg_recruiter": 9}
    answers = [*REGISTER, "Belum ada"]
    answers[steps[key]] = typed
    await person.says(*answers[: steps[key] + 1])
    assert person.answers[key] == value


@pytest.mark.parametrize("typed", ["bukan pabrik", "tukang masak"])
async def test_a_negated_or_mixed_answer_is_asked_again(person, typed):
    """ "bukan pabrik" is not the factory, and a message naming two answers picks neither."""
    reply = await person.says(*REGISTER[:8], typed)
    assert "reg_sector" not in person.answers and "Tolong pilih" in reply


async def test_a_typed_yes_is_never_read_as_its_opposite(person):
    """ "iya setuju" is close in letters to "Tidak setuju"; it agrees."""
    assert "Siapa yang akan berangkat" in await person.says(
        "halo", "Rencana ke luar negeri", "iya setuju"
    )
