"""The one module that owns SQLite: schema, migrations and every query.

All database work runs on one dedicated writer thread with its own connection
(sqlite-utils' default connection refuses use from other threads), so the
event loop never blocks on disk. Jobs that arrive together are committed in one
transaction (group commit): many users' turns share one fsync, and each
caller's future resolves only after its data is durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.engine.session import Offered, QuestionLog, Session

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256
BUSY_TIMEOUT_MS = 5000
MAX_ATTEMPTS = 3  # starts an unprocessed event is tried at before it is set aside
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024


class StoreError(Exception):
    """The database could not do what was asked (disk full, locked, read-only, corrupt)."""


def _migration_1(db: sqlite_utils.Database) -> None:
    db["sessions"].create(
        {
            "channel": str,
            "user_ref": str,
            "lang": str,
            "node": str,
            "screen": int,
            "stack": str,
            "answers": str,
            "pending": str,
            "updated_at": str,
        },
        pk=("channel", "user_ref"),
    )
    db["sessions"].create_index(["updated_at"])
    db["processed_updates"].create(
        {"channel": str, "update_id": str, "processed_at": str}, pk=("channel", "update_id")
    )
    db["processed_updates"].create_index(["processed_at"])
    db["node_visits"].create(
        {"day": str, "channel": str, "node": str, "count": int}, pk=("day", "channel", "node")
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    db["outbox"].create(
        {
            "id": int,
            "channel": str,
            "user_ref": str,
            "body": str,
            "priority": int,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        not_null={"channel", "user_ref", "body", "status"},
        defaults={"priority": 0, "status": "pending", "attempts": 0},
    )
    db["outbox"].create_index(["channel", "user_ref", "status", "id"])
    db["outbox"].create_index(["channel", "status", "next_attempt_at"])
    db["inbox"].create(
        {"channel": str, "update_id": str, "payload": str, "received_at": str},
        pk=("channel", "update_id"),
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    db["whatsapp_users"].create(
        {"user_ref": str, "wa_id": str, "bsuid": str, "last_inbound_at": str},
        pk="user_ref",
        not_null={"wa_id", "bsuid", "last_inbound_at"},
    )
    db["whatsapp_users"].create_index(["wa_id"])
    db["whatsapp_users"].create_index(["bsuid"])
    db["whatsapp_statuses"].create(
        {"wamid": str, "recipient": str, "status": str, "error": str, "updated_at": str},
        pk="wamid",
    )
    db["whatsapp_statuses"].create_index(["updated_at"])


def _migration_4(db: sqlite_utils.Database) -> None:
    db["sessions"].add_column("choices", str)  # JSON: choices an action offered (Offered)


def _migration_5(db: sqlite_utils.Database) -> None:
    db["reports"].create(
        {
            "id": int,
            "ref": str,
            "idempotency_key": str,
            "channel": str,
            "user_ref": str,
            "anonymous": int,
            "urgent": int,
            "status": str,
            "outcome": str,
            "offer": str,
            "recruiter": str,
            "place": str,
            "kecamatan": str,
            "country": str,
            "name": str,
            "phone": str,
            "lang": str,
            "created_at": str,
            "claimed_by": int,
            "claimed_by_name": str,
            "claimed_at": str,
            "closed_at": str,
            "announced_at": str,
            "erased_at": str,
        },
        pk="id",
        not_null={"ref", "status", "created_at"},
    )
    db["reports"].create_index(["ref"], unique=True)
    db["reports"].create_index(["idempotency_key"], unique=True)
    db["reports"].create_index(["channel", "user_ref"])
    db["reports"].create_index(["status", "urgent"])
    db["report_media"].create(
        {"id": int, "report_id": int, "path": str},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    )
    db["report_messages"].create(
        {
            "id": int,
            "report_id": int,
            "direction": str,
            "author": str,
            "text": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    )
    db["audit_log"].create(
        {"id": int, "at": str, "officer_id": int, "action": str, "report_ref": str, "detail": str},
        pk="id",
    )
    for event in ("UPDATE", "DELETE"):  # append-only: the audit log cannot be rewritten
        db.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    db["officer_prompts"].create(
        {"officer_id": int, "chat_id": int, "action": str, "report_ref": str, "created_at": str},
        pk=("officer_id", "chat_id"),
    )
    db["relays"].create(
        {"channel": str, "user_ref": str, "report_ref": str, "opened_at": str},
        pk=("channel", "user_ref"),
    )


def _migration_6(db: sqlite_utils.Database) -> None:
    # due_outbox reads pending messages in send order (priority, id) from this index
    # and stops at its LIMIT, instead of sorting every pending message on each call
    db["outbox"].create_index(["channel", "status", "priority", "id"])


def _migration_7(db: sqlite_utils.Database) -> None:
    db["sessions"].add_column("memory", str)  # JSON: the routed question and drafts
    db["reports"].add_column("kind", str, not_null_default="report")  # report | question
    # questions the bot did not answer with confidence, for content authors: no user id
    db["unanswered_questions"].create(
        {"key": str, "text": str, "lang": str, "offered": str, "chosen": str, "asked_at": str},
        pk="key",
        not_null={"text", "asked_at"},
    )
    db["unanswered_questions"].create_index(["asked_at"])


def _migration_8(db: sqlite_utils.Database) -> None:
    # set by "hapus data": the phone number goes once the last reply to it is sent
    db["whatsapp_users"].add_column("erased", int, not_null_default=0)
    # answered update ids are kept as hashes (a wamid holds the phone number)
    rows = db.execute("SELECT channel, update_id FROM processed_updates").fetchall()
    db.conn.executemany(
        "UPDATE processed_updates SET update_id = ? WHERE channel = ? AND update_id = ?",
        [(update_key(update_id), channel, update_id) for channel, update_id in rows],
    )


def _migration_9(db: sqlite_utils.Database) -> None:
    # an event that fails again and again is set aside with the reason, not retried forever
    db["inbox"].add_column("attempts", int, not_null_default=0)
    db["inbox"].add_column("last_error", str)
    db["dead_updates"].create(
        {"channel": str, "update_key": str, "reason": str, "failed_at": str},
        pk=("channel", "update_key"),
    )
    db["dead_updates"].create_index(["failed_at"])


def _migration_10(db: sqlite_utils.Database) -> None:
    # due_outbox takes each user's first message, urgent ones first: without this index a
    # long officers' queue was scanned once per waiting message (seconds at 8,000)
    db.execute(
        "CREATE INDEX idx_outbox_first ON outbox (channel, user_ref, status, priority >= 0, id)"
    )
    # the report an officers' card is about: its personal data goes when the reporter erases
    db["outbox"].add_column("report_ref", str)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
]
OFFICER_COLUMNS = frozenset(
    {"status", "outcome", "claimed_by", "claimed_by_name", "claimed_at", "closed_at"}
)
"""Report columns an officer action may change."""
_FORGOTTEN_WHATSAPP_USER = (
    "erased = 1 AND NOT EXISTS (SELECT 1 FROM outbox WHERE channel = 'whatsapp' AND "
    "outbox.user_ref = whatsapp_users.user_ref AND status IN ('pending', 'held'))"
)
"""A WhatsApp contact whose user erased their data and has nothing left to receive."""
DIGEST_AFTER = 5  # officers' cards already waiting: further ordinary reports go in a digest
DIGEST_TEXT = (
    "📥 {count} laporan baru lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihat daftarnya (mendesak paling atas)."
)
URGENT_DIGEST_TEXT = (
    "🚨 {count} laporan MENDESAK lagi masuk bersamaan dan tidak ditampilkan satu per satu. "
    "Ketik /queue untuk melihatnya."
)
OUTBOX_URGENT = -1  # officers' messages about urgent reports: before everything else
OUTBOX_REPLY = 0
OUTBOX_BULK = 1


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued message: who it is for and what it says."""

    id: int
    user: str
    body: dict
    attempts: int


