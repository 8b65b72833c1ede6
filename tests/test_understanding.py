"""Typed messages as villagers write them: questions, cries for help, everyday answers.

The question and alarm sets (tests/understanding/) hold the floors the issue asks for;
the dialog tests walk the shipped content the way a user would.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.engine.asking import question_key
from bot.messages import InboundKind, Media
from bot.understanding.evaluation import load_questions, score_alarms, score_questions
from tests.conftest import NOW, ROOT, EngineChat

SETS = ROOT / "tests" / "understanding"
EVERYDAY_WORDS_THAT_USED_TO_ALARM = ["p", "pp", "ya", "y", "tidak", "gaji", "paspor", "pulang"]
EVERYDAY_WORDS_THAT_USED_TO_ALARM += ["di", "pak", "gan", "P", "iya", "gak"]
CRIES_THAT_WERE_MISSED = [
    "paspor saya ditahan majikan",
    "hp saya disita majikan",
    "saya diperkosa",
    "dikunci di kamar ga boleh keluar",
    "my employer took my passport and I am not allowed to leave",
    "saya takut, mau bunuh diri",
]


@pytest.fixture
def villager(shipped_content, actions) -> EngineChat:
    return EngineChat(shipped_content, actions)


# ----- the measured sets -------------------------------------------------------------------


def test_typed_questions_reach_their_page_in_the_top_three(shipped_content):
    understanding = shipped_content.flows.understanding
    items = load_questions(SETS / "questions.yaml")
    assert len(items) >= 250
    every = score_questions(understanding, items)
    held_out = score_questions(understanding, [i for i in items if i.part != "tune"])
    print(
        f"\nquestions: top-1 {every.rate(every.top1):.1%}, top-3 {every.rate(every.top3):.1%}, "
        f"did-you-mean {every.rate(every.suggested):.1%}; held out: "
        f"top-3 {held_out.rate(held_out.top3):.1%} of {held_out.total}"
    )
    assert every.rate(every.top3) >= 0.90
    assert held_out.rate(held_out.top3) >= 0.85  # the parts kept out of tuning


def test_cries_for_help_raise_the_alarm_and_everyday_messages_do_not(shipped_content):
    understanding = shipped_content.flows.understanding
    for part in (None, "holdout", "unseen"):
        score = score_alarms(understanding, SETS / "alarms.yaml", part)
        print(
            f"\nalarm ({part or 'all'}): recall {score.recall:.1%} of {score.cries}, "
            f"false alarms {score.false_rate:.1%} of {score.everyday}"
        )
        assert score.recall >= 0.95, score.missed
        assert score.false_rate <= 0.01, score.raised
    every = score_alarms(understanding, SETS / "alarms.yaml")
    assert every.cries >= 100 and every.everyday >= 150


@pytest.mark.parametrize("text", EVERYDAY_WORDS_THAT_USED_TO_ALARM)
def test_everyday_words_never_alarm(shipped_content, text):
    assert shipped_content.flows.understanding.alarm(text) is None


@pytest.mark.parametrize("text", CRIES_THAT_WERE_MISSED)
def test_real_distress_alarms(shipped_content, text):
    assert shipped_content.flows.understanding.alarm(text) is not None


# ----- in the dialog -----------------------------------------------------------------------


async def start_report(villager: EngineChat) -> None:
    """From a greeting to the report's first question, by its buttons."""
    await villager.say("halo")
    for label in ["Laporkan penipuan", "Buat laporan", "Setuju"]:
        await villager.press(label)


async def test_p_as_a_first_message_gets_the_welcome_and_the_menu(villager):
    await villager.say("P")
    assert "Selamat datang" in villager.text and villager.node == "main"
    assert "tidak sendiri" not in villager.text


async def test_a_typed_question_is_answered_with_not_this(villager):
    await villager.say("halo")
    await villager.say("brp biaya jadi pmi")
    assert villager.node == "procedure_costs"
    assert "Bukan ini?" in villager.labels
    await villager.press("Bukan ini?")
    assert "Mungkin salah satu ini?" in villager.text
    assert "💬 Tanya petugas" in villager.labels


