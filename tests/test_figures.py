"""The officers' statistics from a store filled the way users fill it: reports filed through
real dialog turns, checks of a forwarded advert counted by their turn, officers' claims and
closes as their effects. What an officer sees must be right, complete (every kecamatan) and
must not identify anyone (no names or numbers; areas under 5 cases shown "< 5")."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from bot.effects import ChangeReport
from bot.engine.session import QuestionLog, Session
from bot.figures import SMALL_TEXT, UNKNOWN, Figures
from bot.messages import Inbound, InboundKind
from bot.officers.statistics import officer_figures
from bot.records import Area
from bot.runtime import Runtime
from tests.conftest import NOW
from tests.test_adverts import CAMBODIA, OFFICIAL

SINCE = NOW - timedelta(weeks=4)
KABUPATEN = Area()
UNTIL = NOW + timedelta(days=1)
REPORTER_NAME, REPORTER_PHONE = "Rina Kartika", "081398765432"


async def turns(runtime: Runtime, user: str, when: datetime, *texts: str) -> None:
    for number, text in enumerate(texts):
        inbound = Inbound(
            "test", user, InboundKind.TEXT, when + timedelta(seconds=number), text=text
        )
        await runtime.answer_directly(inbound)


async def file_report(
    runtime: Runtime,
    user: str,
    when: datetime,
    *,
    kecamatan: str = "",
    abroad: str = "",
    urgent: bool = False,
    named: bool = False,
) -> str:
    """File a report as a villager does, in a fresh dialog; return its number."""
    where = ["Di luar negeri", abroad] if abroad else ["Di Kab. Serang", kecamatan, "Lewati"]
    danger = ["Ya, sekarang"] if urgent else ["Tidak"]
    contact = ["Boleh dihubungi", REPORTER_NAME, REPORTER_PHONE] if named else ["Tanpa nama"]
    await turns(
        runtime,
        user,
        when,
        "/start",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Kerja pabrik, bayar 5 juta dulu",
        "Pak Udin, grup Facebook",
        *where,
        *danger,
        "Tidak ada",
        *contact,
        "Kirim laporan",
    )
    refs = await runtime.store.export_reports(
        when - timedelta(minutes=1), when + timedelta(hours=1)
    )
    (report,) = [r for r in refs if r.user == user]
    return report.ref


@pytest.fixture
async def seeded(make_runtime, shipped_content, actions) -> Runtime:
    runtime = await make_runtime(shipped_content, actions, officers=True)
    store = runtime.store
    refs = []
    for number in range(6):  # Pontang: 6 reports over two weeks, two urgent
        when = NOW - timedelta(days=8 if number < 3 else 1, hours=number)
        refs.append(
            await file_report(
                runtime, f"p{number}", when, kecamatan="Pontang", urgent=number in (0, 4)
            )
        )
    await file_report(runtime, "a0", NOW - timedelta(days=2), kecamatan="Anyar", named=True)
    await file_report(runtime, "a1", NOW - timedelta(days=2, hours=1), kecamatan="Anyar")
    for number in range(5):
        await file_report(runtime, f"m{number}", NOW - timedelta(days=3), abroad="Malaysia")
    await file_report(runtime, "x0", NOW - timedelta(days=3), abroad=f"rumah {REPORTER_NAME}")
    for number, ref in enumerate(refs[:5]):  # claimed 2 hours after filing, closed after 3 days
        report = await store.report(ref)
        assert report is not None
        claimed = report.created_at + timedelta(hours=2)
        claim = ChangeReport(
            ref, 42, "claim", {"status": "claimed", "claimed_at": claimed.isoformat()}
        )
        await store.commit_effects("telegram", f"c{number}", claimed, [claim])
        closed = report.created_at + timedelta(days=3)
        close = ChangeReport(
            ref, 42, "close", {"status": "closed", "closed_at": closed.isoformat()}
        )
        await store.commit_effects("telegram", f"d{number}", closed, [close])
    for number in range(5):  # a forwarded scam advert (Cambodia), checked five times
        await turns(runtime, f"ad{number}", NOW - timedelta(days=1), "/start", CAMBODIA)
    await turns(runtime, "official", NOW - timedelta(days=1), "/start", OFFICIAL)
    for number in range(3):  # a page read
        await store.commit_turn(
            "test", f"r{number}", Session(lang="id", node="tppo_what"), "", ["tppo_what"], NOW
        )
    question = QuestionLog(
        "q1", f"boleh saya telepon {REPORTER_PHONE} soal visa?", "id", (), None, NOW
    )
    await store.commit_turn(
        "test", "q", Session(lang="id", node="main"), "", [], NOW, questions=[question]
    )
    return runtime


async def figures_of(runtime: Runtime, area: Area = KABUPATEN, lang: str = "id") -> Figures:
    return await officer_figures(runtime.store, runtime.content, area, SINCE, UNTIL, lang)


async def test_every_kecamatan_is_shown_and_small_ones_only_as_under_five(seeded):
    figures = await figures_of(seeded)
    names = [count.label for count in figures.kecamatan]
    assert names == list(seeded.content.data.kecamatan_names()) and len(names) == 29
    shown = {count.label: count.shown for count in figures.kecamatan}
    assert shown["Pontang"] == "6"
    assert shown["Anyar"] == SMALL_TEXT, "2 reports: never the number"
    assert shown["Kibin"] == SMALL_TEXT, "none: not told apart from a small area"
    assert figures.reports.shown == "14"


async def test_weeks_stack_urgent_reports_and_every_week_of_the_period_is_there(seeded):
    figures = await figures_of(seeded)
    assert len(figures.weekly) == 5 and figures.weekly[0].start.weekday() == 0
    urgent = sum(week.urgent.value or 0 for week in figures.weekly)
    other = sum(week.other.value or 0 for week in figures.weekly)
    assert (urgent, other) == (2, 12)


async def test_countries_name_only_known_countries(seeded):
    figures = await figures_of(seeded, lang="en")
    assert [(c.label, c.shown) for c in figures.countries] == [
        ("Malaysia", "5"),
        (UNKNOWN, SMALL_TEXT),
    ]


async def test_time_to_claim_and_close(seeded):
    figures = await figures_of(seeded)
    assert figures.time_to_claim.median_hours == 2.0
    assert {b.label: b.value for b in figures.time_to_claim.buckets}["6h"] == 5
    assert figures.time_to_close.median_hours == 72.0
    assert {b.label: b.value for b in figures.time_to_close.buckets}["7d"] == 5


async def test_checks_counted_by_verdict_country_and_red_flag(seeded):
    figures = await figures_of(seeded)
    (cambodia,) = [v for v in figures.verdicts_by_country if v.country == "Kamboja"]
    assert (cambodia.danger.shown, cambodia.ok.shown) == ("5", SMALL_TEXT)
    flags = {flag.label: flag.value for flag in figures.red_flags}
    assert flags and set(flags.values()) == {5}, flags
    assert all("_" not in label for label in flags), "red flags by their line, not their id"


async def log_questions(runtime: Runtime, text: str, times: int) -> None:
    questions = [QuestionLog(f"{text[:20]}{n}", text, "id", (), None, NOW) for n in range(times)]
    await runtime.store.commit_turn(
        "test", text[:30], Session(lang="id", node="main"), "", [], NOW, questions=questions
    )


async def test_topics_by_page_title_and_unanswered_questions_by_their_content_words(seeded):
    await log_questions(seeded, f"berapa biaya visa ke malaysia? wa {REPORTER_PHONE}", 5)
    figures = await figures_of(seeded)
    assert [(t.label, t.value) for t in figures.topics] == [("Apa itu TPPO?", 3)]
    (question,) = figures.unanswered  # the one asked once is not shown
    assert question.value == 5 and "visa" in question.label and "malaysia" in question.label
    assert REPORTER_PHONE not in question.label and "wa" not in question.label.split()


async def test_an_unanswered_question_never_shows_the_words_someone_typed(seeded):
    told = "Saya Siti Rahayu dari Kampung Babakan, sponsor Pak Joko pegang paspor saya"
    await log_questions(seeded, told, 7)
    await log_questions(seeded, "cek https://bit.ly/x9 atau siti@example.com visa", 6)
    for lang in ("id", "en"):
        figures = await figures_of(seeded, lang=lang)
        text = repr(asdict(figures))
        for word in ("Siti", "siti", "Rahayu", "rahayu", "Babakan", "babakan", "Joko", "joko"):
            assert word not in text, word
        assert "bit.ly" not in text and "example.com" not in text
        assert any("paspor" in q.label for q in figures.unanswered), figures.unanswered


async def test_an_area_officer_sees_small_counts_of_their_area_hidden(seeded):
    anyar = await figures_of(seeded, Area("Anyar"))
    assert anyar.reports.shown == SMALL_TEXT
    assert all(week.other.value is None for week in anyar.weekly)
    assert [(c.label, c.shown) for c in anyar.kecamatan] == [("Anyar", SMALL_TEXT)]
    pontang = await figures_of(seeded, Area("pontang"))
    assert pontang.reports.shown == "6" and pontang.time_to_claim.median_hours == 2.0
    assert [(c.label, c.shown) for c in pontang.kecamatan] == [("Pontang", "6")]


async def test_a_desa_officer_sees_one_bar_named_after_their_desa(seeded):
    await file_report(seeded, "s0", NOW - timedelta(days=1), kecamatan="Pontang")  # no desa
    desa = await figures_of(seeded, Area("Pontang", "Singarajan"))
    assert [(c.label, c.shown) for c in desa.kecamatan] == [("Singarajan", SMALL_TEXT)]


async def test_no_figure_holds_a_name_a_phone_or_a_report_number(seeded):
    for lang in ("id", "en"):
        text = repr(asdict(await figures_of(seeded, lang=lang)))
        assert REPORTER_NAME not in text and "Rina" not in text
        assert REPORTER_PHONE not in text and "SRG-" not in text
