"""Reports and the officer queue, end to end through the real Telegram client and a fake server.

Reporters and officers both use Telegram here; the officers' group is chat -100.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.officers.desk import Officer
from tests.fakes.bot_api import (
    FakeBotApi,
    callback_update,
    message_update,
    reply_to_bot,
    text_update,
)
from tests.fakes.files import png
from tests.people import fake_telegram
from tests.waiting import settled

GROUP = {"id": -100, "type": "supergroup", "title": "Petugas Migran Aman"}
OFFICER = 42
REF = "SRG-2026-00001"
PNG = png(100)
ANONYMOUS_ANSWERS = [
    "/start",
    "Laporkan penipuan",
    "Buat laporan",
    "Setuju, lanjut",
    "Kerja pabrik di Malaysia, bayar 5 juta dulu",
    "Pak Udin, grup Facebook",
    "Di Kab. Serang",
    "Pontang",
    "Singarajan",
    "Tidak",
    "Tidak ada",
    "Tanpa nama",
    "Kirim laporan",
]


@pytest.fixture
async def env(tmp_path: Path, bot_api, officer_runtime):
    runtime = officer_runtime
    channel = fake_telegram(runtime, bot_api, tmp_path / "media")
    await channel.start()
    bot_api.channel = channel  # for settled(): the bot's side of this fake
    yield bot_api, runtime, runtime.store, tmp_path
    await channel.stop()


async def say(fake: FakeBotApi, chat: int, *texts: str) -> dict:
    """Send texts one by one, each waiting for its answer; returns the last message sent."""
    for text in texts:
        count = len(fake.sent(chat))
        fake.push(text_update(chat, text))
        await fake.wait_for(lambda count=count: len(fake.sent(chat)) > count)
    return fake.sent(chat)[-1]


async def officer_press(fake: FakeBotApi, data: str, user: int = OFFICER, messages: int = 1):
    count = len(fake.sent(-100))
    fake.push(callback_update(user, data, chat=GROUP))
    await fake.wait_for(lambda: len(fake.sent(-100)) >= count + messages)
    return fake.sent(-100)[-1]


async def officer_types(fake: FakeBotApi, text: str, messages: int = 1) -> dict:
    """The officer types in the group; a text that is no command replies to the bot's last
    message there (the prompt), as officers are asked to."""
    count = len(fake.sent(-100))
    fields = (
        {}
        if text.startswith("/")
        else {"reply_to_message": reply_to_bot(GROUP, fake.sent(-100)[-1]["text"])}
    )
    fake.push(message_update(OFFICER, chat=GROUP, text=text, **fields))
    await fake.wait_for(lambda: len(fake.sent(-100)) >= count + messages)
    return fake.sent(-100)[-1]


def buttons(params: dict) -> list[str]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def officer_side_text(fake: FakeBotApi) -> str:
    return "\n".join(str(call.params) for call in fake.calls if call.params.get("chat_id") == -100)


async def test_anonymous_report_full_cycle_without_exposing_the_reporter(env):
    fake = env[0]
    last = await say(fake, 500, *ANONYMOUS_ANSWERS)
    assert REF in last["text"] and "tersimpan" in last["text"]
    await fake.wait_for(lambda: fake.sent(-100))
    card = fake.sent(-100)[0]
    assert REF in card["text"] and "Kec. Pontang" in card["text"]
    assert "anonim" in card["text"]
    assert buttons(card) == [f"o:claim:{REF}", f"o:ask:{REF}", f"o:note:{REF}", f"o:close:{REF}"]

    claimed = await officer_press(fake, f"o:claim:{REF}", messages=2)
    assert "mengambil" in fake.sent(-100)[-2]["text"] and "ditangani" in claimed["text"]
    assert "sedang ditangani" in (await say(fake, 500, REF))["text"]

    prompt = await officer_press(fake, f"o:ask:{REF}")
    assert prompt["reply_markup"].get("force_reply") is True
    count = len(fake.sent(500))
    await officer_types(fake, "Kapan dan di mana Anda bertemu perekrut itu?")
    await fake.wait_for(lambda: len(fake.sent(500)) > count)
    question = fake.sent(500)[-1]
    assert "Pesan dari petugas" in question["text"] and "bertemu perekrut" in question["text"]

    count = len(fake.sent(-100))
    reply = await say(fake, 500, "Kemarin sore di balai desa")
    assert "Terkirim ke petugas" in reply["text"], "the bot does not interrupt the relay"
    await fake.wait_for(lambda: len(fake.sent(-100)) > count)
    assert "Kemarin sore di balai desa" in fake.sent(-100)[-1]["text"]

    outcomes = await officer_press(fake, f"o:close:{REF}")
    assert f"o:out:{REF}:police" in buttons(outcomes)
    await officer_press(fake, f"o:out:{REF}:police", messages=2)
    status = await say(fake, 500, REF)
    assert "selesai ditangani" in status["text"] and "bertemu perekrut" in status["text"]

    everything = officer_side_text(fake)
    assert "500" not in everything and "User500" not in everything, "no identity leaks"
    connection = sqlite3.connect(env[3] / "bot.db")
    try:
        audit = connection.execute("SELECT officer_id, action FROM audit_log ORDER BY id")
        assert [action for _, action in audit.fetchall()] == ["claim", "to_reporter", "close"]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM audit_log")
    finally:
        connection.close()


async def test_named_report_with_photo_shows_contact_and_attachment(env):
    fake, _, _, _ = env
    fake.files["ph"] = PNG
    await say(
        fake,
        600,
        "/start",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Tawaran kerja kapal",
        "PT Entah",
        "Di luar negeri",
        "Taiwan",
        "Tidak",
        "Ya, kirim foto",
    )
    count = len(fake.sent(600))
    fake.push(
        message_update(
            600,
            photo=[
                {
                    "file_id": "ph",
                    "file_unique_id": "u",
                    "width": 9,
                    "height": 9,
                    "file_size": len(PNG),
                }
            ],
        )
    )
    await fake.wait_for(lambda: len(fake.sent(600)) > count)
    await say(
        fake, 600, "Sudah, lanjut", "Boleh dihubungi", "Rina", "0812 3333 4444", "Kirim laporan"
    )
    await fake.wait_for(lambda: fake.called("sendPhoto"))
    card = fake.sent(-100)[0]
    assert "Rina, +6281233334444 (via telegram)" in card["text"]
    assert "luar negeri: Taiwan" in card["text"] and "Foto: 1" in card["text"]
    (photo,) = fake.called("sendPhoto")
    assert photo["chat_id"] == -100 and REF in photo["caption"]


async def test_non_officer_is_refused_and_the_refusal_is_logged(env):
    fake, _, _, tmp_path = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    fake.push(callback_update(77, f"o:claim:{REF}", chat=GROUP))
    await fake.wait_for(lambda: any(c.get("text") for c in fake.called("answerCallbackQuery")))
    refusal = next(c for c in fake.called("answerCallbackQuery") if c.get("text"))
    assert "hanya untuk petugas" in refusal["text"] and refusal["show_alert"] is True
    assert "sedang ditangani" not in (await say(fake, 500, REF))["text"]
    reply = await say(fake, 77, "/queue")
    assert "hanya untuk petugas" in reply["text"]
    audit = (
        sqlite3.connect(tmp_path / "bot.db")
        .execute("SELECT officer_id, action FROM audit_log")
        .fetchall()
    )
    assert (77, "refused") in audit and len(audit) == 2


async def test_officer_commands_queue_report_stats_export(env):
    fake, _, _, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    await fake.wait_for(lambda: fake.sent(-100))
    queue = await officer_types(fake, "/queue")
    assert REF in queue["text"] and f"o:claim:{REF}" in buttons(queue)
    detail = await officer_types(fake, f"/report {REF}")
    assert "Tawaran: Kerja pabrik di Malaysia" in detail["text"]
    fake.push(message_update(OFFICER, chat=GROUP, text="/stats"))  # a picture: test_stats_photo
    await fake.wait_for(lambda: fake.called("sendPhoto"))
    assert "Laporan: 1" in fake.called("sendPhoto")[0]["caption"]
    fake.push(message_update(OFFICER, chat=GROUP, text="/export"))
    await fake.wait_for(lambda: fake.called("sendDocument"))
    (document,) = fake.called("sendDocument")
    assert document["chat_id"] == -100 and "Ekspor 1 laporan" in document["caption"]


async def test_export_keeps_personal_data_of_named_reports_only(env):
    fake, runtime, _, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    await say(
        fake,
        600,
        "menu",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Kerja",
        "Agen",
        "Di tempat lain",
        "Tidak",
        "Tidak ada",
        "Boleh dihubungi",
        "Rina",
        "Lewati",
        "Kirim laporan",
    )
    officer = Officer("telegram", OFFICER, "Petugas", -100)
    (reply,) = (await runtime.desk.read_message(officer, "/export")).replies  # not sent: stays
    rows = Path(reply.media).read_text().splitlines()
    assert len(rows) == 3
    assert ",Rina," in rows[2] and "telegram" in rows[2]
    assert "telegram" not in rows[1], "an anonymous report exports no channel or name"


async def test_reporter_deleting_their_data_keeps_the_report_facts(env):
    fake, _, store, _ = env
    await say(
        fake,
        600,
        "/start",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Kerja kapal",
        "PT Entah",
        "Di tempat lain",
        "Tidak",
        "Tidak ada",
        "Boleh dihubungi",
        "Rina",
        "0812 3333 4444",
        "Kirim laporan",
    )
    await say(fake, 600, "hapus data", "Ya, hapus")
    report = await store.report(REF)
    assert report.name == "" and report.phone == "" and report.user == ""
    assert report.offer == "Kerja kapal" and report.status == "received"
    detail = await officer_types(fake, f"/report {REF}")
    assert "data pribadi sudah dihapus" in detail["text"]


async def test_urgent_report_is_marked_and_announced_again_if_unclaimed(env):
    fake, runtime, _, _ = env
    await say(
        fake,
        500,
        "/start",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Paspor ditahan",
        "Majikan",
        "Di luar negeri",
        "Malaysia",
        "Ya, sekarang",
    )
    last = await say(fake, 500, "Tidak ada", "Tanpa nama", "Kirim laporan")
    assert "MENDESAK" in last["text"]
    await fake.wait_for(lambda: fake.sent(-100))
    assert fake.sent(-100)[0]["text"].startswith("🚨")
    assert await runtime.desk.remind_unclaimed_urgent(datetime.now(UTC)) == 0, "not yet"
    assert (
        await runtime.desk.remind_unclaimed_urgent(datetime.now(UTC) + timedelta(minutes=31)) == 1
    )
    await fake.wait_for(lambda: len(fake.sent(-100)) == 2)
    assert "Belum ada yang mengambil" in fake.sent(-100)[1]["text"]
    await officer_press(fake, f"o:claim:{REF}", messages=2)
    assert await runtime.desk.remind_unclaimed_urgent(datetime.now(UTC) + timedelta(hours=2)) == 0


async def test_officer_card_survives_a_telegram_outage_and_arrives_once(env):
    fake, _, _, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS[:-1])
    fake.fail_next("sendMessage", 500)  # the reporter's confirmation
    fake.fail_next("sendMessage", 500)
    fake.push(text_update(500, "Kirim laporan"))
    await fake.wait_for(
        lambda: fake.sent(-100) and any(REF in params["text"] for params in fake.sent(500))
    )
    await settled(lambda: not fake.updates, fake.channel.idle)
    cards = [params for params in fake.sent(-100) if REF in params["text"]]
    assert len(cards) == 1


async def test_a_menu_keyword_ends_the_conversation_with_the_officer(env):
    fake, _, _, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    await officer_press(fake, f"o:ask:{REF}")
    await officer_types(fake, "Masih di sana?")
    await fake.wait_for(lambda: "Masih di sana" in fake.sent(500)[-1]["text"])
    menu = await say(fake, 500, "menu")
    assert "Apa yang ingin Anda lakukan" in menu["text"]
    count = len(fake.sent(-100))
    await say(fake, 500, "halo lagi")
    await settled(lambda: not fake.updates, fake.channel.idle)
    assert len(fake.sent(-100)) == count, "after 'menu' the bot talks again, not the relay"


async def test_store_refuses_unknown_report_columns(env):
    from bot.effects import ChangeReport
    from bot.records import StoreError

    fake, _, store, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    for column in ("user_ref", "anonymous"):
        with pytest.raises(StoreError):  # a change to a column officers may not touch
            await store.commit_effects("telegram", "", datetime.now(UTC), [
                ChangeReport(REF, OFFICER, "claim", {column: None})
            ])  # fmt: skip
    report = await store.report(REF)
    assert report.anonymous and report.user == "500"


async def test_two_officers_claiming_at_once_leave_one_owner(env):
    fake, runtime, store, _ = env
    await say(fake, 500, *ANONYMOUS_ANSWERS)
    first = Officer("telegram", OFFICER, "Ani", -100)
    second = Officer("telegram", OFFICER + 1, "Budi", -100)
    answers = await asyncio.gather(
        runtime.officer_pressed(first, f"o:claim:{REF}", "press-1"),
        runtime.officer_pressed(second, f"o:claim:{REF}", "press-2"),
    )
    report = await store.report(REF)
    winners = [answer for answer in answers if "mengambil" in answer.replies[0].text]
    assert len(winners) == 1 and report.claimed_by_name in ("Ani", "Budi")


async def test_a_question_the_bot_cannot_answer_reaches_an_officer_and_the_answer_comes_back(env):
    fake, _, store, tmp_path = env
    await say(fake, 501, "/start")
    offered = await say(fake, 501, "cara bikin sim motor di samsat serang")
    assert "belum menemukan jawaban" in offered["text"]
    await say(fake, 501, "Tanya petugas")
    filed = await say(fake, 501, "Kirim ke petugas")
    assert "Pertanyaan Anda sudah diteruskan" in filed["text"] and REF in filed["text"]
    await fake.wait_for(lambda: fake.sent(-100))
    card = fake.sent(-100)[0]
    assert "❓ Pertanyaan" in card["text"] and "cara bikin sim motor" in card["text"]
    assert "anonim" in card["text"] and "501" not in officer_side_text(fake)

    await officer_press(fake, f"o:ask:{REF}")
    count = len(fake.sent(501))
    await officer_types(fake, "Untuk SIM, datang ke Satpas Polres dengan KTP.")
    await fake.wait_for(lambda: len(fake.sent(501)) > count)
    answer = fake.sent(501)[-1]["text"]
    assert "Jawaban petugas untuk pertanyaan Anda" in answer and "Satpas" in answer

    fake.push(message_update(OFFICER, chat=GROUP, text="/stats"))
    await fake.wait_for(lambda: fake.called("sendPhoto"))
    caption = fake.called("sendPhoto")[0]["caption"]
    # asked once: not among the unanswered questions (5 at least, named by content words)
    assert "belum terjawab" not in caption and "sim motor" not in caption
    assert "Laporan: 0" in caption, "a question is not counted as a report"
    assert "Pertanyaan ke petugas: 1" in caption
    connection = sqlite3.connect(tmp_path / "bot.db")
    try:
        rows = connection.execute("SELECT * FROM unanswered_questions").fetchall()
    finally:
        connection.close()
    assert len(rows) == 1 and "ask_officer" in rows[0]
    assert not any("501" in str(value) for value in rows[0]), "no user id in the log"
    assert await store.prune_questions(datetime.now(UTC) + timedelta(days=1)) == 1


async def test_only_a_reply_to_the_prompt_reaches_the_reporter(env):
    fake = env[0]
    await say(fake, 502, *ANONYMOUS_ANSWERS)
    await fake.wait_for(lambda: fake.sent(-100))
    card = fake.sent(-100)[0]["text"]
    await officer_press(fake, f"o:ask:{REF}")
    before = len(fake.sent(502))
    remark = "ini kayaknya pelapor sendiri calo-nya, cek KTP"  # to colleagues, on the card
    fake.push(
        message_update(OFFICER, chat=GROUP, text=remark, reply_to_message=reply_to_bot(GROUP, card))
    )
    fake.push(message_update(OFFICER, chat=GROUP, text="tanpa reply sama sekali"))
    sent = await officer_types(fake, "Di mana Anda bertemu perekrutnya?")  # the prompt
    assert "Di mana Anda bertemu perekrutnya?" in sent["text"], "the officer sees what went"
    await fake.wait_for(lambda: len(fake.sent(502)) > before)
    to_reporter = "\n".join(m["text"] for m in fake.sent(502)[before:])
    assert "bertemu perekrutnya" in to_reporter and "calo" not in to_reporter
    assert "tanpa reply" not in to_reporter
