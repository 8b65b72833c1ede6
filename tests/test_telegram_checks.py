"""The three checking tools on a real channel: Telegram's client against the fake Bot API.

A family member, by buttons only: is "PT Contoh Sejahtera" licensed, what is open in Taiwan,
and is the offer they got safe. The content is the shipped one, with the sample listings'
closing dates moved far ahead so that this test does not expire with them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.config import TelegramConfig
from bot.content import load_content
from tests.conftest import ROOT
from tests.fakes.bot_api import FakeBotApi, callback_update, text_update


@pytest.fixture
async def channel(make_runtime, tmp_path: Path, bot_api: FakeBotApi, actions):
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir)
    jobs = content_dir / "data" / "jobs.csv"
    jobs.write_text(jobs.read_text(encoding="utf-8").replace(",2027-", ",2099-"), "utf-8")
    content, problems = load_content(content_dir, actions)
    assert content is not None, [str(problem) for problem in problems]
    runtime = await make_runtime(content, actions, content_dir=content_dir)
    settings = TelegramConfig(token=bot_api.token, api_url=bot_api.url)
    channel = TelegramChannel(runtime, settings, tmp_path / "media", 100_000, retry_base_delay=0.05)
    await channel.start()
    yield channel
    await channel.stop()


class Phone:
    """One Telegram user pressing buttons and typing, reading each new message."""

    def __init__(self, api: FakeBotApi, user: int) -> None:
        self.api, self.user, self.seen = api, user, 0
        self.last: dict = {}

    async def _next(self) -> dict:
        self.seen += 1
        await self.api.wait_for(lambda: len(self.api.sent(self.user)) >= self.seen)
        self.last = self.api.sent(self.user)[self.seen - 1]
        return self.last

    async def read_next(self) -> dict:
        """The next message of the same reply (a reply longer than a screen is split)."""
        return await self._next()

    async def type(self, text: str) -> dict:
        self.api.push(text_update(self.user, text))
        return await self._next()

    async def press(self, label: str, message: dict | None = None) -> dict:
        self.api.push(callback_update(self.user, self.button(label, message)))
        return await self._next()

    def button(self, label: str, message: dict | None = None) -> str:
        rows = ((message or self.last).get("reply_markup") or {}).get("inline_keyboard", [])
        found = [b["callback_data"] for row in rows for b in row if label in b["text"]]
        assert found, f"no button {label!r} in {self.labels}"
        return found[0]

    @property
    def labels(self) -> list[str]:
        rows = (self.last.get("reply_markup") or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    @property
    def text(self) -> str:
        return self.last["text"]


async def test_is_this_recruiter_licensed(channel, bot_api):
    phone = Phone(bot_api, 301)
    await phone.type("/start")
    await phone.press("Cek perusahaan")
    assert "Ketik nama perusahaannya" in phone.text
    await phone.type("pt contoh sejahtra")
    assert "Tidak ada P3MI yang namanya persis" in phone.text
    await phone.read_next()  # the results and their buttons: together over one screen
    assert "contoh data, bukan daftar resmi" in phone.text
    assert phone.labels[:3] == ["✅ Sejahtera", "⛔ Sejahtera Abadi", "⚠️ Sejahtera Mandiri"]
    results = phone.last
    await phone.press("✅ Sejahtera")
    assert "Nomor izin (SIP3MI): SAMPEL-001" in phone.text and "izinnya aktif" in phone.text
    await phone.press("Cari lagi")
    await phone.type("sampel-002")
    assert "⛔ dicabut sejak 15-09-2025" in phone.text
    await phone.press("Sejahtera", message=results)  # a button of the earlier search
    assert "menu lama" in phone.text, "a stale press never opens the wrong agency"
    assert "SAMPEL-002" in phone.text
    await phone.press("Sejahtera Abadi")
    assert "<b>Izin perusahaan ini dicabut sejak 15-09-2025.</b>" in phone.text
    assert all(len(data.encode()) <= 64 for data in _callback_data(phone.last))


async def test_official_openings_in_taiwan(channel, bot_api):
    phone = Phone(bot_api, 302)
    await phone.type("/start")
    await phone.press("Lowongan resmi")
    assert "Taiwan (6)" in phone.labels, "the listing that closed on 31-10-2026 is gone"
    await phone.press("Taiwan")
    await phone.press("Semua bidang")
    assert "6 lowongan, terbaru dulu. Halaman 1 dari 2" in phone.text
    await phone.press("Berikutnya")
    assert "Halaman 2 dari 2" in phone.text
    await phone.press("Perawat lansia malam")
    assert "Nomor job order: SAMPEL-JO-006" in phone.text
    await phone.press("Cara melamar")
    assert "Cara melamar, lewat jalur resmi" in phone.text
    assert "Jangan melamar lewat calo atau nomor pribadi" in phone.text
    await phone.press("Lowongan ini")
    await phone.press("Daftar lowongan")
    assert "Halaman 2 dari 2" in phone.text


async def test_an_honest_verdict_on_an_offer_and_one_tap_to_report(channel, bot_api):
    phone = Phone(bot_api, 303)
    await phone.type("/start")
    await phone.press("Cek tawaran kerja")
    await phone.press("Kamboja")
    await phone.press("Lewati")
    for label in ["Ya", "Tidak", "Ya", "Tidak tahu", "Ya", "Tidak tahu", "Ya", "Ya"]:
        await phone.press(label)
    await phone.type("tidak")
    assert "🔴 Bahaya: jangan berangkat" in phone.text
    assert "alasan lain" in phone.text and len(phone.text) <= 600, "one phone screen"
    assert "Rincian & sumber" in str(phone.labels), "every reason and source one tap away"
    assert phone.labels[0] == "📢 Laporkan"
    await phone.press("Laporkan")
    assert "Laporkan tawaran yang mencurigakan" in phone.text
    assert len(bot_api.called("answerCallbackQuery")) >= 11, "every press stops the spinner"


def _callback_data(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]