@dataclass(frozen=True, slots=True)
class TurnStart:
    """What a turn starts from: answered already?, the session, an officer relay's report."""

    processed: bool
    session: Session | None = None
    relay: str | None = None


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A platform event persisted before it was acknowledged, not yet processed."""

    update_id: str
    payload: str


@dataclass(frozen=True, slots=True)
class WhatsAppContact:
    """How to reach a WhatsApp user, when they last wrote, how many messages wait for them."""

    user_ref: str
    wa_id: str
    bsuid: str
    last_inbound_at: datetime
    held: int


WHATSAPP = "whatsapp"
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}
"""WhatsApp delivery statuses arrive out of order; a lower rank never overwrites a higher one."""


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A logged question as content authors read it (there is no user in it)."""

    text: str
    lang: str
    offered: tuple[str, ...]
    chosen: str
    asked_at: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """A message to queue for one user on one channel; `relay_ref` opens an officer relay."""

    channel: str
    user: str
    body: dict
    relay_ref: str = ""
    priority: int | None = None  # None: the queue's default (a reply); OUTBOX_URGENT jumps ahead
    report_ref: str = ""  # an officers' card about this report (erased with its reporter)


@dataclass(frozen=True, slots=True)
class ReportMessage:
    """One line of a report's thread: officer question, reporter answer, or officer note."""

    direction: str  # "to_reporter", "from_reporter" or "note"
    author: str
    text: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """A report as stored, with its photos and thread."""

    id: int
    ref: str
    channel: str
    user: str
    anonymous: bool
    urgent: bool
    status: str
    outcome: str
    offer: str
    recruiter: str
    place: str
    kecamatan: str
    country: str
    name: str
    phone: str
    lang: str
    created_at: datetime
    claimed_by: int | None
    claimed_by_name: str
    photos: list[str]
    messages: list[ReportMessage]
    kind: str = "report"  # or "question": a question the bot could not answer


@dataclass
class _Job:
    function: Callable[[sqlite_utils.Database], Any]
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    checkpoint: bool = False  # it erased personal data: copy the WAL into the file and empty it


