"""Signing officers in and knowing them again: passwords, lock-outs, limits, sessions, CSRF.

A sign-in is refused alike, in words and in time, whether the username is unknown, the
password wrong, the second factor's code wrong or used before, or the account disabled.
Wrong attempts in a row (`lock_after`) from one client address lock the account at that
address for `lock_minutes` (kept in memory), so somebody who only knows a username cannot
keep its officer out at the office; `ACCOUNT_WIDE` times as many failures from anywhere lock
the account everywhere (in the database), which still bounds guessing from many addresses. An
unknown username is "locked" the same way in memory, so the lock-out message does not tell
which usernames exist. Each client address has a budget of attempts, whatever the usernames. A
session is a random token in an HttpOnly, SameSite=Strict cookie, kept in the database only
as its SHA-256; it ends after `idle_minutes` unused or `session_hours` in all, at sign-out,
and at "sign out everywhere". The queue's own polling (the stamp, and the page fetched
again with `X-Refresh: 1`) is no use: an open tab nobody touches still signs out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import ConsoleConfig
from bot.console.passwords import PasswordChecks, totp_step
from bot.console.roles import USERNAME, Role, stored_role
from bot.limits import Throttle
from bot.officers.desk import Officer
from bot.records import OfficerAccount
from bot.runtime import Runtime

COOKIE = "ma_session"
LOGIN_COOKIE = "ma_login"  # the sign-in form's CSRF token, before there is a session
CHANNEL = "officer-web"  # the channel name of web officers in desk calls and update ids
UNKNOWN_KEPT = 10_000  # unknown usernames (and account-address pairs) counted in memory
Failures = dict[Any, tuple[int, datetime | None]]  # failures and lock-out, by key, in memory
ACCOUNT_WIDE = 4  # lock_after × this failures from any addresses lock the account everywhere
NO_ACCOUNT = 0  # an account id no account has (they count from 1)
ANONYMOUS_ATTEMPT = -(2**62)
"""The audit log's officer id for a sign-in attempt that names no account (0 is the command
line; a web officer is their Telegram id or the negative account id)."""


def officer_id(account: OfficerAccount) -> int:
    """The id an account's officer has at the desk and in the audit log: their Telegram id
    when it is linked (one person, one identity), else the negative account id."""
    return account.telegram_id or -account.id


def audit_key(text: str) -> str:
    """What the audit log keeps of a client address or an attempted username: a short
    hash, enough to tell one flood from many, never the address or the name itself."""
    return hashlib.sha256(f"migran-aman sign-in {text}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live session: the account, its role, its CSRF token and its session token hash."""

    account: OfficerAccount
    role: Role
    csrf: str
    token_hash: str

    @property
    def officer(self) -> Officer:
        """The officer as the desk knows them: under their Telegram id when it is linked
        (one person, one identity in the audit log), else the negative account id."""
        known_as = officer_id(self.account)
        return Officer(CHANNEL, known_as, self.account.username, known_as)


@dataclass(frozen=True, slots=True)
class Attempt:
    """How a sign-in went: "ok" (with `token` for the cookie and the account), "wrong",
    "locked" or "busy" (too many attempts from this address; `first` for the first refusal
    of a flood, the one that is audited)."""

    outcome: str
    token: str = ""
    account: OfficerAccount | None = None
    first: bool = True


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(given: str, expected: str) -> bool:
    """A constant-time comparison of CSRF tokens; an empty one never matches."""
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)


