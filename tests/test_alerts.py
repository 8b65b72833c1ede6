"""Alerts end to end, through the real protocols: people subscribe on Telegram (the real
python-telegram-bot client against the fake Bot API) and WhatsApp (signed webhooks, the
fake Graph API); an officer sends a warning with /alert from the officers' Telegram group;
`import-jobs` announces new listings to their subscribers."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.content_watch import ContentWatch
from bot.effects import Subscribe
from bot.importer import import_jobs
from bot.records import StoreError
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotApi, callback_update, message_update, text_update
from tests.fakes.graph_api import (
    encode,
    messages_body,
    sent_text,
    sign,
    status,
    text,
)
from tests.people import both_platforms
from tests.waiting import settled

WA = "6285733334444"
SECRET = "alerts-secret"
GROUP = {"id": -100, "type": "supergroup", "title": "Petugas"}
OFFICER = 42
CIKANDE, ANYAR = 501, 502  # Telegram subscribers of two kecamatan
JOB_HEADER = (
    "ref,country,sector,position,employer,p3mi_licence,salary,worker_pays,quota,closes,"
    "verified_by,verified_on\n"
)


class World:
    """Subscribers on Telegram and WhatsApp, officers on Telegram, one bot in between."""

    def __init__(self, runtime, telegram: FakeBotApi, channel, graph, whatsapp, client):
        self.runtime = runtime
        self.telegram = telegram
        self.channel = channel
        self.graph = graph
        self.whatsapp = whatsapp
        self.client = client

    async def tg_says(self, user: int, words: str) -> str:
        count = len(self.telegram.sent(user))
        self.telegram.push(text_update(user, words))
        await self.telegram.wait_for(lambda: len(self.telegram.sent(user)) > count)
        await self.settle()
        return self.telegram.sent(user)[-1]["text"]

    async def wa_says(self, words: str) -> str:
        count = len(self.graph.sent(WA))
        raw = encode(messages_body(WA, text(WA, words)))
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw, SECRET)}
        response = await self.client.post("/webhook/whatsapp", data=raw, headers=headers)
        assert response.status == 200
        await self.graph.wait_for(lambda: len(self.graph.sent(WA)) > count)
        await self.settle()
        return sent_text(self.graph.sent(WA)[-1])

    async def officer(self, update: dict) -> dict:
        count = len(self.telegram.sent(-100))
        self.telegram.push(update)
        await self.telegram.wait_for(lambda: len(self.telegram.sent(-100)) > count)
        return self.telegram.sent(-100)[-1]

    async def settle(self) -> None:
        """Until every update is answered and every due message is sent."""
        queue = self.channel.application.update_queue
        await settled(
            lambda: queue.qsize() == 0, self.channel.outbox.idle, self.whatsapp.worker.idle
        )


@pytest.fixture
async def world(tmp_path: Path, bot_api, officer_runtime):
    runtime = officer_runtime
    async with both_platforms(runtime, bot_api, tmp_path / "media", SECRET) as up:
        yield World(runtime, bot_api, up.telegram, up.graph, up.whatsapp, up.client)


async def subscribe_tg(world: World, user: int, *choices: str) -> str:
    await world.tg_says(user, "halo")
    await world.tg_says(user, "Info langganan")
    for choice in choices[:-1]:
        await world.tg_says(user, choice)
    return await world.tg_says(user, choices[-1])


async def test_an_officer_warning_reaches_only_its_kecamatan_and_not_who_said_stop(world):
    assert "Berlangganan: Cikande" in await subscribe_tg(
        world, CIKANDE, "Peringatan kecamatan", "Cikande"
    )
    assert "Berlangganan: Anyar" in await subscribe_tg(
        world, ANYAR, "Peringatan kecamatan", "Anyar"
    )
    for words in ("halo", "Info langganan", "Peringatan kecamatan"):
        await world.wa_says(words)
    assert "Berlangganan: Cikande" in await world.wa_says("Cikande")
    stopped = await world.wa_says("berhenti")
    assert "Semua info langganan dan pengingat dihentikan" in stopped
    assert "percakapan dihentikan" in stopped, "stop still ends the conversation"
    before = {user: len(world.telegram.sent(user)) for user in (CIKANDE, ANYAR)}
    before_wa = len(world.graph.sent(WA))

    warning = "Hati-hati: PT Contoh Palsu minta uang pendaftaran lewat WhatsApp."
    stranger = await world.officer(message_update(999, chat=GROUP, text=f"/alert semua {warning}"))
    assert "hanya untuk petugas" in stranger["text"]
    preview = await world.officer(
        message_update(OFFICER, chat=GROUP, text=f"/alert cikande {warning}")
    )
    assert "Kecamatan Cikande: 1 orang" in preview["text"] and warning in preview["text"]
    buttons = [b for row in preview["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"] for b in buttons] == ["Kirim ke 1 orang", "Batal"]
    assert len(world.telegram.sent(CIKANDE)) == before[CIKANDE], "nothing sent before confirming"

    done = await world.officer(callback_update(OFFICER, buttons[0]["callback_data"], chat=GROUP))
    assert "diantrekan untuk 1 orang (Cikande)" in done["text"]
    await world.telegram.wait_for(lambda: len(world.telegram.sent(CIKANDE)) > before[CIKANDE])
    received = world.telegram.sent(CIKANDE)[-1]["text"]
    assert warning in received
    assert "Peringatan dari petugas Kabupaten Serang" in received, "the frame from system.yaml"
    again = await world.officer(callback_update(OFFICER, buttons[0]["callback_data"], chat=GROUP))
    assert "sudah terkirim" in again["text"]
    await world.settle()
    assert len(world.telegram.sent(CIKANDE)) == before[CIKANDE] + 1, "sent once"
    assert len(world.telegram.sent(ANYAR)) == before[ANYAR], "another kecamatan: nothing"
    assert len(world.graph.sent(WA)) == before_wa, "said berhenti: nothing"
    with sqlite3.connect(world.runtime.store.path) as connection:
        audit = connection.execute("SELECT officer_id, action, detail FROM audit_log").fetchall()
    assert (OFFICER, "alert", "Cikande: 1 recipients") in audit


LISTING = (
    "JO-77,Jepang,Pabrik,Operator pabrik,Contoh KK,SAMPEL-001,JPY 180000,0,5,2099-12-31,"
    "Disnaker Kab. Serang,2026-11-20\n"
)


async def test_import_jobs_tells_subscribers_once_the_bot_shows_the_listing(world, tmp_path):
    assert "Berlangganan: Jepang" in await subscribe_tg(
        world, CIKANDE, "Lowongan per negara", "Jepang"
    )
    for words in ("halo", "Info langganan", "Lowongan per bidang"):
        await world.wa_says(words)
    assert "Berlangganan: Pabrik" in await world.wa_says("Pabrik")
    before_tg, before_wa = len(world.telegram.sent(ANYAR)), len(world.graph.sent(WA))
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    world.runtime.content_dir = content
    watch = ContentWatch(world.runtime)  # what the server runs every few seconds
    assert await watch.check(datetime.now(UTC)) == 0, "the board found first is known"

    upload, lines = tmp_path / "jobs.csv", []
    upload.write_text("# sample: true\n" + JOB_HEADER + LISTING)
    assert import_jobs(upload, content, date(2026, 11, 28), lines.append) == 0, lines
    assert "sample data: not announced to subscribers" in "\n".join(lines)
    assert await watch.check(datetime.now(UTC)) == 0, "a sample board is announced to nobody"

    lines.clear()
    upload.write_text(JOB_HEADER + LISTING)
    assert import_jobs(upload, content, date(2026, 11, 28), lines.append) == 0, lines
    assert "the running bot tells their subscribers" in "\n".join(lines)
    await watch.check(datetime.now(UTC))
    assert any(job.ref == "JO-77" for job in world.runtime.content.data.jobs.jobs), "loaded"
    await world.telegram.wait_for(
        lambda: "Operator pabrik" in world.telegram.sent(CIKANDE)[-1]["text"]
    )
    await world.graph.wait_for(lambda: "Operator pabrik" in sent_text(world.graph.sent(WA)[-1]))
    alert = world.telegram.sent(CIKANDE)[-1]["text"]
    assert "Lowongan terverifikasi baru" in alert and "SAMPEL" not in alert
    await world.settle()
    assert len(world.telegram.sent(ANYAR)) == before_tg
    assert len(world.graph.sent(WA)) == before_wa + 1

    # a reload of the same listings (SIGHUP, a restart): nobody is told twice
    world.runtime.reload()
    assert await ContentWatch(world.runtime).check(datetime.now(UTC)) == 0


async def test_listings_whose_announcement_failed_are_announced_next_time(world, tmp_path):
    await subscribe_tg(world, CIKANDE, "Lowongan per negara", "Jepang")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    world.runtime.content_dir = content
    watch = ContentWatch(world.runtime)
    await watch.check(datetime.now(UTC))
    upload = tmp_path / "jobs.csv"
    upload.write_text(JOB_HEADER + LISTING)
    assert import_jobs(upload, content, date(2026, 11, 28), lambda line: None) == 0
    with sqlite3.connect(world.runtime.store.path) as connection:  # the write fails
        connection.execute(
            "CREATE TRIGGER fail BEFORE INSERT ON announced_listings "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    with pytest.raises(StoreError):
        await watch.check(datetime.now(UTC))
    with sqlite3.connect(world.runtime.store.path) as connection:
        connection.execute("DROP TRIGGER fail")
    assert await watch.check(datetime.now(UTC)) == 1, "announced on the next pass"
    await world.telegram.wait_for(
        lambda: "Operator pabrik" in world.telegram.sent(CIKANDE)[-1]["text"]
    )


async def test_an_alert_counts_and_tells_only_people_it_can_reach(world):
    await subscribe_tg(world, CIKANDE, "Peringatan kecamatan", "Cikande")
    web = Subscribe("web", "browser-1", "id", "kecamatan", "Cikande")  # kept before refusals
    await world.runtime.store.commit_effects("web", "browser-1", datetime.now(UTC), [web])
    preview = await world.officer(message_update(OFFICER, chat=GROUP, text="/alert semua Awas"))
    assert "semua pelanggan: 1 orang" in preview["text"]
    buttons = [b for row in preview["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["text"] == "Kirim ke 1 orang"
    done = await world.officer(callback_update(OFFICER, buttons[0]["callback_data"], chat=GROUP))
    assert "diantrekan untuk 1 orang" in done["text"]
    with sqlite3.connect(world.runtime.store.path) as connection:
        audit = connection.execute("SELECT detail FROM audit_log WHERE action = 'alert'")
        assert audit.fetchall() == [("semua: 1 recipients",)]


async def test_a_subscriber_who_blocked_the_bot_is_no_longer_alerted(world):
    """Someone who blocked the bot on Telegram, or whose number left WhatsApp, loses their
    subscriptions at the first alert that cannot reach them: the next alert does not
    knock again, and the officers' count says who can still be reached."""
    await subscribe_tg(world, CIKANDE, "Peringatan kecamatan", "Cikande")
    for words in ("halo", "Info langganan", "Peringatan kecamatan", "Cikande"):
        await world.wa_says(words)
    world.telegram.blocked.add(CIKANDE)
    world.graph.unreachable.add(WA)
    warning = "Hati-hati: PT Contoh Palsu minta uang pendaftaran."
    preview = await world.officer(
        message_update(OFFICER, chat=GROUP, text=f"/alert cikande {warning}")
    )
    assert "Kecamatan Cikande: 2 orang" in preview["text"]
    confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await world.officer(callback_update(OFFICER, confirm, chat=GROUP))
    await world.settle()
    with sqlite3.connect(world.runtime.store.path) as connection:
        left = connection.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0]
        dead = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND last_error LIKE 'unreachable%'"
        ).fetchone()[0]
    assert (left, dead) == (0, 2)
    again = await world.officer(
        message_update(OFFICER, chat=GROUP, text=f"/alert cikande {warning}")
    )
    assert "Kecamatan Cikande: 0 orang" in again["text"]


async def test_a_number_whatsapp_reports_undeliverable_later_loses_its_subscriptions(world):
    """Meta often accepts a send and reports 131026 afterwards, in a "failed" status: that
    ends the number's subscriptions too (a failed status for another reason does not)."""
    for words in ("halo", "Info langganan", "Peringatan kecamatan", "Cikande"):
        await world.wa_says(words)

    async def failed(code: int) -> None:
        body = messages_body(WA)
        value = body["entry"][0]["changes"][0]["value"]
        del value["messages"], value["contacts"]
        value["statuses"] = [status("wamid.OUT9", WA, "failed", error_code=code)]
        raw = encode(body)
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw, SECRET)}
        assert (
            await world.client.post("/webhook/whatsapp", data=raw, headers=headers)
        ).status == 200

    def subscriptions() -> int:
        with sqlite3.connect(world.runtime.store.path) as connection:
            return connection.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0]

    await failed(131000)  # something went wrong: it may work next time
    assert subscriptions() == 1
    await failed(131026)
    assert subscriptions() == 0
