"""The web chat: a single mobile-first page at `/` and a small JSON API at `/api/chat`.

The browser is identified by a random HttpOnly cookie; nothing else about the
user is collected. Photos are accepted as multipart uploads, checked by their
first bytes (not the declared type) and kept under the media directory.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import BodyPartReader, web

from bot.channels.base import Channel
from bot.channels.media import save_media, sniff_image
from bot.messages import Inbound, InboundKind, Location, Media, Reply
from bot.runtime import Runtime

log = logging.getLogger(__name__)
COOKIE = "ma_chat"
COOKIE_PATTERN = re.compile(r"^[0-9a-f]{32}$")
COOKIE_MAX_AGE = 90 * 24 * 3600
MAX_TEXT_CHARS = 10_000
MAX_JSON_BYTES = 64_000
PAGE = Path(__file__).with_name("webchat.html")


def reply_json(reply: Reply) -> dict:
    """A reply as the page's JSON shape."""
    return {
        "text": reply.text,
        "options": [{"id": o.id, "label": o.label} for o in reply.options],
        "expects": reply.expects,
    }


class WebChatChannel(Channel):
    """Serves the chat page and turns its API calls into `Inbound` messages."""

    name = "web"

    def __init__(self, runtime: Runtime, media_dir: Path, max_media_bytes: int) -> None:
        super().__init__(runtime)
        self.media_dir = media_dir
        self.max_media_bytes = max_media_bytes
        self.page = PAGE.read_bytes()

    def setup(self, app: web.Application) -> None:
        app.router.add_get("/", self.serve_page)
        app.router.add_post("/api/chat", self.chat)

    async def serve_page(self, request: web.Request) -> web.Response:
        return web.Response(
            body=self.page,
            content_type="text/html",
            charset="utf-8",
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": "default-src 'self'; "
                "style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                "img-src 'self' data:",
            },
        )

    async def chat(self, request: web.Request) -> web.Response:
        user = request.cookies.get(COOKIE, "")
        new_cookie = not COOKIE_PATTERN.match(user)
        if new_cookie:
            user = secrets.token_hex(16)
        try:
            inbound = await self._parse(request, user)
        except web.HTTPException as error:
            return web.json_response({"error": error.text}, status=error.status)
        replies = await self.receive(inbound)
        response = web.json_response({"replies": [reply_json(reply) for reply in replies]})
        if new_cookie:
            response.set_cookie(
                COOKIE, user, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax", path="/"
            )
        return response

    async def _parse(self, request: web.Request, user: str) -> Inbound:
        now = datetime.now(UTC)
        if request.content_type.startswith("multipart/"):
            media = await self._save_photo(request)
            return Inbound(self.name, user, InboundKind.MEDIA, now, media=(media,))
        if request.content_length and request.content_length > MAX_JSON_BYTES:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_JSON_BYTES,
                actual_size=request.content_length,
                text="message too large",
            )
        try:
            body = json.loads(await request.read() or b"{}")
        except (ValueError, RecursionError) as error:  # not JSON, not UTF-8, nested too deep
            raise web.HTTPBadRequest(text="body must be JSON") from error
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        if body.get("open"):
            return Inbound(self.name, user, InboundKind.OPEN, now)
        if isinstance(body.get("choice"), str) and body["choice"]:
            return Inbound(self.name, user, InboundKind.CHOICE, now, choice=body["choice"][:64])
        if isinstance(body.get("location"), dict):
            location = Location.parse(body["location"])
            if location is None:
                raise web.HTTPBadRequest(text="location needs latitude and longitude in range")
            return Inbound(self.name, user, InboundKind.LOCATION, now, location=location)
        if isinstance(body.get("text"), str):
            return Inbound(
                self.name, user, InboundKind.TEXT, now, text=body["text"][:MAX_TEXT_CHARS]
            )
        raise web.HTTPBadRequest(text="send one of: open, text, choice, location")

    async def _save_photo(self, request: web.Request) -> Media:
        reader = await request.multipart()
        part = await reader.next()
        while part is not None and (not isinstance(part, BodyPartReader) or part.name != "photo"):
            part = await reader.next()
        if part is None:
            raise web.HTTPBadRequest(text="multipart upload needs a 'photo' field")
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            data += chunk
            if len(data) > self.max_media_bytes:
                raise web.HTTPRequestEntityTooLarge(
                    max_size=self.max_media_bytes, actual_size=len(data), text="photo too large"
                )
        kind = sniff_image(bytes(data[:16]))
        if kind is None:
            raise web.HTTPBadRequest(text="only JPEG, PNG or WebP photos are accepted")
        mime, extension = kind
        log.info("photo received on web chat (%d bytes)", len(data))
        return save_media(self.media_dir, "web", "image", mime, extension, bytes(data))
