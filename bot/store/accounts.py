"""Officers' web console accounts, their failed sign-ins and lock-outs, their sessions, and
the audit lines of what they look at.

Usernames are kept in lower case. A session is known by the SHA-256 of its token (the
browser holds the token; the database only its hash) and carries its CSRF token. Changing
an account's password, role, second factor or state ends all its sessions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from bot.records import OfficerAccount, SignInSecrets, TelegramIdTaken
from bot.store.database import Database
from bot.store.effects import audit_line

ACCOUNT_COLUMNS = (
    "id, username, role, telegram_id, disabled, totp_required, failed_sign_ins, locked_until"
)


class AccountStore(Database):
    """Accounts, sign-in attempts and sessions of the officers' web console."""

    async def create_account(
        self,
        username: str,
        password_hash: str,
        role: str,
        now: datetime,
        telegram_id: int | None = None,
    ) -> bool:
        """Add an account, linked to `telegram_id` when given, in one write; False if the
        username is taken. Raises TelegramIdTaken (nothing written) when another account
        has that Telegram id."""

        def write(db: sqlite_utils.Database) -> bool:
            if db.execute(
                "SELECT 1 FROM officer_accounts WHERE username = ?", [username.lower()]
            ).fetchone():
                return False
            _check_telegram_id_free(db, telegram_id, account_id=None)
            db.execute(
                "INSERT INTO officer_accounts (username, password_hash, role, created_at, "
                "telegram_id) VALUES (?, ?, ?, ?, ?)",
                [username.lower(), password_hash, role, now.isoformat(), telegram_id],
            )
            return True

        return await self._call(write)

    async def officer_accounts(self) -> list[OfficerAccount]:
        """Every account, by username."""
        return await self._call(
            lambda db: [
                _account(row)
                for row in db.execute(
                    f"SELECT {ACCOUNT_COLUMNS} FROM officer_accounts ORDER BY username"
                ).fetchall()
            ]
        )

    async def officer_account(self, username: str) -> OfficerAccount | None:
        """The account of `username` (any case), if there is one."""

        def read(db: sqlite_utils.Database) -> OfficerAccount | None:
            row = db.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM officer_accounts WHERE username = ?",
                [username.lower()],
            ).fetchone()
            return _account(row) if row else None

        return await self._call(read)

    async def sign_in_secrets(self, username: str) -> SignInSecrets | None:
        """What a sign-in of `username` checks, if the account exists."""

        def read(db: sqlite_utils.Database) -> SignInSecrets | None:
            row = db.execute(
                f"SELECT {ACCOUNT_COLUMNS}, password_hash, totp_secret, totp_last_step "
                "FROM officer_accounts WHERE username = ?",
                [username.lower()],
            ).fetchone()
            if row is None:
                return None
            return SignInSecrets(_account(row[:8]), row[8], row[9] or "", row[10] or 0)

        return await self._call(read)

    async def update_account(self, username: str, **changes: Any) -> bool:
        """Change an account (`password_hash`, `role`, `disabled`, `totp_secret`,
        `totp_required`, `telegram_id`); a lock-out is lifted and every session of the
        account ends (a new TOTP secret starts its codes afresh). False if there is no such
        account; TelegramIdTaken (nothing written) when another account has the Telegram id."""
        allowed = {"password_hash", "role", "disabled", "totp_secret", "totp_required"}
        assert set(changes) <= {*allowed, "telegram_id"}, changes

        def write(db: sqlite_utils.Database) -> bool:
            row = db.execute(
                "SELECT id FROM officer_accounts WHERE username = ?", [username.lower()]
            ).fetchone()
            if row is None:
                return False
            _check_telegram_id_free(db, changes.get("telegram_id"), account_id=row[0])
            values = {**changes, "failed_sign_ins": 0, "locked_until": None}
            if "totp_secret" in changes:
                values["totp_last_step"] = None
            assignments = ", ".join(f"{column} = ?" for column in values)
            db.execute(
                f"UPDATE officer_accounts SET {assignments} WHERE id = ?",
                [*values.values(), row[0]],
            )
            db.execute("DELETE FROM officer_sessions WHERE account_id = ?", [row[0]])
            return True

        return await self._call(write)

    async def failed_sign_in(
        self, account_id: int, now: datetime, lock_after: int, locked_until: datetime
    ) -> OfficerAccount | None:
        """Count a wrong password (or code); the `lock_after`-th in a row locks the account
        until `locked_until`. Returns the account as it is now (None for an id no account
        has: the sign-in does the same work for an unknown username)."""

        def write(db: sqlite_utils.Database) -> OfficerAccount | None:
            db.execute(
                "UPDATE officer_accounts SET failed_sign_ins = failed_sign_ins + 1 WHERE id = ?",
                [account_id],
            )
            db.execute(
                "UPDATE officer_accounts SET failed_sign_ins = 0, locked_until = ? "
                "WHERE id = ? AND failed_sign_ins >= ?",
                [locked_until.isoformat(), account_id, lock_after],
            )
            row = db.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM officer_accounts WHERE id = ?", [account_id]
            ).fetchone()
            return _account(row) if row else None

        return await self._call(write)

    async def open_console_session(
        self,
        account_id: int,
        token_hash: str,
        csrf: str,
        now: datetime,
        idle_before: datetime,
        totp_step: int | None = None,
    ) -> bool:
        """A successful sign-in: the failures are forgotten and the session begins. With
        `totp_step` (the time step of the second-factor code given), only if no code of that
        step or a later one was accepted before: else nothing is written and False comes
        back (a code is good for one sign-in, even two at the same moment). Sessions idle
        since before `idle_before` (anyone's) are deleted on the way."""

        def write(db: sqlite_utils.Database) -> bool:
            if totp_step is not None:
                fresh = db.execute(
                    "UPDATE officer_accounts SET totp_last_step = ? WHERE id = ? AND "
                    "COALESCE(totp_last_step, 0) < ?",
                    [totp_step, account_id, totp_step],
                ).rowcount
                if not fresh:
                    return False
            db.execute("DELETE FROM officer_sessions WHERE seen_at < ?", [idle_before.isoformat()])
            db.execute(
                "UPDATE officer_accounts SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?",
                [account_id],
            )
            db.execute(
                "INSERT INTO officer_sessions VALUES (?, ?, ?, ?, ?)",
                [token_hash, account_id, csrf, now.isoformat(), now.isoformat()],
            )
            return True

        return bool(await self._call(write))

    async def console_session(
        self,
        token_hash: str,
        now: datetime,
        idle_before: datetime,
        started_before: datetime,
        used: bool = True,
    ) -> tuple[OfficerAccount, str] | None:
        """The account and CSRF token of a live session (and, when `used`, it counts as used
        now: a page's own background polling is not a use); None if there is no such
        session, it was idle or open too long (then it is deleted), or the account is
        disabled."""

        def write(db: sqlite_utils.Database) -> tuple[OfficerAccount, str] | None:
            columns = ", ".join(f"a.{column.strip()}" for column in ACCOUNT_COLUMNS.split(","))
            row = db.execute(
                f"SELECT {columns}, s.csrf, s.created_at, s.seen_at FROM officer_sessions s "
                "JOIN officer_accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
                [token_hash],
            ).fetchone()
            if row is None:
                return None
            account = _account(row[:8])
            expired = row[9] < started_before.isoformat() or row[10] < idle_before.isoformat()
            if expired or account.disabled:
                db.execute("DELETE FROM officer_sessions WHERE token_hash = ?", [token_hash])
                return None
            if used:
                db.execute(
                    "UPDATE officer_sessions SET seen_at = ? WHERE token_hash = ?",
                    [now.isoformat(), token_hash],
                )
            return account, str(row[8])

        return await self._call(write)

    async def close_console_session(self, token_hash: str) -> None:
        """Sign one browser out."""
        await self._call(
            lambda db: db.execute("DELETE FROM officer_sessions WHERE token_hash = ?", [token_hash])
        )

    async def close_console_sessions(self, account_id: int) -> int:
        """Sign an account out everywhere; returns how many sessions ended."""
        return await self._call(
            lambda db: (
                db.execute(
                    "DELETE FROM officer_sessions WHERE account_id = ?", [account_id]
                ).rowcount
            )
        )

    async def audit(
        self, officer_id: int, action: str, ref: str, detail: str, now: datetime
    ) -> None:
        """Append a line to the audit log for what is not a change (a page looked at, an
        export, a sign-in); changes write theirs with the change (`ChangeReport`)."""
        await self._call(lambda db: audit_line(db, officer_id, action, ref, detail, now))


def _check_telegram_id_free(
    db: sqlite_utils.Database, telegram_id: int | None, account_id: int | None
) -> None:
    """Raise TelegramIdTaken when an account other than `account_id` has `telegram_id`."""
    if not telegram_id:
        return
    row = db.execute(
        "SELECT id FROM officer_accounts WHERE telegram_id = ?", [telegram_id]
    ).fetchone()
    if row is not None and row[0] != account_id:
        raise TelegramIdTaken(telegram_id)


def _account(row: tuple[Any, ...]) -> OfficerAccount:
    return OfficerAccount(
        id=row[0],
        username=row[1],
        role=row[2],
        telegram_id=row[3],
        disabled=bool(row[4]),
        totp_required=bool(row[5]),
        failed_sign_ins=row[6] or 0,
        locked_until=datetime.fromisoformat(row[7]) if row[7] else None,
    )
