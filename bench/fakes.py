"""Fast fakes of the Telegram Bot API and the WhatsApp Graph API for the benchmark.

One handler serves both (`/bot<token>/<method>` and `/<version>/<phone id>/messages`),
answers what the bot and python-telegram-bot need, and reports every outbound
message to a callback with its arrival time. The Telegram side can enforce
Telegram's flood limits (`TelegramLimits`): over the limit it answers 429 with
`retry_after`, like the real server. The Graph side can enforce WhatsApp's
throughput and pair rate (`GraphLimits`): over them it answers error 130429 or
131056, as Meta does. The fakes of tests/fakes are richer but cost
too much CPU per call to stand in for the platforms at thousands of calls a second.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

GRAPH_VERSION = "v23.0"
PHONE_NUMBER_ID = "106540352242922"
BOT_TOKEN = "123456:BENCH"
BOT_ID = 777000
_CHAT_ID = re.compile(rb"(?:^|&)chat_id=(-?\d+)")
_TRUE = b'{"ok":true,"result":true}'
_ME = json.dumps(
    {
        "ok": True,
        "result": {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Bench",
            "username": "bench_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        },
    }
).encode()

Sent = Callable[[str, float], None]
"""Called with (recipient, arrival time) for every message accepted for a user."""


class SlidingWindow:
    """At most `limit` events in any `period` seconds (a strict reading of "N per second")."""

    def __init__(self, limit: float, period: float = 1.0) -> None:
        self.limit = limit
        self.period = period
        self.events: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """0 if an event may happen at `now`, else the seconds until one may."""
        events = self.events
        while events and events[0] <= now - self.period:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return events[0] + self.period - now

    def add(self, now: float) -> None:
        self.events.append(now)


@dataclass
class TelegramLimits:
    """Flood limits the fake Bot API enforces (Telegram: 30 msg/s overall, 1 msg/s per chat)."""

    overall: float = 30
    per_chat: float = 1
    period: float = 1.0


@dataclass
class GraphLimits:
    """Limits the fake Graph API enforces on sends (not read receipts): Meta's default
    throughput of 80 messages/s per business number (error 130429 beyond), and the pair
    rate, one message per 6 s to one user with bursts of up to 45 (error 131056)."""

    overall: float = 80
    pair_burst: int = 45
    pair_seconds: float = 6.0
    period: float = 1.0


class TokenBucket:
    """`burst` events at once, then one per `seconds` (the pair rate's shape)."""

    def __init__(self, burst: int, seconds: float, now: float) -> None:
        self.burst = burst
        self.seconds = seconds
        self.tokens = float(burst)
        self.at = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) / self.seconds)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


