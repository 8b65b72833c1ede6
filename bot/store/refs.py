"""Numbers of registrations, like a report's (`CPMI-2026-00012`): officers write to a
registered person by this number, never by their account.

A number is taken from a counter per year and never given twice, not even after "hapus
data" deleted its registration: a message sent to an old number must reach nobody.
"""

from __future__ import annotations

import sqlite_utils

REGISTRATION_PREFIX = "CPMI"


def next_registration_ref(db: sqlite_utils.Database, year: int | str) -> str:
    """Take the next number of `year`, inside the caller's transaction."""
    prefix = f"{REGISTRATION_PREFIX}-{year}-"
    db.execute(
        "INSERT INTO ref_counters VALUES (?, 1) ON CONFLICT (prefix) DO UPDATE SET last = last + 1",
        [prefix],
    )
    last = db.execute("SELECT last FROM ref_counters WHERE prefix = ?", [prefix]).fetchone()[0]
    return f"{prefix}{int(last):05d}"