class Store:
    """Sessions, processed update ids and anonymous usage counts in one SQLite file."""

    def __init__(self, path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._open_error: BaseException | None = None
        self.failing = False  # the last write failed: the health check tries one

    # ----- lifecycle ----------------------------------------------------------------------

    async def open(self) -> None:
        """Open the database on the writer thread and apply pending migrations."""
        if self.path.parent and str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._worker, name="sqlite-writer", daemon=True)
        self._thread.start()
        await asyncio.get_running_loop().run_in_executor(None, self._ready.wait)
        if self._open_error:
            raise StoreError(f"cannot open database {self.path}: {self._open_error}")

    async def close(self) -> None:
        """Finish queued jobs and close the connection."""
        if self._thread:
            self._jobs.put(None)
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)
            self._thread = None

    def _worker(self) -> None:
        try:
            connection = sqlite3.connect(str(self.path), isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            db = sqlite_utils.Database(connection)
            db.enable_wal()
            connection.execute("PRAGMA synchronous = FULL")
            # erased data is overwritten, not left in free pages; the WAL does not keep growing
            connection.execute("PRAGMA secure_delete = ON")
            connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            self._migrate(db)
        except (sqlite3.Error, OSError) as error:
            self._open_error = error
            self._ready.set()
            return
        self._ready.set()
        stop = False
        while not stop:
            batch: list[_Job] = []
            first = self._jobs.get()
            if first is None:
                break
            batch.append(first)
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            self._run_batch(connection, db, batch)
        connection.close()

    def _run_batch(
        self, connection: sqlite3.Connection, db: sqlite_utils.Database, batch: list[_Job]
    ) -> None:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:  # locked or read-only: every job fails alike, at once
            _rollback(connection)  # and never leave a stray transaction open
            for job in batch:
                _resolve(job, error=_as_store_error(error))
            return
        changes = connection.total_changes
        try:
            results = [job.function(db) for job in batch]
            connection.execute("COMMIT")
        except Exception as error:
            _rollback(connection)
            if len(batch) > 1:  # find the failing job: run each alone
                for job in batch:
                    self._run_batch(connection, db, [job])
                return
            if isinstance(error, sqlite3.OperationalError):  # disk full, I/O error, ...
                self.failing = True
            _resolve(batch[0], error=_as_store_error(error))
            return
        if connection.total_changes > changes:
            self.failing = False  # a write went through
        if any(job.checkpoint for job in batch):
            # what was erased must not stay readable in the WAL until some later checkpoint
            with contextlib.suppress(sqlite3.Error):
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _resolve_all(batch, results)

    def _migrate(self, db: sqlite_utils.Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "applied_at TEXT)"
        )
        done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, migration in enumerate(MIGRATIONS, 1):
            if version in done:
                continue
            with db.conn:
                db.execute("BEGIN")
                migration(db)
                db.execute("INSERT INTO schema_migrations VALUES (?, datetime('now'))", [version])
            log.info("database migrated to version %d", version)

    async def _call(
        self, function: Callable[[sqlite_utils.Database], T], checkpoint: bool = False
    ) -> T:
        if self._thread is None:
            raise StoreError("the store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(function, future, loop, checkpoint))
        return await future

    # ----- queries ------------------------------------------------------------------------

    async def load_session(self, channel: str, user: str) -> Session | None:
        """The user's session, or None for a user we have not seen (or who erased their data)."""
        return await self._call(lambda db: _session(db, channel, user))

    async def begin_turn(self, channel: str, user: str, update_id: str) -> TurnStart:
        """What a turn starts from, in one round trip: whether the update was answered
        already, the user's session, and the report whose officer is talking with them."""

        def read(db: sqlite_utils.Database) -> TurnStart:
            if update_id and _processed(db, channel, update_id):
                return TurnStart(processed=True)
            return TurnStart(
                processed=False,
                session=_session(db, channel, user),
                relay=_relay(db, channel, user),
            )

        return await self._call(read)

    async def commit_turn(
        self,
        channel: str,
        user: str,
        session: Session | None,
        update_id: str,
        visits: list[str],
        now: datetime,
        outbox: list[dict] | None = None,
        questions: list[QuestionLog] | None = None,
    ) -> list[str]:
        """Save one turn atomically: session (or its erasure), update id, visits, queued replies,
        and the questions it could not answer (kept without any user identifier).

        The update id leaves the inbox in the same transaction, so a crash either
        redoes the whole turn or none of it. Erasing a session also erases the
        user's personal data from their reports (the facts stay for the officers)
        and returns the paths of their photos, for the caller to delete.
        """

        def write(db: sqlite_utils.Database) -> list[str]:
            erased: list[str] = []
            if session is None:
                db.execute(
                    "DELETE FROM sessions WHERE channel = ? AND user_ref = ?", [channel, user]
                )
                db.execute("DELETE FROM relays WHERE channel = ? AND user_ref = ?", [channel, user])
                db.execute(
                    "DELETE FROM outbox WHERE channel = ? AND user_ref = ? AND status IN "
                    "('sent', 'dead')",
                    [channel, user],
                )
                if channel == WHATSAPP:  # forgotten once the "deleted" reply is sent
                    db.execute("UPDATE whatsapp_users SET erased = 1 WHERE user_ref = ?", [user])
                ids = [
                    row[0]
                    for row in db.execute(
                        "SELECT id FROM reports WHERE channel = ? AND user_ref = ?", [channel, user]
                    )
                ]
                erased = _erase_reports(db, ids, now)
            else:
                db.execute(
                    "INSERT INTO sessions (channel, user_ref, lang, node, screen, stack, answers, "
                    "pending, updated_at, choices, memory) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (channel, user_ref) DO UPDATE SET lang = excluded.lang, "
                    "node = excluded.node, screen = excluded.screen, stack = excluded.stack, "
                    "answers = excluded.answers, pending = excluded.pending, "
                    "updated_at = excluded.updated_at, choices = excluded.choices, "
                    "memory = excluded.memory",
                    [
                        channel,
                        user,
                        session.lang,
                        session.node,
                        session.screen,
                        json.dumps(session.stack, separators=(",", ":")),
                        json.dumps(session.answers, separators=(",", ":"), ensure_ascii=False),
                        session.pending,
                        now.isoformat(),
                        _json(session.offered.to_dict()) if session.offered else None,
                        _json(memory) if (memory := session.memory()) else None,
                    ],
                )
            _finish_update(db, channel, update_id, now)
            _log_questions(db, questions or [])
            _enqueue(db, [Envelope(channel, user, body) for body in outbox or []], now)
            day = now.date().isoformat()
            for node in visits:
                db.execute(
                    "INSERT INTO node_visits VALUES (?, ?, ?, 1) ON CONFLICT (day, "
                    "channel, node) DO UPDATE SET count = count + 1",
                    [day, channel, node],
                )
            return erased

        return await self._call(write, checkpoint=session is None)

    async def enqueue(
        self,
        channel: str,
        user: str,
        bodies: list[dict],
        now: datetime,
        priority: int = OUTBOX_BULK,
    ) -> None:
        """Queue messages that are not a reply to a turn (alerts, relays, broadcasts)."""

        envelopes = [Envelope(channel, user, body) for body in bodies]
        await self._call(lambda db: _enqueue(db, envelopes, now, priority))

    async def due_outbox(self, channel: str, now: datetime, limit: int) -> list[OutboxItem]:
        """The first pending message of each user whose time has come; replies first.

        A user's later messages wait behind their oldest one, so each user gets their
        messages in order (only an urgent card for the officers jumps ahead), while one
        slow user never holds up the others.
        """

        def read(db: sqlite_utils.Database) -> list[OutboxItem]:
            rows = db.execute(
                "SELECT o.id, o.user_ref, o.body, o.attempts FROM outbox o WHERE o.channel = ? "
                "AND o.status = 'pending' AND (o.next_attempt_at IS NULL OR "
                "o.next_attempt_at <= ?) AND o.id = (SELECT p.id FROM outbox p WHERE "
                "p.channel = o.channel AND p.user_ref = o.user_ref AND p.status = 'pending' "
                "ORDER BY p.priority >= 0, p.id LIMIT 1) ORDER BY o.priority, o.id LIMIT ?",
                [channel, now.isoformat(), limit],
            ).fetchall()
            return [OutboxItem(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]

        return await self._call(read)

    async def next_outbox_time(self, channel: str) -> datetime | None:
        """When the earliest pending message becomes due (None: nothing pending)."""

        def read(db: sqlite_utils.Database) -> datetime | None:
            row = db.execute(
                "SELECT MIN(COALESCE(next_attempt_at, created_at)) FROM outbox "
                "WHERE channel = ? AND status = 'pending'",
                [channel],
            ).fetchone()
            return datetime.fromisoformat(row[0]) if row and row[0] else None

        return await self._call(read)

    async def outbox_sent(self, item_id: int, now: datetime) -> None:
        """Mark a message delivered. The last message to a WhatsApp user who erased their data
        (the "deleted" confirmation) takes their phone number with it."""

        def write(db: sqlite_utils.Database) -> int:
            db.execute(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, body = "
                "CASE WHEN priority <= 0 THEN '{}' ELSE body END WHERE id = ?",
                [now.isoformat(), item_id],
            )
            row = db.execute(
                "SELECT user_ref FROM outbox WHERE id = ? AND channel = 'whatsapp'", [item_id]
            ).fetchone()
            return _forget_whatsapp_user(db, row[0]) if row else 0

        if await self._call(write):
            await self._call(lambda db: None, checkpoint=True)  # and out of the WAL too

    async def outbox_retry(self, item_id: int, when: datetime, error: str) -> None:
        """Try a message again at `when`."""
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                "WHERE id = ?",
                [when.isoformat(), error[:500], item_id],
            )
        )

    async def outbox_dead(self, item_id: int, error: str) -> None:
        """Give up on a message (dead letter), keeping the reason."""
        await self._call(
            lambda db: db.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                [error[:500], item_id],
            )
        )

    async def inbox_put(self, channel: str, update_id: str, payload: str, now: datetime) -> bool:
        """Persist a platform event before acknowledging it; False if it was seen before."""

        def write(db: sqlite_utils.Database) -> bool:
            if _processed(db, channel, update_id):
                return False
            return (
                db.execute(
                    "INSERT OR IGNORE INTO inbox (channel, update_id, payload, received_at) "
                    "VALUES (?, ?, ?, ?)",
                    [channel, update_id, payload, now.isoformat()],
                ).rowcount
                == 1
            )

        return await self._call(write)

    async def inbox_pending(self, channel: str, now: datetime) -> list[InboxItem]:
        """Events persisted but not yet processed (after a crash), oldest first.

        Each call is one more attempt for them: an event still here after MAX_ATTEMPTS
        (it failed, or crashed the process, every time) goes to `dead_updates` with its
        last error and without its payload, and is logged once."""

        def write(db: sqlite_utils.Database) -> list[InboxItem]:
            db.execute("UPDATE inbox SET attempts = attempts + 1 WHERE channel = ?", [channel])
            dead = db.execute(
                "SELECT update_id, last_error FROM inbox WHERE channel = ? AND attempts > ?",
                [channel, MAX_ATTEMPTS],
            ).fetchall()
            for update_id, error in dead:
                _set_aside(db, channel, update_id, error or "it stopped the process", now)
            rows = db.execute(
                "SELECT update_id, payload FROM inbox WHERE channel = ? "
                "ORDER BY received_at, rowid",
                [channel],
            ).fetchall()
            return [InboxItem(row[0], row[1]) for row in rows]

        return await self._call(write)

    async def inbox_failed(self, channel: str, update_id: str, error: str, now: datetime) -> None:
        """Count a failed attempt at an event (its error's kind only: the message may quote
        the user); it is tried again at the next start, set aside after MAX_ATTEMPTS."""

        def write(db: sqlite_utils.Database) -> None:
            db.execute(
                "UPDATE inbox SET last_error = ?, attempts = attempts + 1 WHERE channel = ? AND "
                "update_id = ?",
                [error[:80], channel, update_id],
            )
            row = db.execute(
                "SELECT attempts FROM inbox WHERE channel = ? AND update_id = ?",
                [channel, update_id],
            ).fetchone()
            if row and row[0] >= MAX_ATTEMPTS:
                _set_aside(db, channel, update_id, error[:80], now)

        await self._call(write)

    async def inbox_drop(self, channel: str, update_id: str) -> None:
        """Forget a persisted event that needs no processing (e.g. a status notice)."""
        await self._call(
            lambda db: db.execute(
                "DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id]
            )
        )

    async def skip_update(
        self, channel: str, user: str, update_id: str, now: datetime, outbox: list[dict]
    ) -> None:
        """Count an update as answered without a dialog turn (a flood drop); queue `outbox`."""

        def write(db: sqlite_utils.Database) -> None:
            _finish_update(db, channel, update_id, now)
            _enqueue(db, [Envelope(channel, user, body) for body in outbox], now)

        await self._call(write)

    # ----- WhatsApp: contacts, the 24-hour window, delivery statuses ----------------------

    async def whatsapp_seen(self, wa_id: str, bsuid: str, at: datetime) -> tuple[str, int]:
        """Record that a user wrote at `at`; returns (user ref, number of held messages released).

        The user ref is the business-scoped id when known, else the phone-based wa_id;
        a user first seen by one of them keeps that ref when the other appears later.
        Messages held while the 24-hour window was closed become pending again.
        """

        def write(db: sqlite_utils.Database) -> tuple[str, int]:
            row = db.execute(
                # NULLIF: an empty id matches nothing, instead of walking every user's
                # empty id in the index (O(users) per message)
                "SELECT user_ref FROM whatsapp_users WHERE bsuid = NULLIF(?, '') "
                "OR wa_id = NULLIF(?, '') ORDER BY bsuid = ? DESC LIMIT 1",
                [bsuid, wa_id, bsuid],
            ).fetchone()
            user = row[0] if row else (bsuid or wa_id)
            db.execute(
                "INSERT INTO whatsapp_users (user_ref, wa_id, bsuid, last_inbound_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_ref) DO UPDATE SET erased = 0, "
                "wa_id = CASE WHEN excluded.wa_id != '' THEN excluded.wa_id ELSE wa_id END, "
                "bsuid = CASE WHEN excluded.bsuid != '' THEN excluded.bsuid ELSE bsuid END, "
                "last_inbound_at = MAX(last_inbound_at, excluded.last_inbound_at)",
                [user, wa_id, bsuid, at.isoformat()],
            )
            released = db.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = NULL, attempts = 0 "
                "WHERE channel = ? AND user_ref = ? AND status = 'held'",
                [WHATSAPP, user],
            ).rowcount
            return user, released

        return await self._call(write)

    async def whatsapp_contact(self, user: str) -> WhatsAppContact | None:
        """A WhatsApp user's ids, last message time and held message count (None: unknown)."""

        def read(db: sqlite_utils.Database) -> WhatsAppContact | None:
            row = db.execute(
                "SELECT wa_id, bsuid, last_inbound_at, (SELECT COUNT(*) FROM outbox WHERE "
                "channel = ? AND user_ref = ? AND status = 'held') FROM whatsapp_users "
                "WHERE user_ref = ?",
                [WHATSAPP, user, user],
            ).fetchone()
            if row is None:
                return None
            return WhatsAppContact(user, row[0], row[1], datetime.fromisoformat(row[2]), row[3])

        return await self._call(read)

    async def whatsapp_hold(self, user: str, cutoff: datetime) -> bool:
        """Hold a user's pending messages unless they wrote after `cutoff`; True if held."""

        def write(db: sqlite_utils.Database) -> bool:
            recent = db.execute(
                "SELECT 1 FROM whatsapp_users WHERE user_ref = ? AND last_inbound_at >= ?",
                [user, cutoff.isoformat()],
            ).fetchone()
            if recent:
                return False
            db.execute(
                "UPDATE outbox SET status = 'held' WHERE channel = ? AND user_ref = ? "
                "AND status = 'pending'",
                [WHATSAPP, user],
            )
            return True

        return await self._call(write)

    async def whatsapp_status(
        self, wamid: str, recipient: str, status: str, error: str, at: datetime
    ) -> None:
        """Record a delivery status of a sent message; a stale (lower) status is ignored."""
        rank = STATUS_RANK.get(status, 0)

        def write(db: sqlite_utils.Database) -> None:
            known = db.execute(
                "SELECT 1 FROM whatsapp_users WHERE wa_id = ? AND erased = 0", [recipient]
            ).fetchone()
            if known is None:  # a user who erased their data: their number is not kept again
                return
            old = db.execute(
                "SELECT status FROM whatsapp_statuses WHERE wamid = ?", [wamid]
            ).fetchone()
            if old and STATUS_RANK.get(old[0], 0) > rank:
                return
            db.execute(
                "INSERT OR REPLACE INTO whatsapp_statuses VALUES (?, ?, ?, ?, ?)",
                [wamid, recipient, status, error[:500], at.isoformat()],
            )

        await self._call(write)

    async def prune(
        self, now: datetime, session_days: int, update_days: int = 7, draft_hours: int = 72
    ) -> int:
        """Erase sessions idle longer than `session_days` and old processed ids; count erased.

        Messages that could never be sent (dead) go after `update_days`; messages held for a
        WhatsApp user who never came back go with the session; drafts (and the remembered
        question) of a session idle longer than `draft_hours` go too."""

        def write(db: sqlite_utils.Database) -> int:
            session_cutoff = (now - timedelta(days=session_days)).isoformat()
            update_cutoff = (now - timedelta(days=update_days)).isoformat()
            erased = db.execute(
                "DELETE FROM sessions WHERE updated_at < ?", [session_cutoff]
            ).rowcount
            db.execute("DELETE FROM processed_updates WHERE processed_at < ?", [update_cutoff])
            db.execute("DELETE FROM dead_updates WHERE failed_at < ?", [session_cutoff])
            db.execute(  # drafts and open answers (photos of a report never sent) of a
                "UPDATE sessions SET memory = NULL, answers = '{}' WHERE updated_at < ? AND "
                "(memory IS NOT NULL OR answers != '{}')",  # session idle past the drafts' time
                [(now - timedelta(hours=draft_hours)).isoformat()],
            )
            stale = db.execute(  # an event unprocessed for a day: set aside, payload and all
                "SELECT channel, update_id, last_error FROM inbox WHERE received_at < ?",
                [(now - timedelta(days=1)).isoformat()],
            ).fetchall()
            for channel, update_id, error in stale:
                _set_aside(db, channel, update_id, error or "not processed within a day", now)
            db.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < ?", [update_cutoff])
            db.execute("DELETE FROM whatsapp_statuses WHERE updated_at < ?", [update_cutoff])
            db.execute("DELETE FROM whatsapp_users WHERE last_inbound_at < ?", [session_cutoff])
            for (user,) in db.execute(
                f"SELECT user_ref FROM whatsapp_users WHERE {_FORGOTTEN_WHATSAPP_USER}"
            ).fetchall():
                _forget_whatsapp_user(db, user)
            db.execute(
                "DELETE FROM outbox WHERE (status = 'dead' AND created_at < ?) OR "
                "(status = 'held' AND created_at < ?)",
                [update_cutoff, session_cutoff],
            )
            return erased

        return await self._call(write, checkpoint=True)

    async def prune_questions(self, before: datetime) -> int:
        """Erase unanswered questions asked before `before` (their retention); count them."""
        return await self._call(
            lambda db: (
                db.execute(
                    "DELETE FROM unanswered_questions WHERE asked_at < ?", [before.isoformat()]
                ).rowcount
            )
        )

    async def unanswered(self, since: datetime, limit: int = -1) -> list[UnansweredQuestion]:
        """Unanswered questions asked since `since`, the most recent `limit` (all: -1)."""

        def read(db: sqlite_utils.Database) -> list[UnansweredQuestion]:
            rows = db.execute(
                "SELECT text, lang, offered, chosen, asked_at FROM unanswered_questions "
                "WHERE asked_at >= ? ORDER BY asked_at DESC LIMIT ?",
                [since.isoformat(), limit],
            ).fetchall()
            return [
                UnansweredQuestion(
                    text, lang or "", tuple(json.loads(offered or "[]")), chosen or "", asked_at
                )
                for text, lang, offered, chosen, asked_at in rows
            ]

        return await self._call(read)

    # ----- reports and the officer queue --------------------------------------------------

    async def file_report(
        self,
        key: str,
        fields: dict[str, Any],
        photos: list[str],
        now: datetime,
        prefix: str,
        notify: Callable[[ReportRecord], list[Envelope]],
    ) -> tuple[ReportRecord, bool]:
        """Commit a report, its photos and the officers' notifications in one transaction.

        `key` makes filing idempotent: a redelivered message finds the report it
        already filed (second value False) and queues nothing again.
        """

        def write(db: sqlite_utils.Database) -> tuple[ReportRecord, bool]:
            existing = db.execute(
                "SELECT ref FROM reports WHERE idempotency_key = ?", [key]
            ).fetchone()
            if existing:
                return _report(db, existing[0]), False
            year_prefix = f"{prefix}-{now.year}-"
            last = db.execute(  # compared as numbers: "...-99999" < "...-100000"
                "SELECT MAX(CAST(substr(ref, ?) AS INTEGER)) FROM reports WHERE ref LIKE ?",
                [len(year_prefix) + 1, year_prefix + "%"],
            ).fetchone()[0]
            ref = f"{year_prefix}{(last or 0) + 1:05d}"
            report_id = db.execute(
                "INSERT INTO reports (ref, idempotency_key, channel, user_ref, anonymous, urgent, "
                "status, offer, recruiter, place, kecamatan, country, name, phone, lang, "
                "created_at, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ref,
                    key,
                    fields["channel"],
                    fields["user"],
                    int(fields["anonymous"]),
                    int(fields["urgent"]),
                    fields["offer"],
                    fields["recruiter"],
                    fields["place"],
                    fields["kecamatan"],
                    fields["country"],
                    fields["name"],
                    fields["phone"],
                    fields["lang"],
                    now.isoformat(),
                    fields.get("kind", "report"),
                ],
            ).lastrowid
            db.conn.executemany(
                "INSERT INTO report_media (report_id, path) VALUES (?, ?)",
                [(report_id, path) for path in photos],
            )
            record = _report(db, ref)
            _notify_officers(db, record, notify(record), now)
            return record, True

        return await self._call(write)

    async def media_in_use(self) -> set[str]:
        """Paths of received files that a report or an open dialog (or a draft) refers to."""

        def read(db: sqlite_utils.Database) -> set[str]:
            paths = {path for (path,) in db.execute("SELECT path FROM report_media").fetchall()}
            for answers, memory in db.execute(
                "SELECT answers, memory FROM sessions WHERE answers LIKE '%photos%' OR "
                "memory LIKE '%photos%'"
            ).fetchall():
                for blob in (answers, memory):
                    paths |= _strings_in(json.loads(blob)) if blob else set()
            return paths

        return await self._call(read)

    async def has_report(self, key: str) -> bool:
        """Whether a report with this idempotency key was filed (a redelivered message)."""
        return await self._call(
            lambda db: (
                db.execute("SELECT 1 FROM reports WHERE idempotency_key = ?", [key]).fetchone()
                is not None
            )
        )

    async def reports_since(self, channel: str, user: str, since: datetime) -> int:
        """How many reports (and questions) this user filed since `since`."""
        return await self._call(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM reports WHERE channel = ? AND user_ref = ? AND "
                "created_at >= ?",
                [channel, user, since.isoformat()],
            ).fetchone()[0]
        )

    async def officer_backlog(self, channel: str, chat: str) -> int:
        """Messages waiting to be sent to the officers' chat."""
        return await self._call(
            lambda db: db.execute(
                "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND "
                "status = 'pending'",
                [channel, chat],
            ).fetchone()[0]
        )

    async def report(self, ref: str) -> ReportRecord | None:
        """A report with its photos and messages, by reference number."""
        return await self._call(lambda db: _report(db, ref))

    async def open_reports(self, limit: int = 20) -> list[ReportRecord]:
        """Reports not yet closed: urgent first, then oldest first."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE status != 'closed' ORDER BY urgent DESC, id LIMIT ?",
                [limit],
            ).fetchall()
            return [_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def officer_update(
        self,
        ref: str,
        officer_id: int,
        action: str,
        now: datetime,
        changes: dict[str, Any] | None = None,
        note: str = "",
        envelopes: Callable[[ReportRecord], list[Envelope]] | None = None,
        from_status: str | None = None,
    ) -> ReportRecord | None:
        """An officer's action on a report: changes, a note, messages to queue, the audit line.

        All in one transaction, so the audit log never misses an action that happened.
        With `from_status`, nothing happens unless the report still has that status (two
        officers pressing at once: the second finds it changed and gets it back unchanged).
        """

        def write(db: sqlite_utils.Database) -> ReportRecord | None:
            record = _report(db, ref)
            if record is None or (from_status and record.status != from_status):
                return record
            if changes:
                assert set(changes) <= OFFICER_COLUMNS, changes
                assignments = ", ".join(f"{column} = ?" for column in changes)
                db.execute(
                    f"UPDATE reports SET {assignments} WHERE ref = ?",
                    [*changes.values(), ref],
                )
            if note:
                db.execute(
                    "INSERT INTO report_messages (report_id, direction, author, text, "
                    "created_at) VALUES (?, ?, ?, ?, ?)",
                    [record.id, action, str(officer_id), note, now.isoformat()],
                )
            # the text itself stays with the report (and goes with its retention), not here:
            # the audit log is append-only and kept for good
            _audit(db, officer_id, action, ref, f"{len(note)} characters" if note else "", now)
            record = _report(db, ref)
            if envelopes:
                _enqueue(db, envelopes(record), now)
            return record

        return await self._call(write)

    async def audit(
        self, officer_id: int, action: str, ref: str, detail: str, now: datetime
    ) -> None:
        """Append one line to the audit log (refusals, exports, views)."""
        await self._call(lambda db: _audit(db, officer_id, action, ref, detail, now))

    async def set_officer_prompt(
        self, officer_id: int, chat_id: int, action: str, ref: str, now: datetime
    ) -> None:
        """Remember that this officer's next message in this chat answers a prompt."""
        await self._call(
            lambda db: db.execute(
                "INSERT OR REPLACE INTO officer_prompts VALUES (?, ?, ?, ?, ?)",
                [officer_id, chat_id, action, ref, now.isoformat()],
            )
        )

    async def take_officer_prompt(
        self,
        officer_id: int,
        chat_id: int,
        since: datetime | None = None,
        ref_in: str | None = None,
    ) -> tuple[str, str] | None:
        """The pending prompt (action, report ref) of this officer in this chat, removed.

        A prompt older than `since` has expired: it is removed and ("expired", ref) comes
        back. With `ref_in` (the report numbers of the message replied to, space-separated),
        only a prompt about one of them is taken (in a group, only a reply to the prompt)."""

        def write(db: sqlite_utils.Database) -> tuple[str, str] | None:
            row = db.execute(
                "SELECT action, report_ref, created_at FROM officer_prompts WHERE "
                "officer_id = ? AND chat_id = ?",
                [officer_id, chat_id],
            ).fetchone()
            if row and since is not None and row[2] < since.isoformat():
                db.execute(
                    "DELETE FROM officer_prompts WHERE officer_id = ? AND chat_id = ?",
                    [officer_id, chat_id],
                )
                return ("expired", row[1])
            if row and ref_in is not None and row[1] not in ref_in.split():
                return None  # a remark to colleagues, not the answer to the prompt
            if row:
                db.execute(
                    "DELETE FROM officer_prompts WHERE officer_id = ? AND chat_id = ?",
                    [officer_id, chat_id],
                )
            return (row[0], row[1]) if row else None

        return await self._call(write)

    async def relay_from_reporter(
        self,
        channel: str,
        user: str,
        ref: str,
        text: str,
        now: datetime,
        envelopes: list[Envelope],
        update_id: str = "",
    ) -> None:
        """Keep the reporter's answer in the report thread and queue it for the officers.

        Once per `update_id`: a message processed again after a crash (the turn's own
        commit comes later) is not relayed twice.
        """

        def write(db: sqlite_utils.Database) -> None:
            if update_id:
                fresh = db.execute(
                    "INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
                    [channel, update_key(f"relay:{update_id}"), now.isoformat()],
                ).rowcount
                if not fresh:
                    return  # relayed already, before a crash
            db.execute(
                "INSERT INTO report_messages (report_id, direction, author, text, "
                "created_at) SELECT id, 'from_reporter', 'reporter', ?, ? FROM reports "
                "WHERE ref = ?",
                [text, now.isoformat(), ref],
            )
            _enqueue(db, envelopes, now)

        await self._call(write)

    async def close_relay(self, channel: str, user: str) -> None:
        """End the officer conversation of this user (the reporter went back to the menu)."""
        await self._call(
            lambda db: db.execute(
                "DELETE FROM relays WHERE channel = ? AND user_ref = ?", [channel, user]
            )
        )

    async def unclaimed_urgent(self, announced_before: datetime) -> list[ReportRecord]:
        """Urgent reports nobody claimed, last announced before the given time."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE urgent = 1 AND status = 'received' AND "
                "COALESCE(announced_at, created_at) < ? ORDER BY id",
                [announced_before.isoformat()],
            ).fetchall()
            return [_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def reannounce(self, ref: str, now: datetime, envelopes: list[Envelope]) -> None:
        """Queue a repeated announcement of an unclaimed urgent report."""

        def write(db: sqlite_utils.Database) -> None:
            db.execute("UPDATE reports SET announced_at = ? WHERE ref = ?", [now.isoformat(), ref])
            _enqueue(db, envelopes, now)

        await self._call(write)

    async def export_reports(self, start: datetime, end: datetime) -> list[ReportRecord]:
        """Reports filed in [start, end), oldest first."""

        def read(db: sqlite_utils.Database) -> list[ReportRecord]:
            refs = db.execute(
                "SELECT ref FROM reports WHERE created_at >= ? AND created_at < ? ORDER BY id",
                [start.isoformat(), end.isoformat()],
            ).fetchall()
            return [_report(db, ref) for (ref,) in refs]

        return await self._call(read)

    async def report_stats(self) -> dict[str, list[tuple[str, int]]]:
        """Counts of reports by status, by kecamatan and by ISO week (no personal data)."""

        def read(db: sqlite_utils.Database) -> dict[str, list[tuple[str, int]]]:
            queries = {  # questions to officers are counted apart from reports
                "status": "SELECT status, COUNT(*) FROM reports WHERE kind = 'report' "
                "GROUP BY status ORDER BY status",
                "kecamatan": "SELECT COALESCE(NULLIF(kecamatan, ''), place), COUNT(*) FROM "
                "reports WHERE kind = 'report' GROUP BY 1 ORDER BY 2 DESC, 1",
                "week": "SELECT strftime('%Y-W%W', created_at), COUNT(*) FROM reports "
                "WHERE kind = 'report' GROUP BY 1 ORDER BY 1 DESC LIMIT 8",
                "questions": "SELECT status, COUNT(*) FROM reports WHERE kind = 'question' "
                "GROUP BY status ORDER BY status",
            }
            return {
                name: [(str(key), count) for key, count in db.execute(sql).fetchall()]
                for name, sql in queries.items()
            }

        return await self._call(read)

    async def erase_report_personal_data(self, older_than: datetime) -> list[str]:
        """Erase personal data of reports filed before `older_than`; return photo paths to delete.

        The facts officers need for statistics (status, outcome, kecamatan, dates) remain.
        """

        def write(db: sqlite_utils.Database) -> list[str]:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM reports WHERE created_at < ? AND erased_at IS NULL",
                    [older_than.isoformat()],
                ).fetchall()
            ]
            return _erase_reports(db, ids, datetime.now(UTC))

        return await self._call(write, checkpoint=True)

    async def healthy(self) -> bool:
        """True when the database answers a query and, if the last write failed (a full disk
        still reads), takes a write again."""
        probe = _write_probe if self.failing else _read_probe
        try:
            await asyncio.wait_for(self._call(probe), 5)
        except (StoreError, TimeoutError):
            return False
        self.failing = False
        return True


def _read_probe(db: sqlite_utils.Database) -> None:
    db.execute("SELECT 1").fetchone()


def _write_probe(db: sqlite_utils.Database) -> None:
    """A real write that changes nothing: the header's user_version, set to itself."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    db.execute(f"PRAGMA user_version = {version}")


