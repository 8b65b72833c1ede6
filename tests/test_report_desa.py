"""The desa of a report: asked after the kecamatan, matched forgivingly, optional, stored
with the report (a desa officer's area); and the kecamatan "Lebak Wangi" spelled as the
Kepmendagri decree spells it, the old "Lebakwangi" still understood and migrated."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import sqlite_utils

from bot.store import Store
from bot.store.migrations import MIGRATIONS
from tests.conftest import NOW
from tests.test_figures import turns

START = ["/start", "Laporkan penipuan", "Buat laporan", "Setuju, lanjut"]
FINISH = ["Tidak", "Tidak ada", "Tanpa nama", "Kirim laporan"]


async def filed(runtime, user: str, *place: str):
    """File a report whose place is answered with `place`; the stored report."""
    offer = ["Kerja pabrik di Malaysia, bayar 5 juta dulu", "Pak Udin", "Di Kab. Serang"]
    await turns(runtime, user, NOW, *START, *offer, *place, *FINISH)
    reports = await runtime.store.export_reports(NOW - timedelta(days=1), NOW + timedelta(days=1))
    return next(report for report in reports if report.user == user)


async def test_a_typed_desa_with_a_typo_and_a_prefix_is_stored_with_the_report(
    make_runtime, shipped_content, actions
):
    runtime = await make_runtime(shipped_content, actions)
    report = await filed(runtime, "u1", "pontang", "ds. singarajen")
    assert (report.kecamatan, report.desa) == ("Pontang", "Singarajan")


async def test_an_unknown_desa_is_asked_again_and_may_be_skipped(
    make_runtime, shipped_content, actions
):
    runtime = await make_runtime(shipped_content, actions)
    report = await filed(runtime, "u1", "Kragilan", "desa sukamaju", "Lewati")
    assert (report.kecamatan, report.desa) == ("Kragilan", "")
    report = await filed(runtime, "u2", "Kragilan", "desa sukamaju", "kramatjati")
    assert report.desa == "Kramatjati"


async def test_lebak_wangi_is_spelled_as_the_decree_does_and_the_old_spelling_still_works(
    make_runtime, shipped_content, actions
):
    runtime = await make_runtime(shipped_content, actions)
    report = await filed(runtime, "u1", "lebakwangi", "lebak kepuh")
    assert (report.kecamatan, report.desa) == ("Lebak Wangi", "Lebak Kepuh")


async def test_migration_18_renames_lebakwangi_and_numbers_registrations(tmp_path: Path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    for version, migration in sorted(MIGRATIONS.items()):
        if version < 18:
            migration(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, '')", [version])
    db.execute(
        "INSERT INTO reports (ref, status, kecamatan, created_at) VALUES "
        "('SRG-2025-00001', 'received', 'Lebakwangi', '2025-05-01')"
    )
    db.execute(
        "INSERT INTO officer_accounts (username, password_hash, role) VALUES "
        "('camat', 'x', 'kecamatan:Lebakwangi'), ('kades', 'x', 'desa:Lebakwangi/Bolang')"
    )
    db.execute(
        "INSERT INTO subscriptions VALUES ('telegram', '7', 'kecamatan', 'lebakwangi', 'id', '')"
    )
    for user, year in (("7", "2025"), ("8", "2026"), ("9", "2026")):
        db.execute(
            "INSERT INTO registrations (channel, user_ref, kecamatan, created_at, updated_at) "
            "VALUES ('telegram', ?, 'Lebak Wangi', ?, ?)",
            [user, f"{year}-01-01", f"{year}-01-01"],
        )
    db.conn.commit()
    db.close()

    store = Store(path)
    await store.open()
    await store.close()
    with sqlite3.connect(path) as connection:
        read = lambda sql: connection.execute(sql).fetchall()  # noqa: E731
        assert read("SELECT kecamatan FROM reports") == [("Lebak Wangi",)]
        assert read("SELECT role FROM officer_accounts ORDER BY id") == [
            ("kecamatan:Lebak Wangi",),
            ("desa:Lebak Wangi/Bolang",),
        ]
        assert read("SELECT value FROM subscriptions") == [("lebak wangi",)]
        assert read("SELECT ref FROM registrations ORDER BY id") == [
            ("CPMI-2025-00001",),
            ("CPMI-2026-00001",),
            ("CPMI-2026-00002",),
        ]