class Gate:
    """Sign-ins, sign-outs and the session of a request."""

    def __init__(self, runtime: Runtime, config: ConsoleConfig) -> None:
        self.store = runtime.store
        self.config = config
        self.idle = timedelta(minutes=config.idle_minutes)
        self.longest = timedelta(hours=config.session_hours)
        attempts = config.sign_ins_per_address
        self.by_address = Throttle(attempts, attempts / config.sign_ins_per_address_minutes)
        self._unknown: dict[str, tuple[int, datetime | None]] = {}
        self._pairs: dict[tuple[int, str], tuple[int, datetime | None]] = {}
        self.passwords = PasswordChecks()

    async def sign_in(self, username: str, password: str, code: str, address: str) -> Attempt:
        """Check a sign-in; on success a session is opened and its token returned."""
        verdict = self.by_address.admit(address or "-")
        if verdict != Throttle.ADMIT:
            return Attempt("busy", first=verdict == Throttle.NOTIFY)
        username = username.strip().lower()
        username = username if USERNAME.fullmatch(username) else ""  # no account has it
        now = datetime.now(UTC)
        found = await self.store.sign_in_secrets(username) if username else None
        lock_until = now + timedelta(minutes=self.config.lock_minutes)
        if found is None:  # the same work as a known username's failure: a check, a write
            await self.passwords.matches(None, password)
            await self.store.failed_sign_in(NO_ACCOUNT, now, self.config.lock_after, lock_until)
            return self._unknown_failure(username, now)
        account = found.account
        pair = (account.id, address or "-")
        if _locked(self._pairs, pair, now) or (account.locked_until and account.locked_until > now):
            await self.passwords.matches(None, password)  # as long as any other answer
            return Attempt("locked", account=account)
        matches = await self.passwords.matches(found.password_hash, password)
        step = None
        if matches and account.totp_required:
            step = totp_step(found.totp_secret, code, now)
            matches = step is not None and step > found.totp_last_step
        token = secrets.token_urlsafe(32)
        if matches and not account.disabled:
            matches = await self.store.open_console_session(
                account.id, token_hash(token), secrets.token_urlsafe(32), now, now - self.idle, step
            )  # False: the code was used meanwhile (two sign-ins at once with one code)
        if not matches or account.disabled:
            counted = await self.store.failed_sign_in(
                account.id, now, self.config.lock_after * ACCOUNT_WIDE, lock_until
            )
            account = counted or account
            locked = account.locked_until is not None and account.locked_until > now
            locked = self._count(self._pairs, pair, now) or locked
            return Attempt("locked" if locked else "wrong", account=account)
        self._pairs.pop(pair, None)
        return Attempt("ok", token, account)

    def _unknown_failure(self, username: str, now: datetime) -> Attempt:
        """Count a failure for a username that has no account, as if it had one."""
        if _locked(self._unknown, username, now):
            return Attempt("locked")
        return Attempt("locked" if self._count(self._unknown, username, now) else "wrong")

    def _count(self, failures: Failures, key: Any, now: datetime) -> bool:
        """One more failure for `key` (kept in memory); True when it locks it now."""
        if len(failures) >= UNKNOWN_KEPT:
            failures.clear()
        count = failures.get(key, (0, None))[0] + 1
        if count >= self.config.lock_after:
            failures[key] = (0, now + timedelta(minutes=self.config.lock_minutes))
            return True
        failures[key] = (count, None)
        return False

    async def session(self, token: str, used: bool = True) -> SignedIn | None:
        """The live session of a cookie's token, if any; it counts as used (its idle time
        starts again) only when `used`: a request the officer made, not the page's own
        background refresh."""
        if not token or len(token) > 100:
            return None
        hashed = token_hash(token)
        now = datetime.now(UTC)
        found = await self.store.console_session(
            hashed, now, now - self.idle, now - self.longest, used
        )
        if found is None:
            return None
        account, csrf = found
        return SignedIn(account, stored_role(account.role), csrf, hashed)

    async def sign_out(self, signed: SignedIn, everywhere: bool) -> None:
        """End this session, or every session of the account."""
        if everywhere:
            await self.store.close_console_sessions(signed.account.id)
        else:
            await self.store.close_console_session(signed.token_hash)


def _locked(failures: Failures, key: Any, now: datetime) -> bool:
    """Whether `key` is locked out now (in the in-memory counts)."""
    locked_until = failures.get(key, (0, None))[1]
    return locked_until is not None and locked_until > now
