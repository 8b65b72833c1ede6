"""The load generator: simulated users posting webhooks, replies observed at the fake API.

Each simulated user walks a fixed script (a prologue, then a cycle repeated) and
never has more than one message in flight: it sends the next one only after the
whole reply to the previous one reached the fake platform. The latency of a
message is from the moment its POST is written to the socket to the arrival of
the first outbound call of its reply at the fake, both read from the same
`perf_counter` in this process.

Two ways to drive it: `open_loop` offers a fixed rate (messages/s, spread over
the users who are free) and measures latency; `closed_loop` lets every user send
as fast as the replies come back and measures the maximum throughput. At most 1,000
messages are in flight: with 10,000 users, users take turns.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import time
from collections import deque
from dataclasses import dataclass, field
from time import perf_counter

from bench.server import APP_SECRET, SECRET_HEADER, WEBHOOK_SECRET
from bench.wire import Client
from tests.fakes.graph_api import messages_body, sign

PROLOGUE = ["halo"]
CYCLE = ["1", "kembali", "2", "menu"]  # main menu -> a submenu -> back -> another -> menu


@dataclass(slots=True)
class User:
    index: int
    key: str  # how the fake names the recipient: wa_id or chat id
    position: int = 0  # next step of the script
    waiting: int = 0  # outbound messages still expected for the message in flight
    first: bool = False  # the first outbound of the message in flight is still due
    sent_at: float = 0.0
    sends: int = 0  # outbound messages seen (calibration)
    last_seen: float = 0.0


@dataclass
class Result:
    """What one load run measured."""

    messages: int = 0  # completed: every reply message arrived
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # non-200 answers or failed connections
    unfinished: int = 0  # acknowledged but not answered when the run ended
    starved: int = 0  # ticks of the open loop with no free user
    client_cpu: float = 0.0  # CPU seconds this process used (load generator + fakes)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Latency percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        if fraction == 0.5:
            return statistics.median(ordered) * 1000
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


class Load:
    """Simulated users of one channel ("whatsapp" or "telegram") against one server."""

    def __init__(self, channel: str, port: int, users: int, first_user: int = 0) -> None:
        self.channel = channel
        self.client = Client("127.0.0.1", port)
        self.users = [self._user(first_user + index) for index in range(users)]
        self.by_key = {user.key: user for user in self.users}
        self.expected: list[int] = []  # outbound messages per script step (calibrated)
        self.ready: deque[User] = deque()
        self.result = Result()
        self.measuring = False
        self.in_flight = 0
        self.idle = asyncio.Event()
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task] = set()
        self.closed = False

    def _user(self, index: int) -> User:
        key = f"6289{index:09d}" if self.channel == "whatsapp" else str(10_000_000 + index)
        return User(index, key)

    # ----- requests -----------------------------------------------------------------------------

    def text(self, user: User) -> str:
        position = user.position
        if position < len(PROLOGUE):
            return PROLOGUE[position]
        return CYCLE[(position - len(PROLOGUE)) % len(CYCLE)]

    def request(self, user: User, text: str) -> tuple[str, bytes, dict[str, str]]:
        number = next(self._ids)
        if self.channel == "whatsapp":
            entry = {
                "from": user.key,
                "id": f"wamid.BENCH{number:012d}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": text},
            }
            body = json.dumps(messages_body(user.key, entry), separators=(",", ":")).encode()
            return "/webhook/whatsapp", body, {"X-Hub-Signature-256": sign(body, APP_SECRET)}
        chat = int(user.key)
        body = json.dumps(
            {
                "update_id": number,
                "message": {
                    "message_id": number,
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private", "first_name": "Siti"},
                    "from": {"id": chat, "is_bot": False, "first_name": "Siti"},
                    "text": text,
                },
            },
            separators=(",", ":"),
        ).encode()
        return "/webhook/telegram", body, {SECRET_HEADER: WEBHOOK_SECRET}

    async def send(self, user: User) -> None:
        """Post the user's next message; the fake's callback completes it."""
        path, body, headers = self.request(user, self.text(user))
        user.waiting = self.expected[self._step(user)] if self.expected else 1_000_000
        user.first = True
        user.sent_at = perf_counter()
        try:
            status, _ = await self.client.post(path, body, headers)
        except OSError:
            status = 0
        if status != 200:
            self.result.errors += 1
            self._done(user)

    def _step(self, user: User) -> int:
        position = user.position
        if position < len(PROLOGUE):
            return position
        return len(PROLOGUE) + (position - len(PROLOGUE)) % len(CYCLE)

    def spawn(self, user: User) -> None:
        self.in_flight += 1
        task = asyncio.create_task(self.send(user))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def on_sent(self, key: str, now: float) -> None:
        """The fake accepted an outbound message for `key`."""
        user = self.by_key.get(key)
        if user is None:
            return
        user.sends += 1
        user.last_seen = now
        if user.waiting <= 0:
            return
        if user.first:
            user.first = False
            if self.measuring:
                self.result.latencies.append(now - user.sent_at)
        user.waiting -= 1
        if user.waiting == 0:
            if self.measuring:
                self.result.messages += 1
            self._done(user)

    def _done(self, user: User) -> None:
        user.position += 1
        user.waiting = 0
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()
        if not self.closed:
            self.ready.append(user)
            if self.closed_mode:
                self.spawn(self.ready.popleft())

    closed_mode = False
    MAX_IN_FLIGHT = 1_000  # messages in flight at most (more users take turns)

    # ----- runs ---------------------------------------------------------------------------------

    async def calibrate(self) -> list[int]:
        """Walk the script once with the first user (prologue and two cycles): count the
        outbound messages each step produces; the cycle must repeat itself."""
        user = self.users[0]
        counts = []
        for _ in range(len(PROLOGUE) + 2 * len(CYCLE)):
            before = user.sends
            user.sent_at = perf_counter()
            path, body, headers = self.request(user, self.text(user))
            status, _ = await self.client.post(path, body, headers)
            assert status == 200, f"calibration: HTTP {status}"
            deadline = perf_counter() + 10
            while user.sends == before or perf_counter() - user.last_seen < 0.25:
                if perf_counter() > deadline:
                    raise RuntimeError(f"calibration: no reply on {self.channel}")
                await asyncio.sleep(0.02)
            counts.append(user.sends - before)
            user.position += 1
        first_cycle = counts[len(PROLOGUE) : len(PROLOGUE) + len(CYCLE)]
        assert first_cycle == counts[len(PROLOGUE) + len(CYCLE) :], counts
        self.expected = counts[: len(PROLOGUE) + len(CYCLE)]
        self.users = self.users[1:]
        self.ready = deque(self.users)
        return self.expected

    async def open_loop(self, rate: float, seconds: float, warmup: float = 1.0) -> Result:
        """Offer `rate` messages/s for `warmup` + `seconds`; measure after the warm-up."""
        self.result = Result()
        cpu = time.process_time()
        started = perf_counter()
        offered = 0
        measured_from = started + warmup
        while True:
            now = perf_counter()
            if now >= measured_from and not self.measuring:
                self.measuring = True
            if now >= measured_from + seconds:
                break
            due = int((now - started) * rate) - offered
            for _ in range(due):
                if not self.ready or self.in_flight >= self.MAX_IN_FLIGHT:
                    self.result.starved += 1  # not sent: the server is that far behind
                    continue
                self.spawn(self.ready.popleft())
            offered += due
            await asyncio.sleep(0.002)
        self.result.seconds = perf_counter() - measured_from
        self.measuring = False
        await self._drain()
        self.result.client_cpu = time.process_time() - cpu
        return self.result

    async def closed_loop(self, seconds: float, warmup: float = 2.0) -> Result:
        """Free users send at once (up to MAX_IN_FLIGHT); each answer lets the next user in
        turn send."""
        self.result = Result()
        cpu = time.process_time()
        self.closed_mode = True
        while self.ready and self.in_flight < self.MAX_IN_FLIGHT:
            self.spawn(self.ready.popleft())
        await asyncio.sleep(warmup)
        self.measuring = True
        started = perf_counter()
        await asyncio.sleep(seconds)
        self.result.seconds = perf_counter() - started
        self.measuring = False
        self.closed_mode = False
        await self._drain()
        self.result.client_cpu = time.process_time() - cpu
        return self.result

    async def _drain(self, timeout: float = 60.0) -> None:
        """Stop sending; wait for the replies still owed."""
        if self.in_flight:
            self.idle.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self.idle.wait()
            except TimeoutError:
                self.result.unfinished += self.in_flight

    def close(self) -> None:
        self.closed = True
        self.client.close()
