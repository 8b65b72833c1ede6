"""The Telegram channel: the real python-telegram-bot client against a fake Bot API server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram import TelegramChannel, file_url
from bot.config import TelegramConfig
from bot.runtime import Runtime
from bot.server import build_app
from tests.fakes.bot_api import (
    FakeBotApi,
    callback_update,
    message_update,
    private_chat,
    text_update,
)
from tests.fakes.files import png
from tests.waiting import settled

PNG = png(200)
SECRET = "s3cret_token-1"


@pytest.fixture
def fake(bot_api):
    return bot_api


@pytest.fixture
async def runtime(make_runtime, fixture_content, actions, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return await make_runtime(fixture_content, actions)


def make_channel(runtime: Runtime, fake: FakeBotApi, tmp_path: Path, **config) -> TelegramChannel:
    settings = TelegramConfig(token=fake.token, api_url=fake.url, **config)
    return TelegramChannel(runtime, settings, tmp_path / "media", 100_000, retry_base_delay=0.05)


@pytest.fixture
async def polling(runtime, fake, tmp_path):
    channel = make_channel(runtime, fake, tmp_path)
    await channel.start()
    yield channel
    await channel.stop()


def buttons(params: dict) -> list[tuple[str, str]]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(button["text"], button["callback_data"]) for row in rows for button in row]


def button(params: dict, label: str) -> str:
    return next(data for text, data in buttons(params) if label in text)


async def answer(fake: FakeBotApi, chat: int, count: int) -> list[dict]:
    await fake.wait_for(lambda: len(fake.sent(chat)) >= count)
    return fake.sent(chat)


def test_file_url_is_derived_from_the_api_url():
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"


async def test_start_registers_commands_in_both_languages(polling, fake):
    commands = fake.called("setMyCommands")
    assert {call.get("language_code") for call in commands} == {None, "en"}
    indonesian = next(call for call in commands if "language_code" not in call)
    assert {"command": "darurat", "description": "Kontak darurat"} in indonesian["commands"]
    assert fake.called("deleteWebhook"), "polling starts by removing any webhook"


async def test_start_gets_the_main_menu_as_an_inline_keyboard(polling, fake):
    fake.push(text_update(1, "/start"))
    (sent,) = await answer(fake, 1, 1)
    assert "Selamat datang" in sent["text"] and "<b>Migran Aman</b>" in sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert [text for text, _ in buttons(sent)] == [
        "Info",
        "Halaman panjang",
        "Isi formulir",
        "Darurat",
    ]
    rows = sent["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in rows] == [2, 2], "short labels share a row"
    assert all(len(data.encode()) <= 64 for _, data in buttons(sent))


async def test_every_top_level_button_leads_somewhere_and_back(polling, fake):
    fake.push(text_update(2, "/start"))
    menu = (await answer(fake, 2, 1))[-1]
    expected = {
        "Info": "Info singkat.",
        "Halaman panjang": "Layar satu.",
        "Isi formulir": "Siapa nama Anda?",
        "Darurat": "0800-1000",
    }
    count = 1
    for label, text in expected.items():
        fake.push(callback_update(2, button(menu, label)))
        count += 1
        reply = (await answer(fake, 2, count))[-1]
        assert text in reply["text"], label
        fake.push(callback_update(2, button(reply, "Kembali")))
        count += 1
        menu = (await answer(fake, 2, count))[-1]
        assert "Menu utama tes" in menu["text"]
    assert len(fake.called("answerCallbackQuery")) == 8, "every press stops the spinner"


async def test_typing_a_number_or_label_works_too(polling, fake):
    fake.push(text_update(3, "hai"))
    await answer(fake, 3, 1)
    fake.push(text_update(3, "2"))
    assert (await answer(fake, 3, 2))[-1]["text"] == "Layar satu."
    fake.push(text_update(3, "kembali"))
    fake.push(text_update(3, "darurat"))
    assert "0800-1000" in (await answer(fake, 3, 4))[-1]["text"]


async def test_stale_button_gets_out_of_date_notice_and_current_menu(polling, fake):
    fake.push(text_update(4, "/start"))
    menu = (await answer(fake, 4, 1))[-1]
    fake.push(callback_update(4, button(menu, "Halaman panjang")))
    await answer(fake, 4, 2)
    fake.push(callback_update(4, button(menu, "Info")))  # from the old message
    reply = (await answer(fake, 4, 3))[-1]
    assert "menu lama" in reply["text"] and "Layar satu." in reply["text"]
    fake.push(callback_update(4, "not-a-real-id"))
    assert "menu lama" in (await answer(fake, 4, 4))[-1]["text"]


async def test_photo_answers_an_ask_photo_question(polling, fake, tmp_path):
    for text in ["/start", "Isi formulir", "Siti", "30", "08123456789", "ya", "pabrik"]:
        fake.push(text_update(5, text))
    assert (await answer(fake, 5, 7))[-1]["text"] == "Kirim foto iklan."
    fake.files["ph1"] = PNG
    fake.push(
        message_update(
            5,
            photo=[
                {
                    "file_id": "ph1",
                    "file_unique_id": "u1",
                    "width": 90,
                    "height": 90,
                    "file_size": len(PNG),
                }
            ],
        )
    )
    assert (await answer(fake, 5, 8))[-1]["text"] == "Bagikan lokasi."
    assert fake.called("getFile")
    (saved,) = (tmp_path / "media").iterdir()
    assert saved.read_bytes() == PNG


async def test_location_and_contact_answer_questions(polling, fake):
    for text in ["/start", "Isi formulir", "Siti", "30"]:
        fake.push(text_update(6, text))
    await answer(fake, 6, 4)
    fake.push(message_update(6, contact={"phone_number": "+6281234567890", "first_name": "S"}))
    assert (await answer(fake, 6, 5))[-1]["text"] == "Setuju?"
    for text in ["ya", "pabrik", "lewati"]:
        fake.push(text_update(6, text))
    await answer(fake, 6, 8)
    fake.push(message_update(6, location={"latitude": -6.05, "longitude": 106.15}))
    assert "Terima kasih" in (await answer(fake, 6, 9))[-1]["text"]


async def test_sticker_and_voice_get_a_polite_reply(polling, fake):
    fake.push(text_update(7, "/start"))
    await answer(fake, 7, 1)
    fake.push(
        message_update(
            7,
            sticker={
                "file_id": "st",
                "file_unique_id": "st",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
        )
    )
    reply = (await answer(fake, 7, 2))[-1]
    assert "stiker" in reply["text"] and buttons(reply)
    fake.push(message_update(7, voice={"file_id": "v", "file_unique_id": "v", "duration": 2}))
    assert "stiker" in (await answer(fake, 7, 3))[-1]["text"]


async def test_edited_messages_and_group_chats_are_ignored(polling, fake):
    fake.push({"edited_message": text_update(8, "menu")["message"]})
    group = {"id": -100123, "type": "supergroup", "title": "Warga"}
    fake.push(message_update(8, chat=group, text="menu"))
    fake.push(text_update(8, "/start"))
    await answer(fake, 8, 1)
    await settled(lambda: not fake.updates, polling.idle)
    assert len(fake.sent(8)) == 1 and not fake.sent(-100123)


async def test_fifty_users_at_once_get_their_own_replies_in_order(polling, fake):
    script = ["/start", "Isi formulir", "Siti", "30", "08123456789"]
    for text in script:
        for chat in range(100, 150):
            fake.push(text_update(chat, text))
    await fake.wait_for(lambda: all(len(fake.sent(c)) == 5 for c in range(100, 150)), 30)
    for chat in range(100, 150):
        texts = [params["text"] for params in fake.sent(chat)]
        assert texts[1:] == [
            "Siapa nama Anda?",
            "Berapa umur Anda?",
            "Nomor HP Anda?",
            "Setuju?",
        ], chat


async def test_the_same_update_twice_is_answered_once(polling, fake):
    first = fake.push(text_update(9, "/start"))
    await answer(fake, 9, 1)
    fake.push(text_update(9, "/start", update_id=first["update_id"]))
    fake.push(text_update(9, "2"))
    await answer(fake, 9, 2)
    await settled(lambda: not fake.updates, polling.idle)
    assert [p["text"] for p in fake.sent(9)][1] == "Layar satu."
    assert len(fake.sent(9)) == 2


async def test_rate_limit_delays_one_user_without_stalling_others(polling, fake):
    fake.fail_next("sendMessage", 429, retry_after=1)
    fake.push(text_update(10, "/start"))
    await fake.wait_for(lambda: len(fake.called("sendMessage")) >= 1)
    fake.push(text_update(11, "/start"))
    await answer(fake, 11, 1)
    assert not fake.sent(10), "user 11 was answered while user 10 waits out the retry-after"
    (delivered,) = await answer(fake, 10, 1)
    attempts = [c for c in fake.attempts("sendMessage") if c.params["chat_id"] == 10]
    assert [c.failed for c in attempts] == [True, False]
    assert attempts[1].at - attempts[0].at >= 0.9, "the retry waited for retry_after"
    assert "Selamat datang" in delivered["text"]


async def test_server_errors_are_retried_and_delivered_once(polling, fake):
    fake.fail_next("sendMessage", 500)
    fake.fail_next("sendMessage", 500)
    fake.push(text_update(12, "/start"))
    await answer(fake, 12, 1)
    await settled(lambda: not fake.updates, polling.idle)
    assert len(fake.sent(12)) == 1, "delivered once"
    assert [c.failed for c in fake.attempts("sendMessage")] == [True, True, False]


async def test_long_text_is_split_on_paragraphs():
    from bot.channels.telegram_render import render
    from bot.messages import Option, Reply

    paragraph = "Kalimat pendek. " * 30
    parts = render(Reply("\n\n".join([paragraph.strip()] * 20), (Option("k:0", "OK"),)))
    assert len(parts) > 1
    assert all(len(text) <= 4096 for text, _ in parts)
    assert [markup is not None for _, markup in parts][-1] and parts[0][1] is None
    assert all(text.endswith(".") for text, _ in parts)


async def test_html_in_content_or_input_is_escaped():
    from bot.channels.telegram_render import to_html

    assert to_html("a <b>x</b> & *tebal*") == "a &lt;b&gt;x&lt;/b&gt; &amp; <b>tebal</b>"


async def test_webhook_mode_accepts_only_the_secret_token(runtime, fake, tmp_path):
    channel = make_channel(
        runtime,
        fake,
        tmp_path,
        webhook_url="https://bot.example/webhook/telegram",
        webhook_secret=SECRET,
    )
    app = build_app(runtime, [channel], 100_000)
    client = TestClient(TestServer(app))
    await client.start_server()
    await channel.start()
    try:
        (registered,) = fake.called("setWebhook")
        assert registered["url"] == "https://bot.example/webhook/telegram"
        assert registered["secret_token"] == SECRET
        assert not fake.called("getUpdates"), "webhook mode does not poll"
        update = {"update_id": 5001, **text_update(20, "/start")}
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            response = await client.post("/webhook/telegram", json=update, headers=headers)
            assert response.status == 403
        await settled(channel.idle)
        assert fake.sent(20) == [], "a forged webhook never reaches the engine"
        good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        response = await client.post("/webhook/telegram", json=update, headers=good)
        assert response.status == 200
        await answer(fake, 20, 1)
        response = await client.post("/webhook/telegram", json=update, headers=good)
        assert response.status == 200
        await settled(channel.idle)
        assert len(fake.sent(20)) == 1, "a redelivered webhook update is answered once"
    finally:
        await channel.stop()
        await client.close()


async def test_webhook_update_persisted_before_a_crash_is_processed_on_start(
    runtime, fake, tmp_path
):
    import json

    update = {"update_id": 6001, **text_update(21, "/start")}
    await runtime.store.inbox_put("telegram", "6001", json.dumps(update), datetime.now(UTC))
    channel = make_channel(
        runtime, fake, tmp_path, webhook_url="https://bot.example/w", webhook_secret=SECRET
    )
    await channel.start()
    try:
        assert "Selamat datang" in (await answer(fake, 21, 1))[0]["text"]
    finally:
        await channel.stop()
    assert await runtime.store.inbox_pending("telegram", datetime.now(UTC)) == []


def test_private_chat_helper_shape():
    assert private_chat(1)["type"] == "private"
