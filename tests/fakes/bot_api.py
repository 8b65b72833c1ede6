"""A small fake Telegram Bot API server on aiohttp, for running the real client offline.

It speaks the wire format python-telegram-bot uses (form-encoded POST per method,
JSON values JSON-encoded), serves `getUpdates` by long polling from a queue the
test fills, records every call, enforces the limits a menu bot can hit
(64-byte callback_data, 4096-character texts) and answers with scripted errors
(429 with retry_after, 500) on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.recording import RecordingFake

BOT_ID = 777000
STALL_SECONDS = 1.0  # an outage of mode "timeout" or "lost" answers this late


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    failed: bool = False  # answered with a scripted error
    at: float = field(default_factory=time.monotonic)


class FakeBotApi(RecordingFake):
    """The fake server's state; `app` is the aiohttp application to serve."""

    def __init__(self, token: str = "123:TEST") -> None:
        super().__init__()
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict] = []
        self.files: dict[str, bytes] = {}
        self.errors: dict[str, list[tuple[int, dict]]] = {}
        self.outages: dict[str, tuple[float, str, int]] = {}
        self.blocked: set[int] = set()  # private chats whose person blocked the bot
        self._new_update = asyncio.Event()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self.app = web.Application()
        self.app.router.add_post("/bot{token}/{method}", self._method)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._file)

    # ----- what tests use -------------------------------------------------------------------

    def push(self, update: dict) -> dict:
        """Queue an update for getUpdates; gives it a fresh update_id unless it has one."""
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        self._new_update.set()
        return update

    def fail_next(self, method: str, status: int, retry_after: int | None = None) -> None:
        """Make the next call of `method` fail with `status` (429 carries retry_after)."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": status,
            "description": "Too Many Requests: retry later"
            if status == 429
            else "Internal Server Error",
        }
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self.errors.setdefault(method, []).append((status, body))

    def outage(self, method: str, seconds: float, mode: str, retry_after: int = 1) -> None:
        """Fail every call of `method` for `seconds`: mode "500", "429" (with retry_after),
        "timeout" (answer only after the client gave up; nothing delivered) or "lost" (the
        message is delivered, but the answer comes after the client gave up)."""
        self.outages[method] = (time.monotonic() + seconds, mode, retry_after)

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """Parameters of every delivered sendMessage (to `chat_id` if given), in order."""
        return [
            call.params
            for call in self.calls
            if call.method == "sendMessage"
            and not call.failed
            and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def attempts(self, method: str) -> list[Call]:
        """Every call of `method`, failed ones included."""
        return [call for call in self.calls if call.method == method]

    def called(self, method: str) -> list[dict]:
        return [call.params for call in self.calls if call.method == method]

    # ----- the wire protocol ----------------------------------------------------------------

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params))
        self.recorded()
        until, mode, retry_after = self.outages.get(method, (0.0, "", 0))
        if time.monotonic() < until:
            if mode == "lost":
                answer = await getattr(self, f"_do_{method}")(params)
                await asyncio.sleep(STALL_SECONDS)
                return answer
            self.calls[-1].failed = True
            if mode == "timeout":
                await asyncio.sleep(STALL_SECONDS)
            if mode == "429":
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after},
                    },
                    status=429,
                )
            return self._error(500, "Internal Server Error")
        if method.startswith("send") and params.get("chat_id") in self.blocked:
            self.calls[-1].failed = True
            return self._error(403, "Forbidden: bot was blocked by the user")
        scripted = self.errors.get(method)
        if scripted:
            self.calls[-1].failed = True
            status, body = scripted.pop(0)
            return web.json_response(body, status=status)
        handler = getattr(self, f"_do_{method}", None)
        if handler is None:
            return self._error(400, f"Bad Request: fake has no method {method}")
        return await handler(params)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str):
                params[key] = {"upload": value.filename, "bytes": len(value.file.read())}
                continue
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                params[key] = value
        return params

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": status, "description": description}, status=status
        )

    async def _do_getMe(self, params: dict) -> web.Response:
        return self._ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Migran Aman",
                "username": "migran_aman_test_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    async def _do_getUpdates(self, params: dict) -> web.Response:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._new_update.clear()
            timeout = float(params.get("timeout") or 0)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(timeout, 1.0)):
                    await self._new_update.wait()
        limit = int(params.get("limit") or 100)
        return self._ok(self.updates[:limit])

    async def _do_deleteWebhook(self, params: dict) -> web.Response:
        return self._ok(True)

    async def _do_setWebhook(self, params: dict) -> web.Response:
        return self._ok(True)

    async def _do_setMyCommands(self, params: dict) -> web.Response:
        return self._ok(True)

    async def _do_answerCallbackQuery(self, params: dict) -> web.Response:
        return self._ok(True)

    async def _do_sendMessage(self, params: dict) -> web.Response:
        text = str(params.get("text", ""))
        if not text or len(text) > 4096:
            return self._error(
                400,
                "Bad Request: message is too long"
                if text
                else "Bad Request: message text is empty",
            )
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = params["chat_id"]
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": text,
            }
        )

    async def _do_sendPhoto(self, params: dict) -> web.Response:
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "photo": [{"file_id": "sent", "file_unique_id": "sent", "width": 1, "height": 1}],
            }
        )

    async def _do_sendDocument(self, params: dict) -> web.Response:
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "document": {"file_id": "doc", "file_unique_id": "doc"},
            }
        )

    async def _do_getFile(self, params: dict) -> web.Response:
        file_id = params["file_id"]
        if not isinstance(file_id, str) or file_id not in self.files:
            return self._error(400, "Bad Request: invalid file_id")
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}",
            }
        )

    async def _file(self, request: web.Request) -> web.Response:
        name = request.match_info["path"].rsplit("/", 1)[-1]
        if request.match_info["token"] != self.token or name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name])


def reply_to_bot(chat: dict, text: str) -> dict:
    """The `reply_to_message` of a message that answers the bot's message `text`."""
    bot = {"id": BOT_ID, "is_bot": True, "first_name": "Migran Aman"}
    return {"message_id": 9, "date": int(time.time()), "chat": chat, "from": bot, "text": text}


def private_chat(user_id: int) -> dict:
    return {"id": user_id, "type": "private", "first_name": f"User{user_id}"}


def user(user_id: int, language: str = "id") -> dict:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User{user_id}",
        "language_code": language,
    }


def text_update(user_id: int, text: str, message_id: int = 1, **extra) -> dict:
    message = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": private_chat(user_id),
        "from": user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message, **extra}


def message_update(user_id: int, message_id: int = 1, chat: dict | None = None, **fields) -> dict:
    return {
        "message": {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat or private_chat(user_id),
            "from": user(user_id),
            **fields,
        }
    }


def callback_update(user_id: int, data: str, message_id: int = 1, chat: dict | None = None) -> dict:
    return {
        "callback_query": {
            "id": f"cq{user_id}-{message_id}-{time.monotonic_ns()}",
            "from": user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat or private_chat(user_id),
                "text": "menu",
            },
        }
    }