@dataclass
class FakePlatforms:
    """State of the fakes: counters, accepted send times, and the sent-callback."""

    on_sent: Sent
    limits: TelegramLimits | None = None
    graph_limits: GraphLimits | None = None
    sends: int = 0
    reads: int = 0
    too_many: int = 0  # answers refusing a send over a rate limit (429, 130429, 131056)
    other: dict[str, int] = field(default_factory=dict)
    accepted_at: list[float] = field(default_factory=list)
    record_times: bool = False
    _message_id: int = 0
    _overall: SlidingWindow | None = None
    _chats: dict[str, SlidingWindow] = field(default_factory=dict)
    _graph_overall: SlidingWindow | None = None
    _pairs: dict[str, TokenBucket] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.limits:
            self._overall = SlidingWindow(self.limits.overall, self.limits.period)
        if self.graph_limits:
            limits = self.graph_limits
            self._graph_overall = SlidingWindow(limits.overall, limits.period)

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes, now: float
    ) -> tuple[int, bytes]:
        if target.startswith("/bot"):
            return self._telegram(target.rsplit("/", 1)[1], headers, body, now)
        if target.endswith("/messages"):
            return self._graph(body, now)
        self.other[target] = self.other.get(target, 0) + 1
        return 404, b'{"error":{"message":"unknown path","code":100}}'

    # ----- Telegram ---------------------------------------------------------------------------

    def _telegram(
        self, method: str, headers: dict[str, str], body: bytes, now: float
    ) -> tuple[int, bytes]:
        if method == "sendMessage":
            found = _CHAT_ID.search(body)  # PTB sends forms; accept JSON too
            chat = found.group(1).decode() if found else str(json.loads(body)["chat_id"])
            if self.limits:
                refused = self._limited(chat, now)
                if refused:
                    return refused
            self.sends += 1
            self._message_id += 1
            if self.record_times:
                self.accepted_at.append(now)
            self.on_sent(chat, now)
            return 200, (
                b'{"ok":true,"result":{"message_id":%d,"date":1767225600,"chat":{"id":%s,'
                b'"type":"private"},"text":"x"}}' % (self._message_id, chat.encode())
            )
        if method == "getMe":
            return 200, _ME
        self.other[method] = self.other.get(method, 0) + 1
        return 200, _TRUE  # setWebhook, setMyCommands, answerCallbackQuery, deleteWebhook

    def _limited(self, chat: str, now: float) -> tuple[int, bytes] | None:
        assert self.limits is not None and self._overall is not None
        window = self._chats.get(chat)
        if window is None:
            window = self._chats[chat] = SlidingWindow(self.limits.per_chat, self.limits.period)
        wait = max(self._overall.wait_time(now), window.wait_time(now))
        if wait > 0:
            self.too_many += 1
            retry_after = max(1, math.ceil(wait))
            return 429, (
                b'{"ok":false,"error_code":429,"description":"Too Many Requests: retry after '
                b'%d","parameters":{"retry_after":%d}}' % (retry_after, retry_after)
            )
        self._overall.add(now)
        window.add(now)
        if len(self._chats) > 50_000:  # forget idle chats
            self._chats = {key: w for key, w in self._chats.items() if w.wait_time(now) > 0}
        return None

    # ----- WhatsApp -----------------------------------------------------------------------------

    def _graph(self, body: bytes, now: float) -> tuple[int, bytes]:
        payload = json.loads(body)
        if payload.get("status") == "read":
            self.reads += 1
            return 200, b'{"success":true}'
        to = payload.get("to") or payload.get("recipient") or ""
        if self.graph_limits:
            refused = self._graph_limited(to, now)
            if refused:
                return refused
        self.sends += 1
        self._message_id += 1
        if self.record_times:
            self.accepted_at.append(now)
        self.on_sent(to, now)
        return 200, (
            b'{"messaging_product":"whatsapp","contacts":[{"input":"%s","wa_id":"%s"}],'
            b'"messages":[{"id":"wamid.OUT%d"}]}' % (to.encode(), to.encode(), self._message_id)
        )

    def _graph_limited(self, to: str, now: float) -> tuple[int, bytes] | None:
        assert self.graph_limits is not None and self._graph_overall is not None
        limits = self.graph_limits
        if self._graph_overall.wait_time(now) > 0:
            return self._graph_refusal(130429, "Rate limit hit")
        pair = self._pairs.get(to)
        if pair is None:
            pair = self._pairs[to] = TokenBucket(limits.pair_burst, limits.pair_seconds, now)
        if not pair.take(now):
            return self._graph_refusal(
                131056, "(Business Account, Consumer Account) pair rate limit hit"
            )
        self._graph_overall.add(now)
        return None

    def _graph_refusal(self, code: int, message: str) -> tuple[int, bytes]:
        self.too_many += 1
        error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "bench"}
        return 400, json.dumps({"error": error}).encode()


def max_in_window(times: list[float], period: float = 1.0) -> int:
    """The largest number of events inside any `period`-long window."""
    best, start = 0, 0
    for end, time in enumerate(times):
        while times[start] <= time - period:
            start += 1
        best = max(best, end - start + 1)
    return best