def _session(db: sqlite_utils.Database, channel: str, user: str) -> Session | None:
    row = db.execute(
        "SELECT lang, node, screen, stack, answers, pending, updated_at, choices, memory "
        "FROM sessions WHERE channel = ? AND user_ref = ?",
        [channel, user],
    ).fetchone()
    if row is None:
        return None
    lang, node, screen, stack, answers, pending, updated_at, choices, memory = row
    remembered = json.loads(memory) if memory else {}
    return Session(
        lang=lang,
        node=node,
        screen=screen or 0,
        stack=json.loads(stack),
        answers=json.loads(answers),
        pending=pending or "",
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        offered=Offered.from_dict(json.loads(choices)) if choices else None,
        question=remembered.get("question"),
        drafts=remembered.get("drafts") or {},
    )


def _notify_officers(
    db: sqlite_utils.Database, record: ReportRecord, envelopes: list[Envelope], now: datetime
) -> None:
    """Queue a new report's card for the officers. An urgent one jumps the queue; when cards
    are already waiting (many reports at once, or an attack), a further ordinary report is
    counted in one digest message instead of adding its own card and photos."""
    if not envelopes:
        return
    priority = OUTBOX_URGENT if record.urgent else OUTBOX_REPLY
    envelopes = [replace(e, priority=priority, report_ref=record.ref) for e in envelopes]
    chat = envelopes[0]
    urgent = "< 0" if record.urgent else ">= 0"
    waiting = db.execute(
        "SELECT COUNT(*) FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        f"AND priority {urgent} AND report_ref IS NOT NULL",
        [chat.channel, chat.user],
    ).fetchone()[0]
    if waiting < DIGEST_AFTER:  # urgent ones are counted apart: a flood of fake "urgent"
        _enqueue(db, envelopes, now)  # reports gets its own digest, before everything else
        return
    kind = "urgent" if record.urgent else "digest"
    digest = db.execute(
        "SELECT id, body FROM outbox WHERE channel = ? AND user_ref = ? AND status = 'pending' "
        "AND report_ref IS NULL AND body LIKE ? ORDER BY id DESC LIMIT 1",
        [chat.channel, chat.user, f'%"{kind}"%'],
    ).fetchone()
    count = json.loads(digest[1]).get(kind, 0) + 1 if digest else 1
    text = (URGENT_DIGEST_TEXT if record.urgent else DIGEST_TEXT).format(count=count)
    body = {"text": text, kind: count}
    if digest:
        db.execute("UPDATE outbox SET body = ? WHERE id = ?", [_json(body), digest[0]])
    else:
        _enqueue(db, [Envelope(chat.channel, chat.user, body, priority=priority)], now)


