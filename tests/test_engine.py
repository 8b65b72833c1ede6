"""Engine behaviour as a user meets it: menus, pages, questions, keywords, time-outs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.engine.step import step
from bot.messages import Inbound, InboundKind, Location, Media
from tests.conftest import NOW


async def test_first_message_greets_and_shows_main_menu(chat):
    await chat.say("hello there")
    assert "Selamat datang" in chat.text
    assert "Menu utama tes" in chat.text
    assert chat.labels == ["Info", "Halaman panjang", "Isi formulir", "Darurat"]
    assert len(chat.replies) == 1, "one message per turn"


async def test_option_by_number_label_and_misspelling(chat):
    await chat.say("hi")
    await chat.say("1")
    assert chat.node == "info"
    await chat.say("menu")
    await chat.say("halaman panjang")
    assert chat.node == "long"
    await chat.say("0")
    await chat.say("Halamn panjng")  # typos
    assert chat.node == "long"
    await chat.say("menu")
    await chat.say("darurat!!")
    assert chat.node == "emergency"


async def test_unknown_input_gets_kind_explanation_and_choices_again(chat):
    await chat.say("hi")
    for text in ["9", "", "🙂🙂", "\x00\x07", "???"]:  # no words: the choices again
        await chat.say(text)
        assert "belum mengerti" in chat.text, text
        assert chat.labels == ["Info", "Halaman panjang", "Isi formulir", "Darurat"]
        assert chat.node == "main"
    for text in ["xyzzy", "<script>alert(1)</script>", "a" * 10_000]:  # words: a human too
        await chat.say(text)
        assert "belum menemukan jawaban" in chat.text, text
        assert chat.labels == [
            "Info",
            "Halaman panjang",
            "Isi formulir",
            "Darurat",
            "💬 Tanya petugas",
        ]
        assert chat.node == "main"


async def test_page_shows_sources_and_review_date(chat):
    await chat.say("hi")
    await chat.press("Info")
    assert "Info singkat." in chat.text
    assert "Sumber: Sumber Uji. Diperiksa: 01-11-2026." in chat.text
    assert chat.labels == ["Isi formulir", "◀ Kembali"]


async def test_long_page_screens_with_next_and_back(chat):
    await chat.say("hi")
    await chat.press("Halaman panjang")
    assert chat.text == "Layar satu."
    assert chat.labels == ["Lanjut ▶", "◀ Kembali"]
    await chat.press("Lanjut")
    assert chat.text == "Layar dua."
    await chat.say("lanjut")
    assert chat.text == "Layar tiga."
    assert "Lanjut ▶" not in chat.labels
    await chat.press("Kembali")
    assert chat.node == "main"


async def test_back_stack_walks_back_through_history(chat):
    await chat.say("hi")
    await chat.press("Info")
    await chat.press("Isi formulir")
    assert chat.node == "form_name"
    await chat.say("kembali")
    assert chat.node == "info"
    await chat.say("BACK")
    assert chat.node == "main"
    await chat.say("back")  # nothing left: stays at the main menu
    assert chat.node == "main"


async def test_form_validates_every_input_type(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    await chat.say("x" * 21)
    assert "terlalu panjang" in chat.text and chat.node == "form_name"
    await chat.say("Siti")
    assert chat.node == "form_age"
    await chat.say("dua puluh")
    assert "angka" in chat.text
    await chat.say("12")  # under the minimum
    assert chat.node == "form_age"
    await chat.say("25")
    assert chat.node == "form_phone"
    await chat.say("12345")
    assert "Nomor telepon belum benar" in chat.text
    await chat.say("0812-3456-7890")
    assert chat.node == "form_agree"
    assert chat.labels[:2] == ["Ya", "Tidak"]
    await chat.say("mungkin")
    assert "ya" in chat.text and "tidak" in chat.text
    await chat.say("iya")
    assert chat.node == "form_kind"
    await chat.say("perawat")
    assert chat.node == "form_photo"
    assert chat.replies[-1].expects == "photo"
    await chat.say("ini fotonya")
    assert "kirim foto" in chat.text.lower()
    await chat.send(InboundKind.MEDIA, media=(Media("image", "image/jpeg", 10, "p.jpg"),))
    assert chat.node == "form_place"
    await chat.send(InboundKind.LOCATION, location=Location(-6.1, 106.2))
    assert chat.node == "form_done"
    assert "Terima kasih" in chat.text
    assert chat.session.answers == {
        "name": "Siti",
        "age": 25,
        "phone": "+6281234567890",
        "agree": True,
        "kind": "care",
        "photo": "p.jpg",
        "place": {"lat": -6.1, "lon": 106.2},
    }
    await chat.press("Menu utama")
    assert chat.node == "main"
    assert chat.session.answers == {}, "answers are forgotten back at the main menu"


async def test_optional_question_can_be_skipped(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    for answer in ["Siti", "30", "+62 812 3456 7890", "ya", "1"]:
        await chat.say(answer)
    assert chat.node == "form_photo"
    await chat.press("Lewati")
    assert chat.node == "form_place"
    await chat.say("lewati")
    assert chat.node == "form_done"
    assert chat.session.answers["photo"] is None


async def test_number_typed_in_number_question_is_an_answer_not_a_button(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    await chat.say("Siti")
    await chat.say("1")  # "1" must not press the first button ("Kembali")
    assert chat.node == "form_age"
    assert "angka" in chat.text


async def test_keywords_work_anywhere_in_both_languages(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    await chat.say("SOS")
    assert chat.node == "emergency"
    assert "0800-1000" in chat.text
    await chat.say("Bantuan")
    assert chat.node == "help"
    await chat.say("Menú")  # accent-insensitive
    assert chat.node == "main"
    await chat.say("help")
    assert chat.node == "help"
    await chat.say("/menu")  # Telegram-style command
    assert chat.node == "main"


async def test_emergency_action_shows_contacts_with_source(chat):
    await chat.say("darurat")
    assert chat.node == "emergency"
    assert "Layanan Uji" in chat.text and "0800-1000" in chat.text
    assert "Sumber: Sumber Uji" in chat.text
    assert chat.labels == ["Info", "◀ Kembali"]
    await chat.say("zzz")  # no answer: the same choices, and a human
    assert "belum menemukan jawaban" in chat.text
    assert chat.labels == ["Info", "◀ Kembali", "💬 Tanya petugas"]


async def test_language_switch(chat):
    await chat.say("hi")
    await chat.press("Info")
    await chat.say("bahasa")
    assert chat.labels == ["Bahasa Indonesia", "English"]
    await chat.press("English")
    assert "Language changed to English" in chat.text
    assert "Short info." in chat.text, "the current page is shown again in English"
    await chat.say("language")
    await chat.say("indonesia")
    assert "Info singkat." in chat.text


async def test_delete_my_data_asks_then_erases(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    await chat.say("Siti")
    await chat.say("hapus data")
    assert "Hapus semua data" in chat.text
    await chat.say("tidak")
    assert "tidak dihapus" in chat.text
    assert chat.session.answers == {"name": "Siti"}
    await chat.say("delete my data")
    await chat.press("Ya, hapus")
    assert "sudah dihapus" in chat.text
    assert chat.turn.erase and chat.session is None
    await chat.say("halo")
    assert "Selamat datang" in chat.text


async def test_stop_then_any_message_starts_again(chat):
    await chat.say("hi")
    await chat.press("Info")
    await chat.say("stop")
    assert "dihentikan" in chat.text
    assert chat.node is None
    await chat.say("apa saja")
    assert "Selamat datang" in chat.text and chat.node == "main"


async def test_idle_session_restarts_with_welcome_back(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    await chat.say("Siti")
    chat.now += timedelta(minutes=31)
    await chat.say("25")
    assert "Selamat datang kembali" in chat.text
    assert chat.node == "main" and chat.session.answers == {}


async def test_idle_session_still_honours_emergency_keyword(chat):
    await chat.say("hi")
    chat.now += timedelta(hours=5)
    await chat.say("darurat")
    assert chat.node == "emergency"


async def test_stale_button_gets_current_menu(chat):
    await chat.say("hi")
    old = chat.option("Info")
    await chat.press("Halaman panjang")
    await chat.send(InboundKind.CHOICE, choice=old.id)
    assert "menu lama" in chat.text
    assert chat.node == "long", "a stale press never takes a wrong branch"
    assert "Layar satu." in chat.text
    await chat.send(InboundKind.CHOICE, choice="garbage")
    assert "menu lama" in chat.text


async def test_unsupported_message_gets_polite_reply_and_choices(chat):
    await chat.say("hi")
    await chat.send(InboundKind.UNSUPPORTED)
    assert "stiker" in chat.text
    assert "Info" in chat.labels


async def test_open_shows_where_the_user_is_without_moving(chat):
    await chat.send(InboundKind.OPEN)
    assert "Selamat datang" in chat.text
    await chat.press("Halaman panjang")
    await chat.press("Lanjut")
    await chat.send(InboundKind.OPEN)
    assert chat.text == "Layar dua." and chat.node == "long"


async def test_vanished_node_after_reload_goes_back_to_menu(fixture_content):
    from bot.engine.session import Session

    session = Session(lang="id", node="no_longer_here", updated_at=NOW)
    turn = step(
        fixture_content.flows, session, Inbound("t", "u", InboundKind.TEXT, NOW, text="1"), NOW
    )
    assert turn.session.node == "main"
    assert "diperbarui" in turn.replies[0].text


def test_step_is_pure(fixture_content):
    from bot.engine.session import Session

    session = Session(lang="id", node="main", updated_at=NOW)
    before = (session.node, list(session.stack), dict(session.answers))
    inbound = Inbound("t", "u", InboundKind.TEXT, NOW, text="1")
    first = step(fixture_content.flows, session, inbound, NOW)
    second = step(fixture_content.flows, session, inbound, NOW)
    assert (session.node, session.stack, session.answers) == before
    assert first.replies == second.replies and first.session == second.session


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(021) 2924 4800", "+62212924 4800".replace(" ", "")),
        ("12345", None),
        ("0812", None),
        ("abc", None),
    ],
)
def test_indonesian_phone_formats(raw, expected):
    from bot.engine.inputs import normalize_phone

    assert normalize_phone(raw) == expected


async def test_a_choice_can_branch_to_its_own_node(chat):
    await chat.say("hi")
    await chat.press("Isi formulir")
    for answer in ["Siti", "30", "08123456789", "ya"]:
        await chat.say(answer)
    await chat.press("Lainnya")
    assert chat.node == "info"
    assert chat.session.answers["kind"] == "other"


@pytest.mark.parametrize(
    "text",
    [
        "Tolong, paspor saya ditahan majikan",
        "saya DITIPU calo",
        "help me please",
        "sy disekapp di mess",
        "i got scammed",
        "my employer took my passport and I am not allowed to leave",
    ],
)
async def test_alarming_free_text_gives_the_numbers_at_once(chat, text):
    await chat.say("hi")
    await chat.press("Info")
    await chat.say(text)
    assert chat.node in ("alert", "alert_abroad")
    assert "0800-1000" in chat.text and "Sumber: Sumber Uji" in chat.text
    assert "◀ Kembali" in chat.labels


async def test_a_cry_that_says_the_writer_is_abroad_gets_the_abroad_numbers(chat):
    await chat.say("hi")
    await chat.say("majikan saya tidak membayar gaji 5 bulan")
    assert chat.node == "alert_abroad" and "Dari luar negeri" in chat.text
    await chat.say("menu")
    await chat.say("saya disekap di penampungan")
    assert chat.node == "alert" and "Anda tidak sendiri" in chat.text


async def test_alarming_first_message_skips_the_menu(chat):
    await chat.say("tolong saya disekap")
    assert chat.node == "alert" and "0800-1000" in chat.text
    assert "Selamat datang" not in chat.text


async def test_alert_back_returns_to_where_the_user_was(chat):
    await chat.say("hi")
    await chat.press("Info")
    await chat.say("ditipu")
    await chat.press("Kembali")
    assert chat.node == "info" and "Info singkat." in chat.text
    assert "dihapus" not in chat.text


async def test_ordinary_unknown_text_is_not_an_alert(chat):
    await chat.say("hi")
    for text in ["jadwal bus ke Jakarta", "paspor", "gaji", "pulang"]:
        await chat.say(text)
        assert chat.node == "main" and "belum menemukan jawaban" in chat.text, text


async def test_a_question_already_answered_can_be_skipped(fixture_content, actions):

    from bot.content import Content
    from bot.engine.flows import Flows
    from tests.conftest import EngineChat

    nodes = dict(fixture_content.flows.nodes)
    nodes["form_name"] = nodes["form_name"].model_copy(update={"skip_if_answered": True})
    flows = Flows(
        system=fixture_content.flows.system, nodes=nodes, version=fixture_content.flows.version
    )
    chat = EngineChat(Content(flows=flows, data=fixture_content.data), actions)
    await chat.say("hi")
    chat.session.answers["name"] = "Siti"  # answered, but not carried over: asked
    await chat.press("Isi formulir")
    assert chat.node == "form_name", "an earlier answer of the same form is asked again"
    await chat.say("menu")
    chat.session.answers.update(name="Siti", carried=["name"])  # carried over from a check
    await chat.press("Isi formulir")
    assert chat.node == "form_age" and "umur" in chat.text
    await chat.say("kembali")
    assert chat.node == "main", "back skips the question that was skipped"
