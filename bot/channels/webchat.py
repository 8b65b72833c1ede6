"""The web chat: a single mobile-first page at `/` and a small JSON API at `/api/chat`.

The browser is identified by an HttpOnly cookie holding a session id the server issued
and signed (HMAC-SHA256 with a per-install secret); a cookie the server did not sign is
never used. A new browser's first call must be the page's `{"open": true}`: other calls
without a valid cookie get 400 (`"reopen": true`) and store nothing, so cookie-less floods
create no sessions. Requests are limited per client address before anything is read
(behind a reverse proxy listed in `server.trusted_proxies`, the address it forwards).
Only JSON and multipart bodies are accepted, and a cross-site `Origin` is refused (CSRF).
Photos are accepted as multipart uploads, checked by their first bytes (not the declared
type) and kept under the media directory. Nothing else about the user is collected; the
client address is used for the limits only and never stored.

This module is the routes and their handlers; the session cookie, the client's address and
the origin check are in `webchat_session`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import BodyPartReader, hdrs, web

from bot.channels.base import Channel
from bot.channels.media import MediaQuota, save_media, sniff_image
from bot.channels.webchat_session import (
    ClientAddress,
    SessionSigner,
    limit_key,
    load_session_secret,
    same_origin,
)
from bot.config import Config
from bot.limits import Throttle
from bot.messages import Inbound, InboundKind, Location, Media, Reply
from bot.runtime import Runtime

log = logging.getLogger(__name__)
COOKIE = "ma_chat"
COOKIE_MAX_AGE = 90 * 24 * 3600
KEY_FILE = "web-session.key"
MAX_TEXT_CHARS = 10_000
MAX_JSON_BYTES = 64_000
MULTIPART_OVERHEAD = 64_000  # boundaries, part headers and small extra fields of an upload
MAX_PARTS = 4  # parts looked at for the "photo" field
JSON_READ_SECONDS = 30  # a body not received by then: 408
UPLOAD_READ_SECONDS = 180  # the page gives an upload as long
BODY_TYPES = ("application/json", "multipart/form-data")
SURROGATES = re.compile("[\ud800-\udfff]")
STATIC = Path(__file__).parent
PAGE = STATIC / "webchat.html"
ASSETS = {
    "/static/webchat.js": ("webchat.js", "application/javascript"),
    "/static/webchat.css": ("webchat.css", "text/css"),
}


def reply_json(reply: Reply) -> dict[str, object]:
    """A reply as the page's JSON shape."""
    return {
        "text": reply.text,
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
        "expects": reply.expects,
    }


def clean_text(text: str) -> str:
    """Lone surrogates ("\\ud800" in JSON) become U+FFFD: they cannot be encoded as UTF-8,
    so the database would refuse the turn."""
    return SURROGATES.sub("\ufffd", text)