def _set_aside(
    db: sqlite_utils.Database, channel: str, update_id: str, reason: str, now: datetime
) -> None:
    """An event that cannot be processed leaves the inbox (with its payload) for
    `dead_updates`: its hashed id, the kind of error, when; logged once."""
    log.error("%s update set aside: %s", channel, reason)
    db.execute(
        "INSERT OR REPLACE INTO dead_updates VALUES (?, ?, ?, ?)",
        [channel, update_key(update_id), reason, now.isoformat()],
    )
    db.execute("DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id])


def _forget_whatsapp_user(db: sqlite_utils.Database, user: str) -> int:
    """A WhatsApp user who erased their data and has nothing left to receive: their phone
    number goes from the contacts, the delivery statuses and the sent messages; returns 1 if
    they were forgotten, 0 if they still have a session or messages to receive."""
    row = db.execute(
        f"SELECT wa_id FROM whatsapp_users WHERE user_ref = ? AND {_FORGOTTEN_WHATSAPP_USER}",
        [user],
    ).fetchone()
    if row is None:
        return 0
    db.execute("DELETE FROM whatsapp_statuses WHERE recipient = ?", [row[0]])
    db.execute("DELETE FROM outbox WHERE channel = 'whatsapp' AND user_ref = ?", [user])
    db.execute("DELETE FROM whatsapp_users WHERE user_ref = ?", [user])
    return 1


def _log_questions(db: sqlite_utils.Database, questions: list[QuestionLog]) -> None:
    """A new unanswered question, or what its asker chose afterwards."""
    for question in questions:
        if question.text:
            db.execute(
                "INSERT OR IGNORE INTO unanswered_questions (key, text, lang, offered, asked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    question.key,
                    question.text,
                    question.lang,
                    _json(list(question.offered)),
                    question.at.isoformat(),
                ],
            )
        if question.chosen:
            db.execute(
                "UPDATE unanswered_questions SET chosen = ? WHERE key = ? AND chosen IS NULL",
                [question.chosen, question.key],
            )