async def test_a_close_call_offers_up_to_three_guesses(villager):
    await villager.say("halo")
    await villager.say("what is human trafficking")
    assert "Maksud Anda" in villager.text
    guesses = villager.labels[: villager.labels.index("💬 Tanya petugas")]
    assert 1 <= len(guesses) <= 3
    await villager.press(guesses[0])
    assert villager.node != "main"


async def test_entities_lead_straight_into_the_checks(villager):
    await villager.say("halo")
    await villager.say("pt maju jaya abadi resmi ga")
    assert "PT Maju Jaya Abadi" in villager.text and "tidak ditemukan" in villager.text
    await villager.say("lowker taiwan")
    assert "Lowongan di Taiwan" in villager.text
    await villager.say("english please")
    assert "Pilih bahasa" in villager.text


async def test_the_alarm_gives_the_numbers_at_once_abroad_first_when_abroad(villager):
    await villager.say("halo")
    await villager.say("saya dikurung ga boleh keluar")
    at_home = villager.text
    assert "0800-1000" in at_home
    assert at_home.index("0800-1000") < at_home.index("+62 812 9007 0027")
    await villager.say("menu")
    await villager.say("majikan saya ambil paspor, saya takut")
    abroad = villager.text
    assert abroad.index("+62 812 9007 0027") < abroad.index("0800-1000")


@pytest.mark.parametrize(
    ("typed", "picked"),
    [("gak", "no"), ("iya", "yes"), ("gk tau", "unknown"), ("ga tahu", "unknown"), ("y", "yes")],
)
async def test_everyday_answers_pick_the_matching_button(villager, typed, picked):
    await villager.say("halo")
    await villager.press("Cek tawaran kerja")
    await villager.say("taiwan")
    await villager.press("Lewati")
    await villager.say(typed)
    assert villager.session.answers["offer_money"] == picked


async def test_ya_at_the_danger_question_picks_ya_sekarang(villager):
    await start_report(villager)
    await villager.say("Ditawari kerja admin di Kamboja")
    await villager.say("tidak tahu")
    await villager.press("Di tempat lain")
    await villager.say("ya")
    assert villager.session.answers["danger"] == "yes" and "MENDESAK" in villager.text


async def test_ya_at_the_delete_confirmation_deletes(villager):
    await villager.say("halo")
    await villager.say("hapus data")
    await villager.say("ya")
    assert "sudah dihapus" in villager.text and villager.session is None


async def test_lanjut_and_ok_turn_the_page(villager):
    await villager.say("halo")
    await villager.say("brp biaya jadi pmi")
    first = villager.session.screen
    await villager.say("ok")
    assert villager.session.screen == first + 1


async def test_a_report_draft_waits_three_days_then_is_forgotten(villager):
    await start_report(villager)
    await villager.say("Kerja di kapal, bayar 10 juta")
    await villager.say("menu")
    await villager.press("Keluar, simpan draf")
    assert "Lanjutkan laporan" in villager.text
    villager.now += timedelta(hours=71)
    await villager.say("halo")
    assert "📝 Lanjutkan laporan" in villager.labels
    await villager.press("Lanjutkan laporan")
    assert villager.node == "report_who"
    assert villager.session.answers["offer"] == "Kerja di kapal, bayar 10 juta"
    await villager.say("stop")
    await villager.press("Keluar, simpan draf")
    villager.now += timedelta(hours=73)
    await villager.say("halo")
    assert "📝 Lanjutkan laporan" not in villager.labels and not villager.session.drafts


async def test_unanswered_questions_are_logged_without_the_user(villager):
    await villager.say("halo")
    await villager.say("cara bikin sim motor di samsat, hub 081234567890")
    (logged,) = villager.turn.questions
    assert logged.offered == () and "[nomor]" in logged.text and "0812" not in logged.text
    await villager.press("💬 Tanya petugas")
    (chosen,) = villager.turn.questions
    assert chosen.key == logged.key and chosen.chosen == "ask_officer"
    assert villager.session.answers["question"].startswith("cara bikin sim")


def test_the_sets_keep_part_of_each_out_of_tuning():
    items = load_questions(SETS / "questions.yaml")
    kept_out = sum(item.part in ("holdout", "unseen") for item in items)
    assert kept_out >= 0.3 * len(items)
    alarms = Path(SETS / "alarms.yaml").read_text()
    assert alarms.count("part: holdout") + alarms.count("part: unseen") >= 100


