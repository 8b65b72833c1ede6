"""Hardening 1: report numbers go on past 99,999, and long numbers work everywhere."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.effects import FileReport
from bot.store import Store
from tests.conftest import NOW

FIELDS = {
    "channel": "web",
    "user": "u",
    "anonymous": True,
    "urgent": False,
    "offer": "x",
    "recruiter": "",
    "place": "",
    "kecamatan": "",
    "country": "",
    "name": "",
    "phone": "",
    "lang": "id",
}


def filing(key: str) -> FileReport:
    return FileReport(key, FIELDS, (), "SRG")


async def test_the_report_after_99999_is_100000_and_the_next_follows(tmp_path: Path):
    store = Store(tmp_path / "bot.db")
    await store.open()
    try:
        first = await store.commit_effects("web", "", NOW, [filing("k1")])
        assert first == "SRG-2026-00001"
        with sqlite3.connect(tmp_path / "bot.db") as db:  # as if 99,998 more had been filed
            db.execute("UPDATE reports SET ref = 'SRG-2026-99999' WHERE ref = ?", [first])
        refs = [await store.commit_effects("web", "", NOW, [filing(f"k{n}")]) for n in range(2, 5)]
        assert refs == ["SRG-2026-100000", "SRG-2026-100001", "SRG-2026-100002"]
        assert (await store.report("SRG-2026-100001")) is not None
    finally:
        await store.close()


def test_a_six_digit_reference_is_read_as_a_report_number(shipped_content):
    flows = shipped_content.flows
    assert flows.reference("SRG-2026-100000") == "SRG-2026-100000"
    reading = flows.understanding.read("status laporan srg-2026-123456 gimana")
    assert reading.confident
    assert reading.routes[0].answers == (("reference", "SRG-2026-123456"),)
