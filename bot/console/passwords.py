"""Password hashes (argon2id, argon2-cffi's default parameters) and the TOTP second factor
(RFC 6238, 30-second steps, one step of clock drift allowed either way; the sign-in accepts
each step's code once, `totp_step` says which step a code belongs to)."""

from __future__ import annotations

import asyncio
import hmac
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # longer ones are refused before hashing (hashing is deliberately slow)
ISSUER = "Migran Aman"
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("a password nobody has")  # checked for unknown users: the same time
CHECKS_AT_ONCE = 2  # argon2 checks running together: a flood of sign-ins queues, never
# takes every thread and core of the server (`PasswordChecks`)


def hash_password(password: str) -> str:
    """The argon2id hash of a new password. Raises ValueError when it is too short or long."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise ValueError(f"a password has at most {MAX_PASSWORD} characters")
    return _hasher.hash(password)


class PasswordChecks:
    """Password checks off the event loop, at most CHECKS_AT_ONCE at a time (one per
    server: its semaphore belongs to the event loop it first runs on)."""

    def __init__(self) -> None:
        self._slots = asyncio.Semaphore(CHECKS_AT_ONCE)

    async def matches(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches the hash; with no hash (no such account) a dummy is
        checked, so the answer takes as long either way."""
        if not password or len(password) > MAX_PASSWORD:
            return False
        async with self._slots:
            stored = password_hash or _DUMMY
            return await asyncio.to_thread(_verify, stored, password, password_hash)


def _verify(stored: str, password: str, real: str | None) -> bool:
    try:
        return _hasher.verify(stored, password) and real is not None
    except (VerificationError, InvalidHashError):
        return False


def new_totp_secret() -> str:
    """A random base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads (as text or a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code of `secret` is `code`: the current step or a neighbouring
    one; None if it is none of them."""
    code = code.strip().replace(" ", "")
    if not secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