async def test_an_offer_check_left_half_way_waits_beside_a_report_draft(villager):
    await start_report(villager)
    await villager.say("Kerja di kapal, bayar 10 juta")
    await villager.say("menu")
    await villager.press("Keluar, simpan draf")
    await villager.press("Cek tawaran kerja")
    await villager.say("menu")  # nothing answered yet: nothing to keep, no question
    assert villager.node == "main" and "belum selesai" not in villager.text
    await villager.press("Cek tawaran kerja")
    await villager.say("taiwan")
    await villager.say("menu")
    assert "Cek tawaran kerja belum selesai" in villager.text
    await villager.press("Keluar, simpan draf")
    assert {"📝 Lanjutkan laporan", "📝 Lanjutkan cek"} <= set(villager.labels)
    await villager.press("Lanjutkan cek")
    assert villager.node == "offer_recruiter" and villager.session.answers["offer_country"] == "TW"
    await villager.say("menu")
    await villager.press("Keluar, simpan draf")
    await villager.press("Lanjutkan laporan")
    assert villager.node == "report_who"


async def test_the_guesses_stay_usable_after_an_everyday_reply(villager):
    await villager.say("halo")
    await villager.say("what is human trafficking")
    guesses = villager.labels[: villager.labels.index("💬 Tanya petugas")]
    await villager.say("ya")
    assert villager.labels[: len(guesses)] == guesses, "the same guesses, still live"
    await villager.press(guesses[0])
    assert villager.node in ("tppo", "tppo_what")
    assert [q.chosen for q in villager.turn.questions] == [villager.node]


async def test_a_guess_whose_page_was_removed_is_no_longer_offered(villager):
    await villager.say("halo")
    await villager.say("what is human trafficking")
    for route in villager.session.question["routes"]:
        route[1] = "a_page_removed_by_a_reload"
    await villager.send(InboundKind.OPEN)
    assert villager.labels[0] == "💬 Tanya petugas", "only the officer, no dead guesses"


async def test_the_leave_question_of_a_form_understands_typed_answers(villager):
    await start_report(villager)
    await villager.say("Kerja di kapal, bayar 10 juta")
    await villager.say("menu")
    await villager.say("tidak")  # no, do not leave
    assert villager.node == "report_who"
    await villager.say("menu")
    await villager.say("menu")  # twice: leave
    assert villager.node == "main" and "📝 Lanjutkan laporan" in villager.labels
    await villager.press("Lanjutkan laporan")
    await villager.say("stop")
    await villager.say("ya")
    assert villager.session.node is None and "report" in villager.session.drafts


async def test_the_value_of_a_button_decides_before_its_words(villager):
    await start_report(villager)
    for answer in ["Kerja di kapal", "tidak tahu", "Di tempat lain", "tidak", "ya"]:
        await villager.say(answer)
    assert villager.node == "report_photo"
    await villager.send(InboundKind.MEDIA, media=(Media("image", "image/png", 10, "a.png"),))
    assert villager.node == "report_photo_more"
    await villager.say("sudah")  # "Sudah, lanjut" has the value "no": more photos? no
    assert villager.node == "report_contact"


def test_two_people_asking_the_same_in_the_same_second_get_two_keys():
    assert question_key("syarat", NOW, "wamid.A") != question_key("syarat", NOW, "wamid.B")


async def test_drafts_of_a_session_idle_for_three_days_are_pruned(tmp_path):
    from bot.engine.session import Session
    from bot.store import Store

    store = Store(tmp_path / "bot.db")
    await store.open()
    try:
        draft = {"node": "report_who", "stack": [], "answers": {"name": "Siti"}, "saved": ""}
        session = Session("id", "main", drafts={"report": draft})
        await store.commit_turn("web", "u1", session, "", [], NOW - timedelta(hours=73))
        await store.commit_turn("web", "u2", session, "", [], NOW - timedelta(hours=1))
        await store.prune(NOW, session_days=90, draft_hours=72)
        assert (await store.load_session("web", "u1")).drafts == {}
        assert (await store.load_session("web", "u2")).drafts == {"report": draft}
    finally:
        await store.close()
