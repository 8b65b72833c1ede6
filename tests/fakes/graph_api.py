"""A small fake WhatsApp Cloud API (Graph API) on aiohttp, for running the channel offline.

It records every call (method, path, headers, JSON body and the status it answered),
answers sends and read receipts like Meta does, refuses what Meta refuses (wrong
token, texts over 4096 characters, more than 3 buttons, button titles over 20,
more than 10 list rows, row titles over 24, bodies over 1024), serves media
(`GET /{version}/{media-id}` gives a URL back into the fake, `GET` of that URL the
bytes, both only with the bearer token) and fails sends with scripted Graph errors.
Also builds webhook bodies shaped like Meta's documented payloads.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.recording import RecordingFake

VERSION = "v23.0"
PHONE_NUMBER_ID = "106540352242922"
STALL_SECONDS = 1.0  # an outage of mode "timeout" or "lost" answers this late
BUSINESS_NUMBER = "15550783881"
ERROR_TITLES = {
    130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    131047: "Re-engagement message",
    131026: "Message Undeliverable",
    1: "API Unknown",
}


@dataclass
class Call:
    """One request the channel made, and the HTTP status the fake answered."""

    method: str
    path: str
    headers: dict[str, str]
    json: dict[str, Any] | None
    status: int = 200


class FakeGraphApi(RecordingFake):
    """The fake server's state; `start()` serves it on 127.0.0.1 and gives the base URL."""

    def __init__(self, token: str = "test-token", phone_number_id: str = PHONE_NUMBER_ID) -> None:
        super().__init__()
        self.token = token
        self.phone_number_id = phone_number_id
        self.calls: list[Call] = []
        self.errors: list[tuple[int, int] | None] = []
        self.unreachable: set[str] = set()  # numbers that cannot receive WhatsApp messages
        self.down: tuple[float, str, int] = (0.0, "", 0)
        self.media: dict[str, tuple[str, bytes]] = {}
        self._ids = itertools.count(1)
        self.app = web.Application()
        self.app.router.add_post(f"/{VERSION}/{{phone_id}}/messages", self._messages)
        self.app.router.add_get(f"/{VERSION}/{{media_id}}", self._media_info)
        self.app.router.add_get("/media-bytes/{media_id}", self._media_bytes)
        self.server: TestServer | None = None
        self.api_url = ""

    async def start(self) -> str:
        """Serve on a free port; returns the Graph base URL (with version) to configure."""
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        self.api_url = str(self.server.make_url(f"/{VERSION}"))
        return self.api_url

    async def close(self) -> None:
        if self.server:
            await self.server.close()

    # ----- what tests use -------------------------------------------------------------------

    def fail_next(self, code: int, status: int = 400, times: int = 1, skip: int = 0) -> None:
        """Let `skip` sends (not read receipts) pass, then fail `times` with this Graph error."""
        self.errors.extend([None] * skip + [(status, code)] * times)

    def outage(self, seconds: float, mode: str, retry_after: int = 1) -> None:
        """Fail every send for `seconds`: mode "500", "429" (HTTP 429 with Retry-After),
        "timeout" (answer only after the client gave up; nothing sent) or "lost" (sent, but
        the answer comes after the client gave up). Read receipts fail the same way."""
        self.down = (time.monotonic() + seconds, mode, retry_after)

    def add_media(self, media_id: str, mime: str, data: bytes) -> None:
        self.media[media_id] = (mime, data)

    def sent(self, to: str | None = None) -> list[dict[str, Any]]:
        """Bodies of every accepted send (not read receipts), to `to` if given, in order."""
        return [
            call.json
            for call in self.calls
            if call.status == 200
            and call.json
            and call.path.endswith("/messages")
            and "status" not in call.json
            and (to is None or call.json.get("to") == to)
        ]

    def attempts(self) -> list[Call]:
        """Every send call, including refused ones."""
        return [
            call
            for call in self.calls
            if call.path.endswith("/messages") and call.json and "status" not in call.json
        ]

    def reads(self) -> list[str]:
        """The wamids marked as read."""
        return [
            call.json["message_id"]
            for call in self.calls
            if call.json and call.json.get("status") == "read" and call.status == 200
        ]

    # ----- the wire protocol ----------------------------------------------------------------

    def _record(self, request: web.Request, body: dict[str, Any] | None, status: int) -> None:
        self.calls.append(Call(request.method, request.path, dict(request.headers), body, status))
        self.recorded()

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        until, mode, retry_after = self.down
        if time.monotonic() < until and mode != "lost":
            if mode == "timeout":
                await asyncio.sleep(STALL_SECONDS)
            status = 429 if mode == "429" else 500
            self._record(request, body, status)
            headers = {"Retry-After": str(retry_after)} if mode == "429" else None
            return web.json_response(_error(1, "API Unknown"), status=status, headers=headers)
        if not self._authorized(request):
            status, answer = 401, _error(190, "Invalid OAuth access token")
        elif request.match_info["phone_id"] != self.phone_number_id:
            status, answer = 400, _error(100, "Unsupported post request")
        elif body.get("messaging_product") != "whatsapp":
            status, answer = 400, _error(100, "messaging_product must be whatsapp")
        elif body.get("status") == "read":
            status, answer = 200, {"success": True}
        elif problem := _invalid(body):
            status, answer = 400, _error(100, f"Invalid parameter: {problem}")
        elif body.get("to") in self.unreachable:
            status, answer = 400, _error(131026, ERROR_TITLES[131026])
        elif self.errors and (scripted := self.errors.pop(0)):
            status, code = scripted
            answer = _error(code, ERROR_TITLES.get(code, "Error"))
        else:
            status = 200
            answer = {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.OUT{next(self._ids)}"}],
            }
        self._record(request, body, status)
        if time.monotonic() < until and mode == "lost":
            await asyncio.sleep(STALL_SECONDS)
        return web.json_response(answer, status=status)

    async def _media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        status = 200 if self._authorized(request) and media_id in self.media else 404
        self._record(request, None, status)
        if status != 200:
            return web.json_response(_error(100, "media not found"), status=status)
        mime, data = self.media[media_id]
        assert self.server is not None
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": str(self.server.make_url(f"/media-bytes/{media_id}")),
                "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            }
        )

    async def _media_bytes(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        status = 200 if self._authorized(request) and media_id in self.media else 404
        self._record(request, None, status)
        if status != 200:
            return web.Response(status=status)
        mime, data = self.media[media_id]
        return web.Response(body=data, content_type=mime)


def _error(code: int, message: str) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "AbCdEf",
        }
    }