def _processed(db: sqlite_utils.Database, channel: str, update_id: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?",
            [channel, update_key(update_id)],
        ).fetchone()
        is not None
    )


def _relay(db: sqlite_utils.Database, channel: str, user: str) -> str | None:
    row = db.execute(
        "SELECT report_ref FROM relays WHERE channel = ? AND user_ref = ?", [channel, user]
    ).fetchone()
    return row[0] if row else None


def _report(db: sqlite_utils.Database, ref: str) -> ReportRecord | None:
    row = db.execute(
        "SELECT id, ref, channel, user_ref, anonymous, urgent, status, outcome, offer, recruiter, "
        "place, kecamatan, country, name, phone, lang, created_at, claimed_by, claimed_by_name, "
        "kind FROM reports WHERE ref = ?",
        [ref],
    ).fetchone()
    if row is None:
        return None
    photos = [
        path
        for (path,) in db.execute(
            "SELECT path FROM report_media WHERE report_id = ? ORDER BY id", [row[0]]
        ).fetchall()
    ]
    messages = [
        ReportMessage(*message)
        for message in db.execute(
            "SELECT direction, author, text, created_at FROM report_messages WHERE report_id = ? "
            "ORDER BY id",
            [row[0]],
        ).fetchall()
    ]
    return ReportRecord(
        id=row[0],
        ref=row[1],
        channel=row[2] or "",
        user=row[3] or "",
        anonymous=bool(row[4]),
        urgent=bool(row[5]),
        status=row[6],
        outcome=row[7] or "",
        offer=row[8] or "",
        recruiter=row[9] or "",
        place=row[10] or "",
        kecamatan=row[11] or "",
        country=row[12] or "",
        name=row[13] or "",
        phone=row[14] or "",
        lang=row[15] or "id",
        created_at=datetime.fromisoformat(row[16]),
        claimed_by=row[17],
        claimed_by_name=row[18] or "",
        photos=photos,
        messages=messages,
        kind=row[19] or "report",
    )


