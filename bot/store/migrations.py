"""The schema: versioned migrations, applied in order when the database is opened."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlite_utils

from bot.store.migration_18 import migration_18
from bot.store.migration_21 import migration_21
from bot.store.rows import update_key

log = logging.getLogger(__name__)


def _migration_1(db: sqlite_utils.Database) -> None:
    db.table("sessions").create(
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
    db.table("sessions").create_index(["updated_at"])
    db.table("processed_updates").create(
        {"channel": str, "update_id": str, "processed_at": str}, pk=("channel", "update_id")
    )
    db.table("processed_updates").create_index(["processed_at"])
    db.table("node_visits").create(
        {"day": str, "channel": str, "node": str, "count": int}, pk=("day", "channel", "node")
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    db.table("outbox").create(
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
    db.table("outbox").create_index(["channel", "user_ref", "status", "id"])
    db.table("outbox").create_index(["channel", "status", "next_attempt_at"])
    db.table("inbox").create(
        {"channel": str, "update_id": str, "payload": str, "received_at": str},
        pk=("channel", "update_id"),
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    db.table("whatsapp_users").create(
        {"user_ref": str, "wa_id": str, "bsuid": str, "last_inbound_at": str},
        pk="user_ref",
        not_null={"wa_id", "bsuid", "last_inbound_at"},
    )
    db.table("whatsapp_users").create_index(["wa_id"])
    db.table("whatsapp_users").create_index(["bsuid"])
    db.table("whatsapp_statuses").create(
        {"wamid": str, "recipient": str, "status": str, "error": str, "updated_at": str},
        pk="wamid",
    )
    db.table("whatsapp_statuses").create_index(["updated_at"])


def _migration_4(db: sqlite_utils.Database) -> None:
    db.table("sessions").add_column("choices", str)  # JSON: choices an action offered (Offered)


def _migration_5(db: sqlite_utils.Database) -> None:
    db.table("reports").create(
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
    db.table("reports").create_index(["ref"], unique=True)
    db.table("reports").create_index(["idempotency_key"], unique=True)
    db.table("reports").create_index(["channel", "user_ref"])
    db.table("reports").create_index(["status", "urgent"])
    db.table("report_media").create(
        {"id": int, "report_id": int, "path": str},
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
    )
    db.table("report_messages").create(
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
    db.table("audit_log").create(
        {"id": int, "at": str, "officer_id": int, "action": str, "report_ref": str, "detail": str},
        pk="id",
    )
    for event in ("UPDATE", "DELETE"):  # append-only: the audit log cannot be rewritten
        db.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
    db.table("officer_prompts").create(
        {"officer_id": int, "chat_id": int, "action": str, "report_ref": str, "created_at": str},
        pk=("officer_id", "chat_id"),
    )
    db.table("relays").create(
        {"channel": str, "user_ref": str, "report_ref": str, "opened_at": str},
        pk=("channel", "user_ref"),
    )


def _migration_6(db: sqlite_utils.Database) -> None:
    # due_outbox reads pending messages in send order (priority, id) from this index
    # and stops at its LIMIT, instead of sorting every pending message on each call
    db.table("outbox").create_index(["channel", "status", "priority", "id"])


def _migration_7(db: sqlite_utils.Database) -> None:
    db.table("sessions").add_column("memory", str)  # JSON: the routed question and drafts
    db.table("reports").add_column("kind", str, not_null_default="report")  # report | question
    # questions the bot did not answer with confidence, for content authors: no user id
    db.table("unanswered_questions").create(
        {"key": str, "text": str, "lang": str, "offered": str, "chosen": str, "asked_at": str},
        pk="key",
        not_null={"text", "asked_at"},
    )
    db.table("unanswered_questions").create_index(["asked_at"])


def _migration_8(db: sqlite_utils.Database) -> None:
    # set by "hapus data": the phone number goes once the last reply to it is sent
    db.table("whatsapp_users").add_column("erased", int, not_null_default=0)
    # answered update ids are kept as hashes (a wamid holds the phone number)
    rows = db.execute("SELECT channel, update_id FROM processed_updates").fetchall()
    db.conn.executemany(
        "UPDATE processed_updates SET update_id = ? WHERE channel = ? AND update_id = ?",
        [(update_key(update_id), channel, update_id) for channel, update_id in rows],
    )


def _migration_9(db: sqlite_utils.Database) -> None:
    # an event that fails again and again is set aside with the reason, not retried forever
    db.table("inbox").add_column("attempts", int, not_null_default=0)
    db.table("inbox").add_column("last_error", str)
    db.table("dead_updates").create(
        {"channel": str, "update_key": str, "reason": str, "failed_at": str},
        pk=("channel", "update_key"),
    )
    db.table("dead_updates").create_index(["failed_at"])


def _migration_10(db: sqlite_utils.Database) -> None:
    # due_outbox takes each user's first message, urgent ones first: without this index a
    # long officers' queue was scanned once per waiting message (seconds at 8,000)
    db.execute(
        "CREATE INDEX idx_outbox_first ON outbox (channel, user_ref, status, priority >= 0, id)"
    )
    # the report an officers' card is about: its personal data goes when the reporter erases
    db.table("outbox").add_column("report_ref", str)


def _migration_11(db: sqlite_utils.Database) -> None:
    # what a checked advert named (contact numbers, accounts, company, country) for reports
    # filed from it: data about suspects, so officers can see one number in many adverts
    db.table("report_facts").create(
        {"report_id": int, "kind": str, "value": str},
        pk=("report_id", "kind", "value"),
        foreign_keys=[("report_id", "reports", "id")],
    )
    db.table("report_facts").create_index(["kind", "value"])


def _migration_12(db: sqlite_utils.Database) -> None:
    # the desa a report is from (when the reporter named it): a desa officer's area
    db.table("reports").add_column("desa", str)
    db.table("reports").create_index(["kecamatan", "desa"])


def _migration_13(db: sqlite_utils.Database) -> None:
    # the officers' web console: accounts (argon2 hashes, never passwords) and sign-in
    # sessions (their tokens kept hashed: a copy of the database signs nobody in)
    db.table("officer_accounts").create(
        {
            "id": int,
            "username": str,
            "password_hash": str,
            "role": str,
            "telegram_id": int,
            "totp_secret": str,
            "totp_required": int,
            "disabled": int,
            "failed_sign_ins": int,
            "locked_until": str,
            "created_at": str,
        },
        pk="id",
        not_null={"username", "password_hash", "role"},
        defaults={"totp_secret": "", "totp_required": 0, "disabled": 0, "failed_sign_ins": 0},
    )
    db.table("officer_accounts").create_index(["username"], unique=True)
    db.table("officer_accounts").create_index(["telegram_id"], unique=True)
    db.table("officer_sessions").create(
        {"token_hash": str, "account_id": int, "csrf": str, "created_at": str, "seen_at": str},
        pk="token_hash",
        foreign_keys=[("account_id", "officer_accounts", "id")],
    )
    db.table("officer_sessions").create_index(["account_id"])


def _migration_14(db: sqlite_utils.Database) -> None:
    # what the offer and advert checks concluded, counted per day: no user, no text. A row
    # with flag "" counts checks (by country and verdict); one per red flag counts that flag
    db.table("check_counts").create(
        {"day": str, "tool": str, "country": str, "verdict": str, "flag": str, "count": int},
        pk=("day", "tool", "country", "verdict", "flag"),
    )


def _migration_15(db: sqlite_utils.Database) -> None:
    # people who plan to work abroad (pendataan calon pekerja migran): what the registration
    # asked and nothing more (no NIK); one per account; erased by "hapus data", anonymised
    # after the planned departure plus `planner.retention_days_after_departure`
    db.table("registrations").create(
        {
            "id": int,
            "channel": str,
            "user_ref": str,
            "for_whom": str,  # "self", or "family": registered by a relative, with consent
            "name": str,
            "kecamatan": str,
            "desa": str,
            "desa_code": str,
            "country": str,  # a vocabulary code, or "other"
            "sector": str,
            "recruiter": str,  # the name found in the P3MI registry, or as typed
            "recruiter_licence": str,
            "recruiter_status": str,  # active, suspended, revoked, not_found, individual, none
            "departure": str,  # the planned month, as a date
            "lang": str,
            "show_name": int,  # officers may see the name
            "contact": int,  # officers may write through the bot's relay
            "steps_done": str,  # JSON: step id -> date ticked
            "current_step": str,  # the first step not done...
            "current_since": str,  # ...open since then (reminders)
            "reminded_step": str,
            "reminded_at": str,
            "warned_status": str,  # the recruiter status the person was last warned about
            "created_at": str,
            "updated_at": str,
            "anonymised_at": str,
        },
        pk="id",
        not_null={"created_at", "updated_at"},
    )
    db.execute(
        "CREATE UNIQUE INDEX registrations_account ON registrations (channel, user_ref) "
        "WHERE user_ref IS NOT NULL"
    )
    db.table("registrations").create_index(["kecamatan", "desa"])
    db.table("registrations").create_index(["departure"])


def _migration_16(db: sqlite_utils.Database) -> None:
    # subscriptions to job listings (by country or sector) and to warnings (by kecamatan):
    # a channel id and the choices, nothing else; erased by "hapus data"
    db.table("subscriptions").create(
        {
            "channel": str,
            "user_ref": str,
            "topic": str,
            "value": str,
            "lang": str,
            "created_at": str,
        },
        pk=("channel", "user_ref", "topic", "value"),
        not_null={"lang", "created_at"},
    )
    db.table("subscriptions").create_index(["topic", "value"])
    # users who said "berhenti / stop": no notice reaches them until they subscribe again
    db.table("notice_stops").create(
        {"channel": str, "user_ref": str, "stopped_at": str}, pk=("channel", "user_ref")
    )
    # the notices each user was sent, by key: the same one is never sent twice
    db.table("notice_keys").create(
        {"channel": str, "user_ref": str, "key": str, "queued_at": str},
        pk=("channel", "user_ref", "key"),
    )
    db.table("notice_keys").create_index(["queued_at"])
    # the kind of a queued notice (NULL: a reply): quiet hours and "stop" apply to these
    db.table("outbox").add_column("notice", str)
    # an officer's alert between its preview and their confirmation
    db.table("alert_drafts").create(
        {"key": str, "officer_id": int, "target": str, "text": str, "created_at": str},
        pk="key",
    )


def _migration_17(db: sqlite_utils.Database) -> None:
    # the time step of the last second-factor code accepted for an account: a code is
    # accepted once (a code seen over a shoulder or in a proxy's log cannot sign in again)
    db.table("officer_accounts").add_column("totp_last_step", int)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migration_1,
    2: _migration_2,
    3: _migration_3,
    4: _migration_4,
    5: _migration_5,
    6: _migration_6,
    7: _migration_7,
    8: _migration_8,
    9: _migration_9,
    10: _migration_10,
    11: _migration_11,
    12: _migration_12,
    13: _migration_13,
    14: _migration_14,
    15: _migration_15,
    16: _migration_16,
    17: _migration_17,
    18: migration_18,
    21: migration_21,
}
"""Each migration by its version number; a version once released never changes."""


def migrate(db: sqlite_utils.Database) -> None:
    """Apply the migrations this database has not had yet, each in its own transaction."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "applied_at TEXT)"
    )
    done = {row[0] for row in db.execute("SELECT version FROM schema_migrations").fetchall()}
    for version, migration in sorted(MIGRATIONS.items()):
        if version in done:
            continue
        with db.conn:
            db.execute("BEGIN")
            migration(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, datetime('now'))", [version])
        log.info("database migrated to version %d", version)
