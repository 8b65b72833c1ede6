"""Migration 18: numbers for registrations and their thread with officers (the relay to a
registered person), and one spelling of the kecamatan Lebak Wangi.

(In a module of its own: `migrations.py` holds the earlier ones and is near its size.)
"""

from __future__ import annotations

import sqlite_utils

from bot.store.refs import next_registration_ref


def migration_18(db: sqlite_utils.Database) -> None:
    """Apply migration 18 (in the caller's transaction)."""
    # officers write to a registered person who allowed it through the bot's relay, by a
    # number like a report's (bot.store.refs), never by their account
    db.table("registrations").add_column("ref", str)
    db.execute("CREATE UNIQUE INDEX registrations_ref ON registrations (ref) WHERE ref IS NOT NULL")
    db.table("ref_counters").create({"prefix": str, "last": int}, pk="prefix")
    rows = db.execute("SELECT id, created_at FROM registrations ORDER BY id").fetchall()
    for registration_id, created_at in rows:
        ref = next_registration_ref(db, str(created_at)[:4])
        db.execute("UPDATE registrations SET ref = ? WHERE id = ?", [ref, registration_id])
    # the thread between officers and a registered person: erased with the registration
    db.table("registration_messages").create(
        {
            "id": int,
            "registration_id": int,
            "direction": str,  # "to_reporter" (from an officer) or "from_reporter"
            "author": str,
            "text": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("registration_id", "registrations", "id")],
    )
    db.table("registration_messages").create_index(["registration_id"])
    # the report form spelled "Lebakwangi"; Kepmendagri 300.2.2-2138/2025 (and the plan's
    # registration) "Lebak Wangi": one spelling, so that its officers see every case
    for table in ("reports", "registrations"):
        db.execute(
            f"UPDATE {table} SET kecamatan = 'Lebak Wangi' WHERE kecamatan = 'Lebakwangi' "
            "COLLATE NOCASE"
        )
    db.execute(
        "UPDATE OR IGNORE subscriptions SET value = 'lebak wangi' "
        "WHERE topic = 'kecamatan' AND value = 'lebakwangi'"
    )
    db.execute("DELETE FROM subscriptions WHERE topic = 'kecamatan' AND value = 'lebakwangi'")
    db.execute(
        "UPDATE officer_accounts SET role = replace(role, ':Lebakwangi', ':Lebak Wangi') "
        "WHERE role = 'kecamatan:Lebakwangi' OR role LIKE 'desa:Lebakwangi/%'"
    )
    db.execute("UPDATE alert_drafts SET target = 'Lebak Wangi' WHERE target = 'Lebakwangi'")
