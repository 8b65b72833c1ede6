"""Who is calling the web chat: the signed session cookie and the client's address.

The session id in the browser's cookie is one the server issued and signed (HMAC-SHA256
under a per-install secret, kept in a 0600 key file unless configured); a cookie the server
did not sign is never used. The client's address (the peer's, or what a trusted reverse proxy
forwarded) and the key it is limited under (an IPv6 client's whole /64) serve the
per-address limits only, and a request whose `Origin` names another site is refused (CSRF).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import logging
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from aiohttp import hdrs, web
from yarl import URL

from bot.config import ConfigError

log = logging.getLogger("bot.channels.webchat")  # one logger for the whole channel
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")


def load_session_secret(configured: str, key_file: Path) -> bytes:
    """The secret that signs session ids: `configured` (WEB_SESSION_SECRET) if set, else the
    key kept in `key_file`, created (0600, 32 random bytes as hex) on first use."""
    if configured:
        return configured.encode()
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(6)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
                file.flush()
                os.fsync(file.fileno())
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temporary, key_file)  # the file appears whole or not at all
        finally:
            temporary.unlink(missing_ok=True)
        log.info("web chat session key created in %s", key_file)
    if key_file.stat().st_mode & 0o077:
        log.warning("%s is readable by others: made 0600", key_file)
        key_file.chmod(0o600)
    secret = key_file.read_text(encoding="ascii", errors="replace").strip()
    if len(secret) < 32:
        raise ConfigError(f"{key_file}: session key too short; delete the file to get a new one")
    return secret.encode()


class SessionSigner:
    """Issues web chat session ids and recognises only the ones it issued.

    A cookie is `<id>.<signature>`: 32 random hex digits and the first 32 hex digits of
    their HMAC-SHA256 under the install's secret. The id alone is the user's key.
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, session_id: str) -> str:
        message = b"ma-web-session:" + session_id.encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def issue(self) -> tuple[str, str]:
        """A new session id and the cookie value that carries it."""
        session_id = secrets.token_hex(16)
        return session_id, f"{session_id}.{self._sign(session_id)}"

    def verify(self, cookie: str) -> str | None:
        """The session id of a cookie this signer issued; None for anything else."""
        session_id, _, signature = cookie.partition(".")
        if not SESSION_ID.match(session_id) or len(signature) != 32:
            return None
        if not hmac.compare_digest(signature, self._sign(session_id)):
            return None
        return session_id


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddress:
    """Where a request comes from. The peer's address, unless the peer is a trusted proxy:
    then the right-most address of X-Forwarded-For that is not a trusted proxy (what the
    proxy saw; anything left of it was written by the client and is not believed)."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self.trusted: tuple[Network, ...] = tuple(
            ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies
        )

    def _is_trusted(self, address: str) -> bool:
        ip = _parse_ip(address)
        return ip is not None and any(ip in network for network in self.trusted)

    def of(self, request: web.Request) -> tuple[str, bool]:
        """(the client's address, whether the client used HTTPS)."""
        peer = request.remote or ""
        if not self.trusted or not self._is_trusted(peer):
            return peer, request.secure
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
        https = request.secure or proto == "https"
        hops = ",".join(request.headers.getall(hdrs.X_FORWARDED_FOR, [])).split(",")
        client = peer
        for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
            if _parse_ip(hop) is None:
                break  # not an address: keep the last one that was
            client = hop
            if not self._is_trusted(hop):
                break
        return client, https


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def limit_key(address: str) -> str:
    """The key an address is limited under: itself, or its /64 for IPv6 (one host usually
    holds a whole /64)."""
    ip = _parse_ip(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip) if ip is not None else address


def same_origin(origin: str, host: str) -> bool:
    """Whether an Origin header names the host the request was sent to."""
    try:
        url = URL(origin)
        target = URL(f"{url.scheme}://{host}")
    except (ValueError, TypeError):
        return False
    if url.scheme not in ("http", "https") or not url.host or not target.host:
        return False
    return (url.host.lower(), url.port) == (target.host.lower(), target.port)