class WebChatChannel(Channel):
    """Serves the chat page and turns its API calls into `Inbound` messages."""

    name = "web"

    def __init__(
        self,
        runtime: Runtime,
        media_dir: Path,
        max_media_bytes: int,
        *,
        secret: bytes | None = None,
        trusted_proxies: Iterable[str] = (),
        per_address_burst: int = 60,
        per_address_per_minute: int = 120,
    ) -> None:
        super().__init__(runtime)
        self.media_dir = media_dir
        self.quota = MediaQuota(media_dir)
        self.max_media_bytes = max_media_bytes
        self.page = PAGE.read_bytes()
        self.assets = {
            route: ((STATIC / file).read_bytes(), kind) for route, (file, kind) in ASSETS.items()
        }
        self.signer = SessionSigner(secret or secrets.token_bytes(32))
        self.client_address = ClientAddress(trusted_proxies)
        self.address_limit = (
            Throttle(per_address_burst, per_address_per_minute) if per_address_burst else None
        )
        self.retry_after = str(max(1, math.ceil(60 / per_address_per_minute)))

    @classmethod
    def from_config(cls, runtime: Runtime, config: Config) -> WebChatChannel:
        """The web chat as `config` says, with the session key of this install."""
        key_file = Path(config.database.path).parent / KEY_FILE
        return cls(
            runtime,
            Path(config.media.dir),
            config.media.max_bytes,
            secret=load_session_secret(config.server.session_secret, key_file),
            trusted_proxies=config.server.trusted_proxies,
            per_address_burst=config.flood.per_address_burst,
            per_address_per_minute=config.flood.per_address_per_minute,
        )

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self.serve_page)
        for route in self.assets:
            app.router.add_get(route, self.serve_asset)
        app.router.add_post("/api/chat", self.chat)

    async def serve_page(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.page,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    async def serve_asset(self, request: web.Request) -> web.Response:
        body, kind = self.assets[request.path]
        return web.Response(
            body=body, content_type=kind, charset="utf-8", headers={"Cache-Control": "no-cache"}
        )

    async def chat(self, request: web.Request) -> web.Response:
        client, https = self.client_address.of(request)
        limit = self.address_limit
        verdict = limit.admit(("web", limit_key(client))) if limit else Throttle.ADMIT
        if verdict != Throttle.ADMIT:
            if verdict == Throttle.NOTIFY:
                log.warning("a client address is flooding the web chat: 429 for a while")
            return self._slow_down()
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is not None and not same_origin(origin, request.host):
            return web.json_response({"error": "cross-site request refused"}, status=403)
        if request.content_type not in BODY_TYPES:
            return web.json_response(
                {"error": "send application/json or multipart/form-data"}, status=415
            )
        user = self.signer.verify(request.cookies.get(COOKIE, ""))
        cookie = ""
        if user is None:
            if request.content_type != "application/json":
                return self._no_session()
            user, cookie = self.signer.issue()
        try:
            multipart = request.content_type == "multipart/form-data"
            seconds = UPLOAD_READ_SECONDS if multipart else JSON_READ_SECONDS
            async with asyncio.timeout(seconds):
                inbound = await self._parse(request, user, limit_key(client))
        except web.HTTPException as error:
            return web.json_response({"error": error.text}, status=error.status)
        except TimeoutError:
            return web.json_response({"error": "request body too slow"}, status=408)
        except ConnectionError:  # the client went away in the middle of its body
            log.info("web chat request broken off by the client; nothing kept")
            return web.json_response({"error": "request broken off"}, status=400)
        if cookie and inbound.kind is not InboundKind.OPEN:
            return self._no_session()
        replies = await self.receive(inbound)
        response = web.json_response({"replies": [reply_json(reply) for reply in replies]})
        if cookie:
            response.set_cookie(
                COOKIE,
                cookie,
                max_age=COOKIE_MAX_AGE,
                httponly=True,
                secure=https,
                samesite="Strict",
                path="/",
            )
        return response

    def _slow_down(self) -> web.Response:
        """429 for an address over its limit: the content's "slow down" text, nothing read."""
        flows = self.runtime.content.flows
        reply = Reply(flows.message("slow_down", flows.default_language))
        return web.json_response(
            {"error": "too many requests", "replies": [reply_json(reply)]},
            status=429,
            headers={"Retry-After": self.retry_after},
        )

    @staticmethod
    def _no_session() -> web.Response:
        """400 for a request without a session the server issued: the page opens the chat
        again (which issues one) and shows where the user is."""
        return web.json_response(
            {"error": 'no chat session: send {"open": true} first', "reopen": True},
            status=400,
        )

    async def _parse(self, request: web.Request, user: str, client: str) -> Inbound:
        now = datetime.now(UTC)
        if request.content_type == "multipart/form-data":
            if not await self.runtime.expects_media(self.name, user):
                return Inbound(self.name, user, InboundKind.MEDIA, now, client=client)  # not read
            media = await self._save_photo(request, f"{self.name}:{user}")
            media_kept = (media,) if media else ()
            return Inbound(self.name, user, InboundKind.MEDIA, now, media=media_kept, client=client)
        try:
            body = json.loads(await _read_json(request) or b"{}")
        except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, nested too deep
            raise web.HTTPBadRequest(text="body must be JSON") from error
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        if body.get("open"):
            return Inbound(self.name, user, InboundKind.OPEN, now, client=client)
        if isinstance(body.get("choice"), str) and body["choice"]:
            choice = clean_text(body["choice"][:64])
            return Inbound(self.name, user, InboundKind.CHOICE, now, choice=choice, client=client)
        if isinstance(body.get("location"), dict):
            location = Location.parse(body["location"])
            if location is None:
                raise web.HTTPBadRequest(text="location needs latitude and longitude in range")
            return Inbound(
                self.name, user, InboundKind.LOCATION, now, location=location, client=client
            )
        if isinstance(body.get("text"), str):
            text = clean_text(body["text"][:MAX_TEXT_CHARS])
            return Inbound(self.name, user, InboundKind.TEXT, now, text=text, client=client)
        raise web.HTTPBadRequest(text="send one of: open, text, choice, location")

    async def _save_photo(self, request: web.Request, user_key: str) -> Media | None:
        """The uploaded photo, kept; None when a quota or the disk reserve refuses it."""
        budget = self.max_media_bytes + MULTIPART_OVERHEAD
        if request.content_length and request.content_length > budget:
            raise _too_large(budget, request.content_length, "photo too large")
        try:
            data = await self._read_photo(request, budget)
        except ValueError as error:  # no boundary, a broken part
            raise web.HTTPBadRequest(text="malformed multipart body") from error
        if data is None:
            raise web.HTTPBadRequest(text="multipart upload needs a 'photo' field")
        kind = sniff_image(bytes(data[:16]))
        if kind is None:
            raise web.HTTPBadRequest(text="only JPEG, PNG or WebP photos are accepted")
        mime, extension = kind
        if not self.quota.admit(user_key, len(data)):
            return None
        log.info("photo received on web chat (%d bytes)", len(data))
        try:
            return save_media(self.media_dir, "web", "image", mime, extension, bytes(data))
        except ValueError as error:  # a damaged image: refused, not kept as it came
            raise web.HTTPBadRequest(text="the photo could not be read") from error
        except OSError as error:
            log.error("web chat photo not stored: %s", error)
            raise web.HTTPServiceUnavailable(text="the photo could not be stored") from error

    async def _read_photo(self, request: web.Request, budget: int) -> bytearray | None:
        """The "photo" field's bytes (None if there is none), reading at most `budget` bytes
        of body and `MAX_PARTS` parts, and at most `max_media_bytes` of photo."""
        reader = await request.multipart()
        for _ in range(MAX_PARTS):
            part = await reader.next()
            if part is None:
                return None
            if not isinstance(part, BodyPartReader):
                raise web.HTTPBadRequest(text="nested multipart is not accepted")
            kept = bytearray()
            while chunk := await part.read_chunk(64 * 1024):
                if request.content.total_bytes > budget:
                    raise _too_large(budget, request.content.total_bytes, "photo too large")
                if part.name == "photo":
                    kept += chunk
                    if len(kept) > self.max_media_bytes:
                        raise _too_large(self.max_media_bytes, len(kept), "photo too large")
            if part.name == "photo":
                return kept
        return None


async def _read_json(request: web.Request) -> bytes:
    """The body, at most MAX_JSON_BYTES, whether or not a length was declared (a chunked
    body is read only up to one byte past the cap)."""
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise _too_large(MAX_JSON_BYTES, request.content_length, "message too large")
    data = bytearray()
    while len(data) <= MAX_JSON_BYTES:
        chunk = await request.content.read(MAX_JSON_BYTES + 1 - len(data))
        if not chunk:
            break
        data += chunk
    if len(data) > MAX_JSON_BYTES:
        raise _too_large(MAX_JSON_BYTES, len(data), "message too large")
    return bytes(data)


def _too_large(limit: int, size: int, text: str) -> web.HTTPRequestEntityTooLarge:
    return web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size, text=text)
