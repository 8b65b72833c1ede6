"""A forwarded job advert is checked on the spot: recognised, read, scored, one short answer
with one tap to report it (the advert attached) or to check further; measured on the
labelled set (tests/understanding/adverts.yaml) with floors."""

from __future__ import annotations

import pytest

from bot.actions.advert_eval import load_adverts, score_adverts
from bot.messages import InboundKind
from tests.conftest import ROOT, EngineChat

SET = ROOT / "tests" / "understanding" / "adverts.yaml"
CAMBODIA = """🔥🔥 DIBUTUHKAN SEGERA!! 🔥🔥
Admin online di Kamboja 🇰🇭 gaji 15-20 juta/bulan
✅ tiket & visa ditanggung
✅ tanpa pengalaman, yg penting bisa main HP
Berangkat minggu depan!! Kuota terbatas
Minat hub WA 0812-0000-1111 (Bu Rina)"""
OFFICIAL = """PENGUMUMAN Disnakertrans Kabupaten Serang
Lowongan resmi ke Taiwan: operator pabrik elektronik, job order SAMPEL-JO-002,
P3MI PT Contoh Bina Karya (SAMPEL). Syarat: usia minimal 18 tahun, sehat.
Pendaftaran di Disnakertrans Kabupaten Serang, tidak dipungut biaya."""


@pytest.fixture
def chat(shipped_content, actions) -> EngineChat:
    return EngineChat(shipped_content, actions)


@pytest.fixture(scope="module")
def scores(shipped_content):
    return score_adverts(shipped_content, load_adverts(SET))


def test_the_set_is_big_enough_and_keeps_a_holdout():
    items = load_adverts(SET)
    adverts = [item for item in items if item.kind != "not_advert"]
    assert len(adverts) >= 60
    assert {item.kind for item in items if item.part == "holdout"} == {
        "scam",
        "official",
        "not_advert",
    }


@pytest.mark.parametrize("part", ["all", "holdout"])
def test_scam_adverts_are_flagged_and_official_notices_never_called_danger(scores, part):
    score = scores[part]
    assert score.scam_flagged >= 0.90, score.misses
    assert score.official_danger == 0, score.misses


@pytest.mark.parametrize("part", ["all", "holdout"])
def test_questions_and_stories_are_not_taken_for_adverts(scores, part):
    assert scores[part].left_alone >= 0.90, scores[part].misses


async def test_a_forwarded_advert_at_the_menu_gets_one_short_answer(chat):
    await chat.say("halo")
    replies = await chat.say(CAMBODIA)
    (reply,) = replies
    text = reply.text
    assert text.startswith("*🔴 Bahaya"), text
    assert "admin/CS online" in text and "Kamboja" in text
    assert "dan 3 tanda bahaya lain" in text, "the worst three on the screen, the rest counted"
    assert "Tidak tertulis: nama perusahaan, nomor job order." in text
    assert len(text) <= 600, "one phone screen"
    assert chat.labels[:5] == [
        "🚩 Laporkan iklan ini",
        "🏢 Cek perusahaan",
        "📝 Cek tawaran lengkap",
        "Bukan iklan",
        "📚 Rincian & sumber",
    ]
    (details,) = await chat.press("Rincian & sumber")
    assert "Berangkat cepat" in details.text, "the signs that did not fit, one tap away"
    assert "Kemlu via Tempo (Jul 2024)" in details.text and "Diperiksa" in details.text


async def test_an_official_notice_is_never_called_safe_nor_danger(chat):
    (reply,) = await chat.say(OFFICIAL)
    assert "Bahaya" not in reply.text and "aman" not in reply.text.lower()
    assert "SAMPEL-JO-002 ada di daftar lowongan terverifikasi" in reply.text


async def test_reporting_an_advert_carries_its_text_and_flags(chat):
    await chat.say(CAMBODIA)
    await chat.press("Laporkan iklan ini")
    replies = await chat.press("Setuju, lanjut")
    assert "Apa yang ditawarkan" not in chat.text, "the advert is the offer"
    assert chat.node == "report_who", chat.text
    answers = chat.session.answers
    assert answers["offer"].startswith("🔥🔥 DIBUTUHKAN")
    assert "cek iklan: danger" in answers["check_summary"]
    assert "scam_job" in answers["check_summary"]
    assert replies


async def test_the_full_offer_check_asks_only_what_the_advert_did_not_say(chat):
    await chat.say(CAMBODIA)
    await chat.press("Cek tawaran lengkap")
    assert "Yang sudah terbaca dari iklan" in chat.text
    asked = []
    for _ in range(12):
        if chat.node == "offer_result" or not chat.labels:
            break
        asked.append(chat.node)
        await chat.press(chat.labels[0])
    assert "offer_job" not in asked and "offer_salary" not in asked
    assert "offer_passport" in asked, "not in the advert: asked"


async def test_a_cry_for_help_is_not_taken_for_an_advert(chat):
    await chat.say("halo")
    await chat.say("tolong paspor saya ditahan majikan di malaysia, gaji ga dibayar 5 bulan")
    assert chat.node in ("alert", "alert_abroad")


async def test_a_mother_asking_about_an_offer_gets_her_question_answered_not_a_verdict(chat):
    await chat.say("halo")
    await chat.say("anak saya ditawari kerja admin di kamboja gaji 15jt, aman gak ya?")
    assert chat.node != "advert_check"


async def test_a_forwarded_message_needs_fewer_signs(chat, shipped_content):
    short = "Ada lowongan bagus nih, yang minat langsung japri aja ya teman-teman semuanya"
    understanding = shipped_content.flows.understanding
    assert understanding.advert(short) is None
    assert understanding.advert(short, forwarded=True) is not None
    await chat.send(InboundKind.TEXT, text=short, forwarded=True)
    assert chat.node == "advert_check"


def test_the_eval_command_prints_the_figures(capsys):
    from bot.cli import main

    assert main(["eval-adverts"]) == 0
    out = capsys.readouterr().out
    assert "scam flagged" in out and "| flag | precision | recall |" in out


def test_no_cry_for_help_and_no_typed_question_is_taken_for_an_advert(shipped_content):
    """The advert check comes before the alarm and the question routing: it must leave every
    cry for help of the alarm set and every question of the question set to them."""
    import yaml

    understanding = shipped_content.flows.understanding
    sets = ROOT / "tests" / "understanding"
    alarms = yaml.safe_load((sets / "alarms.yaml").read_text(encoding="utf-8"))
    questions = yaml.safe_load((sets / "questions.yaml").read_text(encoding="utf-8"))
    texts = [item["text"] for item in alarms["cries"] + alarms["everyday"]]
    texts += [item["text"] for item in questions]
    assert [text for text in texts if understanding.advert(text)] == []
