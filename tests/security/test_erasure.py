"""Hardening 4 and 10: "hapus data" leaves no identifier behind, not even in the WAL file.

An anonymous WhatsApp reporter files a report through signed webhooks into the real app,
then deletes their data. Afterwards neither the database file nor its WAL holds their
phone number (which a real wamid also embeds) or their name; the report's facts remain.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import Services
from tests.fakes.graph_api import FakeGraphApi, message
from tests.test_reports import ANONYMOUS_ANSWERS
from tests.test_whatsapp import TOKEN, Harness

PHONE = "6289912345678"
NAME_IN_PROFILE = "Siti"  # the profile name the fake sends with each message


def wamid_text(body: str, number: int) -> dict:
    entry = message(PHONE, "text", {"body": body})
    entry["id"] = f"wamid.HBgN{PHONE}FQIAEhg{number:04d}"  # real wamids embed the number
    return entry


@pytest.fixture
async def wa(tmp_path: Path, shipped_content, actions):
    fake = FakeGraphApi(TOKEN)
    await fake.start()
    harness = await Harness(tmp_path, shipped_content, actions, fake).open()
    harness.runtime.services = Services(store=harness.store, media_dir=tmp_path / "media")
    yield harness
    await harness.close()
    await fake.close()


def database_bytes(db: Path) -> bytes:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_an_anonymous_reporter_leaves_nothing_after_hapus_data(wa):
    steps = ANONYMOUS_ANSWERS  # "/start" ... "Kirim laporan", as the Telegram reporter
    for number, words in enumerate(steps, 1):
        await wa.send(PHONE, wamid_text(words, number))
    assert wa.rows("SELECT COUNT(*) FROM reports") == [(1,)]
    assert PHONE.encode() in database_bytes(wa.db), "the reproduction: the number is stored"

    await wa.send(PHONE, wamid_text("hapus data", 100))
    await wa.send(PHONE, wamid_text("ya", 101))
    await wa.settle()

    assert wa.rows("SELECT status, kecamatan, user_ref FROM reports") == [
        ("received", "Pontang", None)
    ]
    assert wa.rows("SELECT COUNT(*) FROM whatsapp_users") == [(0,)]
    assert wa.rows("SELECT COUNT(*) FROM sessions") == [(0,)]
    stored = database_bytes(wa.db)
    assert PHONE.encode() not in stored, "no phone number in the file or the WAL"
    assert PHONE[2:].encode() not in stored
    assert wa.rows("SELECT idempotency_key FROM reports")[0][0].startswith("erased:")


async def test_delivery_statuses_after_hapus_data_do_not_bring_the_number_back(wa):
    from tests.fakes.graph_api import status

    await wa.send(PHONE, wamid_text("halo", 300))
    await wa.send(PHONE, wamid_text("hapus data", 301))
    await wa.send(PHONE, wamid_text("ya", 302))
    await wa.settle()
    body = messages_body_statuses(status("wamid.OUT9", PHONE, "delivered"))
    assert await wa.post(body) == 200
    assert wa.rows("SELECT COUNT(*) FROM whatsapp_statuses") == [(0,)]
    assert PHONE.encode() not in database_bytes(wa.db)


def messages_body_statuses(*statuses: dict) -> dict:
    from tests.fakes.graph_api import envelope

    return envelope({"statuses": list(statuses)})