def update_key(update_id: str) -> str:
    """How an answered update is remembered: a one-way hash, since a WhatsApp message id
    embeds the sender's phone number and must not outlive their data."""
    return hashlib.blake2b(update_id.encode(), digest_size=16, person=b"ma-update").hexdigest()


def _finish_update(db: sqlite_utils.Database, channel: str, update_id: str, now: datetime) -> None:
    """Mark a platform update answered and take it out of the inbox (no-op without an id)."""
    if update_id:
        db.execute(
            "INSERT OR IGNORE INTO processed_updates VALUES (?, ?, ?)",
            [channel, update_key(update_id), now.isoformat()],
        )
        db.execute("DELETE FROM inbox WHERE channel = ? AND update_id = ?", [channel, update_id])


def _enqueue(
    db: sqlite_utils.Database,
    envelopes: list[Envelope],
    now: datetime,
    priority: int = OUTBOX_REPLY,
) -> None:
    """Queue messages in the caller's transaction; an envelope with `relay_ref` opens a relay."""
    db.conn.executemany(
        "INSERT INTO outbox (channel, user_ref, body, priority, created_at, report_ref) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                envelope.channel,
                envelope.user,
                _json(envelope.body),
                priority if envelope.priority is None else envelope.priority,
                now.isoformat(),
                envelope.report_ref or None,
            )
            for envelope in envelopes
        ],
    )
    for envelope in envelopes:
        if envelope.relay_ref:
            db.execute(
                "INSERT OR REPLACE INTO relays VALUES (?, ?, ?, ?)",
                [envelope.channel, envelope.user, envelope.relay_ref, now.isoformat()],
            )