def _invalid_template(template: dict[str, Any]) -> str | None:
    """What Meta refuses in a template send: no name or language; a text parameter with a new
    line, a tab or more than four spaces in a row (error 132018)."""
    if not template.get("name"):
        return "template.name"
    if not template.get("language", {}).get("code"):
        return "template.language.code"
    for component in template.get("components", []):
        for parameter in component.get("parameters", []):
            value = parameter.get("text", "")
            if parameter.get("type") != "text" or re.search(r"[\n\t]| {5}", value) or not value:
                return "template.components.parameters"
    return None


def _invalid(body: dict[str, Any]) -> str | None:
    """What Meta would refuse in a send, or None."""
    if not body.get("to") and not body.get("recipient"):
        return "to"
    kind = body.get("type")
    if kind == "text":
        text = body["text"]["body"]
        return None if 0 < len(text) <= 4096 else "text.body length"
    if kind == "template":
        return _invalid_template(body["template"])
    if kind != "interactive":
        return f"type {kind}"
    interactive = body["interactive"]
    if not 0 < len(interactive["body"]["text"]) <= 1024:
        return "interactive.body.text length"
    action = interactive["action"]
    if interactive["type"] == "button":
        buttons = action["buttons"]
        titles = [button["reply"]["title"] for button in buttons]
        if not 1 <= len(buttons) <= 3 or any(not 0 < len(t) <= 20 for t in titles):
            return "buttons"
        return None if len(set(titles)) == len(titles) else "duplicate button titles"
    rows = [row for section in action["sections"] for row in section["rows"]]
    if not 0 < len(action["button"]) <= 20 or not 1 <= len(rows) <= 10:
        return "list button or rows"
    for row in rows:
        if not 0 < len(row["title"]) <= 24 or len(row.get("description", "")) > 72:
            return "row title or description"
    return None


# ----- webhook bodies, shaped like Meta's ---------------------------------------------------


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    """The webhook body around one change value."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": BUSINESS_NUMBER,
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def messages_body(wa_id: str, *messages: dict[str, Any], user_id: str = "") -> dict[str, Any]:
    """A webhook body carrying messages from one user (with a BSUID if `user_id`)."""
    contact: dict[str, Any] = {"profile": {"name": "Siti"}, "wa_id": wa_id}
    if user_id:
        contact["user_id"] = user_id
    return envelope({"contacts": [contact], "messages": list(messages)})


_wamids = itertools.count(1)


def message(
    wa_id: str, kind: str, content: dict[str, Any] | None, timestamp: float | None = None
) -> dict[str, Any]:
    """One entry of `messages`: `kind` is text, interactive, image, location, sticker..."""
    entry: dict[str, Any] = {
        "from": wa_id,
        "id": f"wamid.HBgLIN{next(_wamids):06d}",
        "timestamp": str(int(timestamp if timestamp is not None else time.time())),
        "type": kind,
    }
    if content is not None:
        entry[kind] = content
    return entry


def text(wa_id: str, body: str, timestamp: float | None = None) -> dict[str, Any]:
    return message(wa_id, "text", {"body": body}, timestamp)


def button_reply(wa_id: str, option_id: str, title: str = "x") -> dict[str, Any]:
    entry = message(
        wa_id,
        "interactive",
        {"type": "button_reply", "button_reply": {"id": option_id, "title": title}},
    )
    entry["context"] = {"from": BUSINESS_NUMBER, "id": "wamid.OUT1"}
    return entry


def list_reply(wa_id: str, option_id: str, title: str = "x") -> dict[str, Any]:
    entry = message(
        wa_id,
        "interactive",
        {"type": "list_reply", "list_reply": {"id": option_id, "title": title}},
    )
    entry["context"] = {"from": BUSINESS_NUMBER, "id": "wamid.OUT1"}
    return entry


def status(wamid: str, wa_id: str, state: str, error_code: int = 0) -> dict[str, Any]:
    """One entry of `statuses`."""
    entry: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
        "conversation": {"id": "c0ffee", "origin": {"type": "service"}},
        "pricing": {"billable": True, "pricing_model": "PMP", "category": "service"},
    }
    if error_code:
        entry["errors"] = [
            {
                "code": error_code,
                "title": ERROR_TITLES.get(error_code, "Error"),
                "message": ERROR_TITLES.get(error_code, "Error"),
                "error_data": {"details": "details"},
            }
        ]
    return entry


def sign(body: bytes, secret: str) -> str:
    """The X-Hub-Signature-256 header Meta would send."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def sent_text(sent: dict[str, Any]) -> str:
    """The text a user sees in one message the bot sent."""
    if sent["type"] == "text":
        return sent["text"]["body"]
    if sent["type"] == "interactive":
        return sent["interactive"]["body"]["text"]
    return f"<{sent['type']}>"
