"""A small WhatsApp Cloud API client on aiohttp: send messages, mark read, download media.

Every call goes to `{api_url}/{phone_number_id}/messages` (or `{api_url}/{media_id}`)
with the bearer token. Failures are classified here, once: `GraphError.retryable`
says whether the same call may succeed later (rate limits, 5xx, network trouble, a
token being replaced) or never will (window closed, bad recipient, bad parameters).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.channels.pacing import RateLimiter

log = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)
RETRYABLE_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133016})
"""Graph error codes worth retrying: rate limits, throughput, temporary outages."""
EXPIRED_TOKEN = 190
TOKEN_RETRY_SECONDS = 300.0  # a rejected token is an operator problem: keep messages meanwhile


class GraphError(Exception):
    """A failed Graph API call, with the HTTP status, Graph code and whether to retry."""

    def __init__(
        self,
        reason: str,
        status: int = 0,
        code: int = 0,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """Where to download a received media file, and what Meta says it is."""

    url: str
    mime: str
    size: int


class GraphClient:
    """Calls the Graph API for one WhatsApp business phone number."""

    def __init__(
        self, api_url: str, phone_number_id: str, token: str, per_second: float = 40
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self.token = token
        self.limiter = RateLimiter(per_second, window=max(1, int(per_second)))
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        """Open the HTTP session (needs a running event loop)."""
        self._session = aiohttp.ClientSession(
            timeout=TIMEOUT, headers={"Authorization": f"Bearer {self.token}"}
        )

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session:
            await self._session.close()
            self._session = None

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> str:
        """Send one message (`recipient` is {"to": wa_id}); returns its wamid."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        answer = await self._post_message({**body, **recipient, **message})
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        return ""

    async def mark_read(self, wamid: str) -> None:
        """Show the user's message as read (blue ticks)."""
        await self._post_message(
            {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}
        )

    async def media_info(self, media_id: str) -> MediaInfo:
        """The download URL, MIME type and size of a received media file."""
        answer = await self._request("GET", f"{self.api_url}/{media_id}")
        try:
            return MediaInfo(
                str(answer["url"]), str(answer.get("mime_type", "")), int(answer["file_size"])
            )
        except (KeyError, TypeError, ValueError) as error:
            raise GraphError(f"unexpected media answer: {error}") from error

    async def download(self, url: str, max_bytes: int) -> bytes:
        """The bytes at a media URL (with the bearer token), refused above `max_bytes`."""
        session = self._open_session()
        try:
            async with session.get(url) as response:
                if response.status >= 400:
                    raise classify(response.status, {}, response.headers.get("Retry-After"))
                data = bytearray()
                async for chunk in response.content.iter_chunked(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        raise GraphError(f"media larger than {max_bytes} bytes")
                return bytes(data)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise GraphError(f"network: {type(error).__name__}", retryable=True) from error

    async def _post_message(self, payload: dict[str, Any]) -> dict[str, Any]:
        async with self.limiter.slot():
            return await self._request(
                "POST", f"{self.api_url}/{self.phone_number_id}/messages", payload
            )

    async def _request(
        self, method: str, url: str, payload: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        session = self._open_session()
        try:
            async with session.request(method, url, json=payload) as response:
                try:
                    answer = await response.json(content_type=None)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    answer = None
                if response.status >= 400 or not isinstance(answer, dict):
                    raise classify(
                        response.status,
                        answer if isinstance(answer, dict) else {},
                        response.headers.get("Retry-After"),
                    )
                return answer
        except (aiohttp.ClientError, TimeoutError) as error:
            raise GraphError(f"network: {type(error).__name__}", retryable=True) from error

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise GraphError("the Graph API client is not started")
        return self._session


def classify(status: int, answer: dict[str, Any], retry_after: str | None = None) -> GraphError:
    """A GraphError for an HTTP error answer: retryable or final, with its Graph code."""
    error = answer.get("error")
    error = error if isinstance(error, dict) else {}
    try:
        code = int(error.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    reason = f"HTTP {status}"
    if code:
        reason += f", code {code}"
    if error.get("message"):
        reason += f": {error['message']}"
    details = error.get("error_data")
    if isinstance(details, dict) and details.get("details"):
        reason += f" ({details['details']})"
    delay = _seconds(retry_after)
    if status == 401 or code == EXPIRED_TOKEN:
        log.error("WhatsApp rejected the access token (WHATSAPP_TOKEN): %s", reason)
        return GraphError(reason, status, code, True, max(delay or 0.0, TOKEN_RETRY_SECONDS))
    retryable = status >= 500 or status == 429 or code in RETRYABLE_CODES
    return GraphError(reason, status, code, retryable, delay)


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
