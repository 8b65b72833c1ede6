"""Hardening, the low items on Telegram: a report's status only for its reporter, old
messages dropped, officers act only in the officers' group or their own private chat.

Through the real python-telegram-bot client against the fake Bot API.
"""

from __future__ import annotations

import time

from tests.fakes.bot_api import callback_update, message_update, private_chat
from tests.test_reports import ANONYMOUS_ANSWERS, OFFICER, REF, env, say  # noqa: F401 (fixture)


async def test_a_guessed_report_number_tells_a_stranger_nothing(env):  # noqa: F811
    fake = env[0]
    await say(fake, 503, *ANONYMOUS_ANSWERS)
    own = await say(fake, 503, REF)
    assert "diterima" in own["text"]
    stranger = await say(fake, 504, "/start", REF)
    assert "tidak ditemukan di akun ini" in stranger["text"] and "diterima" not in stranger["text"]


async def test_a_message_older_than_six_days_is_not_answered(env):  # noqa: F811
    fake = env[0]
    old = int(time.time()) - 8 * 24 * 3600
    fake.push(message_update(505, message_id=7, text="halo", date=old))
    reply = await say(fake, 505, "halo")  # a fresh one is answered, the old one never
    assert "Selamat datang" in reply["text"] and len(fake.sent(505)) == 1


async def test_an_officer_button_in_someone_elses_private_chat_is_refused(env):  # noqa: F811
    fake, _, store, _ = env
    await say(fake, 506, *ANONYMOUS_ANSWERS)
    fake.push(callback_update(OFFICER, f"o:claim:{REF}", chat=private_chat(506)))
    await fake.wait_for(
        lambda: any(c.method == "answerCallbackQuery" and c.params.get("text") for c in fake.calls)
    )
    assert (await store.report(REF)).status == "received", "not claimed from a foreign chat"


async def test_the_audit_log_keeps_no_note_text(env):  # noqa: F811
    import sqlite3

    from tests.test_reports import officer_press, officer_types

    fake, _, _, tmp_path = env
    await say(fake, 507, *ANONYMOUS_ANSWERS)
    await fake.wait_for(lambda: fake.sent(-100))
    await officer_press(fake, f"o:note:{REF}")
    await officer_types(fake, "Pelapor bernama Siti, rumah dekat masjid", messages=2)
    with sqlite3.connect(tmp_path / "bot.db") as db:
        details = [row[0] for row in db.execute("SELECT detail FROM audit_log").fetchall()]
    assert details and not any("Siti" in (detail or "") for detail in details)