def _audit(
    db: sqlite_utils.Database, officer_id: int, action: str, ref: str, detail: str, now: datetime
) -> None:
    db.execute(
        "INSERT INTO audit_log (at, officer_id, action, report_ref, detail) VALUES (?, ?, ?, ?, ?)",
        [now.isoformat(), officer_id, action, ref, detail],
    )


def _erase_reports(db: sqlite_utils.Database, ids: list[int], now: datetime) -> list[str]:
    paths: list[str] = []
    for report_id in ids:
        db.execute(  # cards and photos for the officers that still wait: the report stays in
            "DELETE FROM outbox WHERE status != 'sent' AND report_ref = "  # /queue, anonymised
            "(SELECT ref FROM reports WHERE id = ?)",
            [report_id],
        )
        paths += [
            path
            for (path,) in db.execute(
                "SELECT path FROM report_media WHERE report_id = ?", [report_id]
            ).fetchall()
        ]
        db.execute("DELETE FROM report_media WHERE report_id = ?", [report_id])
        db.execute(
            "UPDATE report_messages SET text = '(dihapus)' WHERE report_id = ? AND "
            "direction != 'note'",
            [report_id],
        )
        db.execute(  # a question to the officers is the asker's own words: it goes too
            "UPDATE reports SET offer = '(dihapus)' WHERE id = ? AND kind = 'question'",
            [report_id],
        )
        db.execute(  # the idempotency key named the user too (channel:user:update)
            "UPDATE reports SET user_ref = NULL, name = NULL, phone = NULL, "
            "idempotency_key = 'erased:' || id, erased_at = ? WHERE id = ?",
            [now.isoformat(), report_id],
        )
    return paths


def _strings_in(value: Any) -> set[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings_in(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings_in(item) for item in value))
    return set()


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _as_store_error(error: BaseException) -> StoreError:
    if isinstance(error, StoreError):
        return error
    store_error = StoreError(f"{type(error).__name__}: {error}")
    store_error.__cause__ = error
    return store_error


def _rollback(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")


def _resolve(job: _Job, result: Any = None, error: BaseException | None = None) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        job.loop.call_soon_threadsafe(settle)


def _resolve_all(batch: list[_Job], results: list[Any]) -> None:
    """Settle a committed batch with one wake-up per event loop (not one per job: each is
    a write to the loop's self-pipe and a turn of the loop)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future, Any]]] = {}
    for job, result in zip(batch, results, strict=True):
        by_loop.setdefault(job.loop, []).append((job.future, result))
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_all, settled)


def _settle_all(settled: list[tuple[asyncio.Future, Any]]) -> None:
    for future, result in settled:
        if not future.done():
            future.set_result(result)
