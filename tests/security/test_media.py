"""Hardening 3: nobody can fill the disk with photos the dialog never asked for.

Through the real python-telegram-bot client against the fake Bot API: photos sent at
the main menu are neither downloaded nor kept; at the report's photo step they are,
within a quota per user; a full disk leaves no partial file; files no report uses are
deleted by the hourly clean-up.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels import media
from bot.channels.media import MediaQuota, remove_unattached, save_media
from tests.fakes.bot_api import message_update
from tests.people import fake_telegram
from tests.test_reports import PNG, say

PHOTO = [{"file_id": "ph", "file_unique_id": "u", "width": 9, "height": 9, "file_size": len(PNG)}]


@pytest.fixture
async def env(tmp_path: Path, bot_api, officer_runtime):
    runtime = officer_runtime
    channel = fake_telegram(runtime, bot_api, tmp_path / "media")
    await channel.start()
    bot_api.files["ph"] = PNG
    yield bot_api, channel, tmp_path / "media"
    await channel.stop()


async def send_photo(fake, chat: int, number: int) -> dict:
    count = len(fake.sent(chat))
    fake.push(message_update(chat, message_id=number, photo=PHOTO))
    await fake.wait_for(lambda: len(fake.sent(chat)) > count)
    return fake.sent(chat)[-1]


def kept(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*") if p.is_file()) if folder.exists() else []


async def test_photos_nobody_asked_for_are_not_kept(env):
    fake, _, folder = env
    await say(fake, 700, "/start")
    for number in range(40):
        reply = await send_photo(fake, 700, 100 + number)
    assert "belum menyimpan foto" in reply["text"]
    assert kept(folder) == [], "40 photos at the main menu: nothing on disk"
    assert not any(call.method == "getFile" for call in fake.calls), "not even downloaded"


async def test_a_photo_sent_unasked_is_fetched_only_once_its_sender_agrees_to_report(env):
    """A screenshot of an advert sent at the menu: the bot offers to report or check it;
    the photo is downloaded only after the sender agrees to report, and goes with it."""
    fake, _, folder = env
    await say(fake, 702, "/start")
    offer = await send_photo(fake, 702, 300)
    assert "belum menyimpan foto" in offer["text"]
    assert "Laporkan foto ini" in str(offer["reply_markup"])
    await say(fake, 702, "Laporkan foto ini")
    assert kept(folder) == [] and not fake.called("getFile"), "not before consent"
    asked = await say(fake, 702, "Setuju, lanjut")
    assert "Apa yang ditawarkan" in asked["text"]
    await fake.wait_for(lambda: len(kept(folder)) == 1)
    steps = ["Iklan kerja kapal di grup WA", "Tidak tahu", "Di luar negeri", "Taiwan", "Tidak"]
    await say(fake, 702, *steps, "Tidak ada", "Tanpa nama")
    summary = fake.sent(702)[-1]["text"]
    assert "Foto: 1" in summary or "1 foto" in summary.lower(), summary
    await say(fake, 702, "Kirim laporan")
    await fake.wait_for(lambda: fake.called("sendPhoto"))
    (photo,) = fake.called("sendPhoto")
    assert photo["chat_id"] == -100 and "Foto 1/1" in photo["caption"]


async def test_at_the_photo_step_photos_are_kept_within_a_quota(env, monkeypatch):
    fake, channel, folder = env
    channel.quota = MediaQuota(folder, per_user_hour=3)
    steps = ["/start", "Laporkan penipuan", "Buat laporan", "Setuju, lanjut", "Kerja kapal"]
    await say(fake, 701, *steps, "PT Entah", "Di luar negeri", "Taiwan", "Tidak", "Ya, kirim foto")
    for number in range(5):
        await send_photo(fake, 701, 200 + number)
        await say(fake, 701, "Tambah foto")
    assert len(kept(folder)) == 3, "the quota per user per hour holds"


def test_a_full_disk_leaves_no_partial_file(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(media.os, "fdopen", full)
    with pytest.raises(OSError):
        save_media(tmp_path, "tg", "image", "image/png", ".png", PNG)
    assert list(tmp_path.iterdir()) == []


def test_the_free_space_reserve_refuses_before_writing(tmp_path: Path):
    quota = MediaQuota(tmp_path, reserve_bytes=10**18)  # more than any disk has
    assert not quota.admit("tg:1", 100)


def test_files_no_report_uses_are_deleted_after_some_hours(tmp_path: Path):
    used = save_media(tmp_path, "tg", "image", "image/png", ".png", PNG).ref
    unused = save_media(tmp_path, "tg", "image", "image/png", ".png", PNG).ref
    fresh = save_media(tmp_path, "tg", "image", "image/png", ".png", PNG).ref
    old = (datetime.now(UTC) - timedelta(hours=7)).timestamp()
    for path in (used, unused):
        os.utime(path, (old, old))
    assert remove_unattached(tmp_path, {used}, datetime.now(UTC) - timedelta(hours=6)) == 1
    assert Path(used).exists() and Path(fresh).exists() and not Path(unused).exists()
    assert oct(Path(used).stat().st_mode & 0o777) == "0o600"


def test_a_photo_is_kept_without_its_metadata(tmp_path: Path):
    import struct
    import zlib

    exif = b"Exif\x00\x00GPS -6.1234 106.1500 Samsung Siti"
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    jpeg = (
        b"\xff\xd8" + app1 + b"\xff\xda\x00\x08\x01\x01\x00\x00?\x00" + b"\x12" * 20 + b"\xff\xd9"
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", b"\0" * 13) + chunk(b"tEXt", b"Author\0Siti")
    png += chunk(b"IDAT", b"x") + chunk(b"IEND", b"")
    for data in (jpeg, png):
        kept = Path(save_media(tmp_path, "wa", "image", "image/jpeg", ".jpg", data).ref)
        stored = kept.read_bytes()
        assert b"Siti" not in stored and b"GPS" not in stored
        assert stored[:3] == data[:3], "still the same kind of image"
