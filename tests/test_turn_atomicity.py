"""kill -9 at any point of a turn's commit leaves the whole turn or none of it.

A child process commits one reporter's turn that does everything a turn can: it saves the
session, files a report (with the officers' card), relays the reporter's answer to the
officers, queues the replies and marks the update answered. The child kills itself (SIGKILL)
at one point inside the transaction, or just after the commit. The parent then looks at the
database: before the commit nothing of the turn is there; after it, all of it. Redoing the
turn (the platform resends the update) then leaves every part exactly once.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from datetime import UTC, datetime
    from bot.effects import FileReport, RelayToOfficers
    from bot.engine.session import Session
    from bot.records import Envelope
    from bot.store import Store
    import bot.store.effects, bot.store.rows, bot.store.turns, bot.store.database

    POINT = sys.argv[2]
    NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    def killing(module, name):
        real = getattr(module, name)
        def wrapped(*args, **kwargs):
            result = real(*args, **kwargs)
            die()
            return result
        setattr(module, name, wrapped)

    if POINT == "filed":
        killing(bot.store.effects, "_notify_officers")
    elif POINT == "relayed":
        killing(bot.store.effects, "add_message")
    elif POINT == "answered":
        killing(bot.store.turns, "finish_update")
    elif POINT == "questions":
        killing(bot.store.turns, "log_questions")
    elif POINT == "queued":
        killing(bot.store.turns, "queue_envelopes")
    elif POINT == "committed":
        bot.store.database._resolve_all = die

    FIELDS = {"channel": "whatsapp", "user": "62811", "anonymous": True, "urgent": False,
              "offer": "x", "recruiter": "x", "place": "", "kecamatan": "Pontang",
              "country": "", "name": "", "phone": "", "lang": "id"}

    async def main():
        store = Store(sys.argv[1])
        await store.open()
        card = Envelope("telegram", "-100", {"text": "card"})
        relay = Envelope("telegram", "-100", {"text": "jawaban pelapor"})
        await store.commit_turn(
            "whatsapp", "62811", Session(lang="id", node="report_done"), "wamid.1",
            ["report_done"], NOW, [{"text": "terkirim"}], [],
            [FileReport("key-1", FIELDS, (), "SRG", cards=(card,)),
             RelayToOfficers("SRG-2026-00001", "jawaban", (relay,))],
        )
        await store.close()

    asyncio.run(main())
    """
)
POINTS_BEFORE_COMMIT = ["filed", "relayed", "answered", "questions", "queued"]


def commit_turn(db: Path, point: str) -> int:
    """Run the child; its exit code (-9 when it killed itself)."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), point], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def parts_of_the_turn(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        count = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "session": count("SELECT COUNT(*) FROM sessions WHERE user_ref = '62811'"),
            "report": count("SELECT COUNT(*) FROM reports"),
            "card": count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%card%'"),
            "relay": count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%jawaban pelapor%'"),
            "thread": count("SELECT COUNT(*) FROM report_messages"),
            "reply": count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%terkirim%'"),
            "answered": count("SELECT COUNT(*) FROM processed_updates"),
        }


ALL = dict.fromkeys(["session", "report", "card", "relay", "thread", "reply", "answered"], 1)
NONE = dict.fromkeys(ALL, 0)


@pytest.mark.parametrize("point", POINTS_BEFORE_COMMIT)
def test_a_kill_inside_the_commit_leaves_nothing_and_the_redone_turn_everything_once(
    tmp_path, point
):
    killed = tmp_path / "bot.db"
    assert commit_turn(killed, point) == -9
    assert parts_of_the_turn(killed) == NONE, f"killed at {point}: nothing of the turn"
    assert commit_turn(killed, "none") == 0  # the update comes again: the turn is redone
    assert parts_of_the_turn(killed) == ALL


def test_a_kill_just_after_the_commit_keeps_the_whole_turn(tmp_path):
    db = tmp_path / "bot.db"
    assert commit_turn(db, "committed") == -9
    assert parts_of_the_turn(db) == ALL


async def test_an_officers_change_on_a_changed_report_writes_nothing_of_its_turn(tmp_path):
    """Two officers at once: the second change expects a status the report no longer has;
    the store refuses the whole turn (no audit line, no reply, no answered update)."""
    from datetime import UTC, datetime

    from bot.effects import AuditLine, ChangeReport, FileReport, QueueMessages
    from bot.records import Conflict, Envelope
    from bot.store import Store

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    fields = {
        "channel": "web", "user": "u", "anonymous": True, "urgent": False, "offer": "x",
        "recruiter": "", "place": "", "kecamatan": "", "country": "", "name": "",
        "phone": "", "lang": "id",
    }  # fmt: skip
    store = Store(tmp_path / "bot.db")
    await store.open()
    try:
        ref = await store.commit_effects("web", "", now, [FileReport("k", fields, (), "SRG")])
        claim = ChangeReport(ref, 42, "claim", {"status": "claimed"}, expect_status="received")
        await store.commit_effects("telegram", "u1", now, [claim])
        late = [
            ChangeReport(ref, 43, "claim", {"status": "claimed"}, expect_status="received"),
            AuditLine(43, "view", ref),
            QueueMessages((Envelope("telegram", "-100", {"text": "diambil"}),)),
        ]
        with pytest.raises(Conflict):
            await store.commit_effects("telegram", "u2", now, late)
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("SELECT officer_id FROM audit_log").fetchall() == [(42,)]
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM processed_updates").fetchone() == (1,)
