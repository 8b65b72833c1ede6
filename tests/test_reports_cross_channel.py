"""A report filed on WhatsApp is worked by officers on Telegram, both through their real protocols.

Signed webhooks go into the real aiohttp app, replies go out to a fake Graph API;
officers use the real python-telegram-bot client against a fake Bot API.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from tests.fakes.bot_api import FakeBotApi, callback_update, message_update, reply_to_bot
from tests.fakes.graph_api import FakeGraphApi, encode, messages_body, sign, text
from tests.people import both_platforms
from tests.plans import REGISTRATION

WA = "6285711112222"
SECRET = "cross-secret"
GROUP = {"id": -100, "type": "supergroup", "title": "Petugas"}
OFFICER = 42
REF = "SRG-2026-00001"


class World:
    """A reporter on WhatsApp, officers on Telegram, one bot in between."""

    def __init__(self, graph: FakeGraphApi, telegram: FakeBotApi, client: TestClient) -> None:
        self.graph = graph
        self.telegram = telegram
        self.client = client

    async def reporter_says(self, words: str) -> str:
        """Send a WhatsApp text; return the text of the bot's answer."""
        count = len(self.graph.sent(WA))
        raw = encode(messages_body(WA, text(WA, words)))
        response = await self.client.post(
            "/webhook/whatsapp",
            data=raw,
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw, SECRET)},
        )
        assert response.status == 200
        await self.graph.wait_for(lambda: len(self.graph.sent(WA)) > count)
        return self.last_to_reporter()

    def last_to_reporter(self) -> str:
        sent = self.graph.sent(WA)[-1]
        if sent["type"] == "text":
            return sent["text"]["body"]
        return sent["interactive"]["body"]["text"]

    async def officer(self, update: dict, messages: int = 1) -> dict:
        count = len(self.telegram.sent(-100))
        self.telegram.push(update)
        await self.telegram.wait_for(lambda: len(self.telegram.sent(-100)) >= count + messages)
        return self.telegram.sent(-100)[-1]

    def officer_side(self) -> str:
        return "\n".join(str(call.params) for call in self.telegram.calls)


@pytest.fixture
async def world(tmp_path: Path, bot_api, officer_runtime):
    async with both_platforms(officer_runtime, bot_api, tmp_path / "media", SECRET) as up:
        yield World(up.graph, bot_api, up.client)


@pytest.mark.parametrize("anonymous", [True, False])
async def test_whatsapp_report_worked_by_telegram_officers(world, anonymous):
    answers = [
        "halo",
        "Laporkan penipuan",
        "Buat laporan",
        "Setuju, lanjut",
        "Kerja di kapal ikan, bayar 7 juta ke rekening pribadi",
        "Bang Jali, 0813-xxxx",
        "Di Kab. Serang",
        "Tirtayasa",
        "Lewati",
        "Tidak",
        "Tidak ada",
    ]
    answers += ["Tanpa nama"] if anonymous else ["Boleh dihubungi", "Siti Aminah", "Lewati"]
    for words in answers:
        await world.reporter_says(words)
    assert REF in await world.reporter_says("Kirim laporan")

    await world.telegram.wait_for(lambda: world.telegram.sent(-100))
    card = world.telegram.sent(-100)[0]
    assert REF in card["text"] and "Kec. Tirtayasa" in card["text"]
    if anonymous:
        assert "anonim" in card["text"]
    else:
        assert "Siti Aminah (via whatsapp)" in card["text"]

    await world.officer(callback_update(OFFICER, f"o:claim:{REF}", chat=GROUP), messages=2)
    await world.officer(callback_update(OFFICER, f"o:ask:{REF}", chat=GROUP))
    count = len(world.graph.sent(WA))
    prompt = reply_to_bot(GROUP, world.telegram.sent(-100)[-1]["text"])
    await world.officer(
        message_update(
            OFFICER, chat=GROUP, text="Berapa uang yang sudah dibayar?", reply_to_message=prompt
        )
    )
    await world.graph.wait_for(lambda: len(world.graph.sent(WA)) > count)
    assert "Berapa uang yang sudah dibayar?" in world.last_to_reporter()

    count = len(world.telegram.sent(-100))
    assert "Terkirim ke petugas" in await world.reporter_says("Sudah 7 juta, lewat transfer")
    await world.telegram.wait_for(lambda: len(world.telegram.sent(-100)) > count)
    assert "Sudah 7 juta, lewat transfer" in world.telegram.sent(-100)[-1]["text"]

    await world.officer(callback_update(OFFICER, f"o:close:{REF}", chat=GROUP))
    await world.officer(callback_update(OFFICER, f"o:out:{REF}:disnaker", chat=GROUP), messages=2)
    status = await world.reporter_says(REF)
    assert "selesai ditangani" in status and "Berapa uang" in status

    if anonymous:
        officer_side = world.officer_side()
        for identifying in (WA, "Siti", "wamid"):
            assert identifying not in officer_side, identifying


async def test_a_person_registered_on_whatsapp_answers_an_officer_on_telegram(world):
    """The relay of reports serves a registered plan too: by its number, never the phone."""
    for words in [*REGISTRATION[:9], "Belum ada", "Dalam 3 bulan", "Hanya pesan"]:
        await world.reporter_says(words)
    assert "Rencana tersimpan" in await world.reporter_says("Simpan")
    listing = await world.officer(message_update(OFFICER, chat=GROUP, text="/calon cikande"))
    (ref,) = [word for word in listing["text"].split() if word.startswith("CPMI-")]

    count = len(world.graph.sent(WA))
    sent = await world.officer(message_update(OFFICER, chat=GROUP, text=f"/tanya {ref} Sehat?"))
    assert f"Terkirim ke calon PMI {ref}" in sent["text"]
    await world.graph.wait_for(lambda: len(world.graph.sent(WA)) > count)
    assert "rencana kerja Anda" in world.last_to_reporter() and "Sehat?" in world.last_to_reporter()

    count = len(world.telegram.sent(-100))
    assert "Terkirim ke petugas" in await world.reporter_says("Sehat, terima kasih")
    await world.telegram.wait_for(lambda: len(world.telegram.sent(-100)) > count)
    assert "Sehat, terima kasih" in world.telegram.sent(-100)[-1]["text"]
    for identifying in (WA, "Siti", "wamid"):
        assert identifying not in world.officer_side(), identifying
