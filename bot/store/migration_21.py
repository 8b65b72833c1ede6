"""Migration 21: the job listings already announced to subscribers.

The running bot announces the open listings of the board it loaded that are not in
`announced_listings` (`bot.job_alerts`), and records them in the same transaction as the
alerts, so a failed write is announced on the next pass and nothing is announced twice.
The row `BASELINE` tells the first pass after this migration to record the board it finds
without announcing it: those listings were announced by the import command of earlier
versions (or, on a new installation, there is nobody to tell yet).
"""

from __future__ import annotations

import sqlite_utils

BASELINE = "*baseline*"


def migration_21(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE announced_listings (ref TEXT PRIMARY KEY, announced_at TEXT NOT NULL)")
    db.execute("INSERT INTO announced_listings VALUES (?, datetime('now'))", [BASELINE])
