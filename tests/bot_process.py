"""`python -m bot run` as a subprocess, with Telegram (webhook) and WhatsApp pointed at fake
platforms served by the test process, users driving load through the webhooks, and kill -9.

Used by test_crash.py (small, in `make test`) and test_soak.py (large, `make soak`).

The content is the fixture tree plus a short report flow (filed with the real `file_report`
action), so the tests do not depend on the shipped wording.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp.test_utils import TestServer

from tests.conftest import ROOT, make_content_dir
from tests.fakes.bot_api import FakeBotApi, text_update
from tests.fakes.graph_api import (
    PHONE_NUMBER_ID,
    FakeGraphApi,
    encode,
    messages_body,
    sent_text,
    sign,
    text,
)

TG_SECRET = "crash_secret-1"
WA_SECRET = "crash-app-secret"
WA_TOKEN = "crash-token"
OFFICER_CHAT = -100
REF = re.compile(r"SRG-\d{4}-\d{5}")

REPORT_FLOW = """
report:
  kind: menu
  text: {id: "Laporan penipuan", en: "Scam report"}
  options:
    - label: {id: "Buat laporan", en: "Make a report"}
      goto: r_what

r_what:
  kind: ask
  text: {id: "Apa yang ditawarkan?", en: "What was offered?"}
  input: {type: text, max_length: 500}
  save: offer
  next: r_who

r_who:
  kind: ask
  text: {id: "Siapa yang menawarkan?", en: "Who offered it?"}
  input: {type: text, max_length: 200}
  save: recruiter
  next: r_contact

r_contact:
  kind: ask
  text: {id: "Boleh dihubungi?", en: "May we contact you?"}
  input:
    type: choice
    choices:
      - {value: named, label: {id: "Boleh dihubungi", en: "Contact me"}, goto: r_name}
      - {value: anonymous, label: {id: "Tanpa nama", en: "Anonymous"}}
  save: contact
  next: r_confirm

r_name:
  kind: ask
  text: {id: "Nama Anda?", en: "Your name?"}
  input: {type: text, max_length: 100}
  save: name
  next: r_confirm

r_confirm:
  kind: action
  action: report_summary
  options:
    - label: {id: "Kirim laporan", en: "Send report"}
      goto: r_send

r_send:
  kind: action
  action: file_report
  next: r_done

r_done:
  kind: end
  text: {id: "Petugas akan memeriksa laporan Anda.", en: "Officers will look at it."}

report_status:
  kind: action
  action: report_status
  options:
    - label: {id: "Laporan baru", en: "New report"}
      goto: report
"""

NAVIGATION = ["hi", "2", "lanjut", "lanjut", "kembali", "1", "Isi formulir", "Siti", "30", "menu"]
REPORT = [
    "hi",
    "Laporkan",
    "Buat laporan",
    "Kerja pabrik di Malaysia, bayar 5 juta dulu",
    "Pak Udin, grup Facebook",
    "Tanpa nama",
    "Kirim laporan",
    "menu",
]
NAMED_REPORT = [*REPORT[:5], "Boleh dihubungi", "Siti Aminah", "Kirim laporan", "menu"]


def content_dir(tmp: Path) -> Path:
    """The fixture content with the report flow, reachable from the main menu."""
    content = make_content_dir(tmp)
    flows = content / "flows" / "test.yaml"
    fixture = flows.read_text()
    cut = fixture.index("\nreport:\n")  # the fixture's placeholder report pages go
    fixture = fixture[:cut].replace(
        "      goto: emergency\n",
        '      goto: emergency\n    - label: {id: "Laporkan", en: "Report"}\n      goto: report\n',
        1,
    )
    flows.write_text(fixture)
    (content / "flows" / "report.yaml").write_text(REPORT_FLOW)
    return content


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class User:
    """A simulated user: channel, id, script, and where they are in it."""

    channel: str  # "telegram" or "whatsapp"
    ident: str  # chat id or wa_id
    script: list[str]
    done: int = 0
    bodies: list[bytes] = field(default_factory=list)  # one per step, fixed: resends match


class World:
    """The fake platforms, the bot process and the users, for one run."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.tmp = tmp / name
        self.tmp.mkdir()
        self.db = self.tmp / "bot.db"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.kills = 0
        self.resends = 0
        self.log = (self.tmp / "bot.log").open("w")

    async def start_fakes(self) -> None:
        self.bot_api = FakeBotApi()
        self.bot_api_server = TestServer(self.bot_api.app, host="127.0.0.1")
        await self.bot_api_server.start_server()
        self.graph = FakeGraphApi(WA_TOKEN)
        await self.graph.start()
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        content = content_dir(self.tmp)
        self.config = self.tmp / "config.yaml"
        self.config.write_text(
            f"content:\n  dir: {content}\nmedia:\n  dir: {self.tmp / 'media'}\n"
            "whatsapp:\n  messages_per_second: 1000\n"
        )

    async def close(self) -> None:
        self.stop_bot()
        await self.http.close()
        await self.graph.close()
        await self.bot_api_server.close()
        self.log.close()

    # ----- the bot process --------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "NO_PROXY": "127.0.0.1,localhost",
            "BOT_CONFIG": str(self.config),
            "BOT_DB": str(self.db),
            "BOT_HOST": "127.0.0.1",
            "BOT_PORT": str(self.port),
            "TELEGRAM_BOT_TOKEN": self.bot_api.token,
            "TELEGRAM_API_URL": f"http://127.0.0.1:{self.bot_api_server.port}/bot",
            "TELEGRAM_WEBHOOK_URL": "https://bot.example/webhook/telegram",
            "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "WHATSAPP_TOKEN": WA_TOKEN,
            "WHATSAPP_APP_SECRET": WA_SECRET,
            "WHATSAPP_VERIFY_TOKEN": "verify",
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_API_URL": self.graph.api_url,
            "OFFICER_CHAT_ID": str(OFFICER_CHAT),
            "OFFICER_TELEGRAM_IDS": "42",
        }

    async def start_bot(self) -> None:
        self.log.write(f"----- start (after {self.kills} kills)\n")
        self.log.flush()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=self.environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        async with asyncio.timeout(30):
            while True:
                assert self.process.poll() is None, (self.tmp / "bot.log").read_text()
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with self.http.get(f"{self.base}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)

    def kill_bot(self) -> None:
        """kill -9: no clean-up of any kind."""
        assert self.process is not None and self.process.poll() is None, "the bot died early"
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop_bot(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    # ----- users ------------------------------------------------------------------------------

    def users(self, count: int, seed: int) -> list[User]:
        """Half on Telegram, half on WhatsApp; a third file a report."""
        rng = random.Random(seed)
        users = []
        for n in range(count):
            channel = "telegram" if n % 2 == 0 else "whatsapp"
            script = [NAVIGATION, REPORT, NAMED_REPORT][n % 3]
            ident = str(5000 + n) if channel == "telegram" else f"62812{seed:03d}{n:05d}"
            user = User(channel, ident, script)
            for step, words in enumerate(script):
                if channel == "telegram":
                    update_id = (seed * 1000 + n) * 100 + step
                    body = text_update(int(ident), words, message_id=step + 1, update_id=update_id)
                    user.bodies.append(json.dumps(body).encode())
                else:
                    entry = text(ident, words)
                    entry["id"] = f"wamid.S{seed}U{n}S{step}"
                    user.bodies.append(encode(messages_body(ident, entry)))
            users.append(user)
        rng.shuffle(users)  # the same seed gives the same users in the same order
        return users

    async def drive(self, user: User, pause: float = 0.0) -> None:
        """Send the user's script in order, each message until it is acknowledged, as the
        platforms do (same update id / wamid on every resend)."""
        while user.done < len(user.script):
            body = user.bodies[user.done]
            if user.channel == "telegram":
                url = f"{self.base}/webhook/telegram"
                headers = {"X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
            else:
                url = f"{self.base}/webhook/whatsapp"
                headers = {"X-Hub-Signature-256": sign(body, WA_SECRET)}
            headers["Content-Type"] = "application/json"
            try:
                async with self.http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    acknowledged = response.status == 200
                    assert response.status in (200, 503), response.status
            except (aiohttp.ClientError, OSError, TimeoutError):
                acknowledged = False
            if acknowledged:
                user.done += 1
                if pause:
                    await asyncio.sleep(pause)
            else:
                self.resends += 1
                await asyncio.sleep(0.05)

    def received(self, user: User) -> list[str]:
        """What the user got, in order, report numbers replaced by SRG-REF."""
        if user.channel == "telegram":
            texts = [params["text"] for params in self.bot_api.sent(int(user.ident))]
        else:
            texts = [sent_text(sent) for sent in self.graph.sent(user.ident)]
        return [REF.sub("SRG-REF", text) for text in texts]

    def refs(self, user: User) -> list[str]:
        if user.channel == "telegram":
            texts = [params["text"] for params in self.bot_api.sent(int(user.ident))]
        else:
            texts = [sent_text(sent) for sent in self.graph.sent(user.ident)]
        return sorted({ref for text in texts for ref in REF.findall(text)})

    def officer_cards(self) -> list[str]:
        return [params["text"] for params in self.bot_api.sent(OFFICER_CHAT)]

    def rows(self, sql: str, *params) -> list[tuple]:
        with contextlib.closing(sqlite3.connect(self.db)) as connection:
            return connection.execute(sql, params).fetchall()

    async def settled(self, users: list[User], expected: dict[str, int], timeout: float) -> None:
        """Until every user got at least the expected number of messages, and the database
        has nothing left to process or send."""
        async with asyncio.timeout(timeout):
            while True:
                if all(len(self.received(u)) >= expected[u.ident] for u in users) and not (
                    self.rows("SELECT 1 FROM inbox")
                    or self.rows("SELECT 1 FROM outbox WHERE status = 'pending'")
                ):
                    return
                await asyncio.sleep(0.1)


def repeats_only(expected: list[str], got: list[str]) -> int:
    """How many messages of `got` are repeats of the message just before them; asserts that
    apart from those, `got` is exactly `expected` (nothing lost, nothing else, same order)."""
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    repeats = 0
    both = f"\nexpected: {[t[:30] for t in expected]}\ngot:      {[t[:30] for t in got]}"
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        assert tag == "insert", f"{tag}: expected {expected[a0:a1]!r}, got {got[b0:b1]!r}{both}"
        for index in range(b0, b1):  # an inserted message must repeat a neighbour
            nearby = got[max(0, index - 3) : index] + got[index + 1 : index + 4]
            assert got[index] in nearby, f"{got[index]!r}{both}"
            repeats += 1
    return repeats


async def run(
    tmp: Path, name: str, users_count: int, kills: int, seed: int, pause: float = 0.0
) -> tuple[World, list[User]]:
    """One run: start the bot, drive all users, kill -9 it `kills` times at random moments
    (restarting it each time), and wait until everything is answered and sent."""
    world = World(tmp, name)
    await world.start_fakes()
    await world.start_bot()
    users = world.users(users_count, seed)
    rng = random.Random(seed)
    load = asyncio.gather(*(world.drive(user, pause) for user in users))
    for _ in range(kills):
        await asyncio.sleep(rng.uniform(0.15, 0.6))  # while users are still writing
        world.kill_bot()
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        await world.start_bot()
    await load
    return world, users


def check(baseline: World, crashed: World, base_users: list[User], users: list[User]) -> dict:
    """Assert that the crashed run answered everybody as the clean run did, that every report
    acknowledged to a user is stored once, and that no update was processed twice; return
    the numbers (messages, at-least-once repeats, reports, resends, kills)."""
    numbers = {"users": len(users), "messages": 0, "repeats": 0, "kills": crashed.kills}
    for clean, user in zip(base_users, users, strict=True):
        assert (clean.ident, clean.script) == (user.ident, user.script)
        expected, got = baseline.received(clean), crashed.received(user)
        repeats = repeats_only(expected, got)
        # the outbox has one message per user in flight: a crash repeats at most that one
        # (a WhatsApp reply may be two messages)
        assert repeats <= 2 * crashed.kills, (user.ident, repeats)
        numbers["repeats"] += repeats
        numbers["messages"] += len(expected)
    # every report number a user was told is stored, for that user, exactly once
    reporters = [user for user in users if "Kirim laporan" in user.script]
    stored = {
        ref: (channel, user)
        for ref, channel, user in crashed.rows("SELECT ref, channel, user_ref FROM reports")
    }
    for user in reporters:
        (ref,) = crashed.refs(user)
        assert stored[ref] == (user.channel, user.ident), (ref, stored[ref], user.ident)
    assert len(stored) == len(reporters), "one report per reporter, however often redone"
    cards = {ref for card in crashed.officer_cards() for ref in REF.findall(card)}
    assert cards == set(stored), "the officers got a card of every report"
    numbers["reports"] = len(stored)
    numbers["officer repeats"] = len(crashed.officer_cards()) - len(stored)
    # no update answered twice: as many replies queued per user as in the clean run
    assert _outbox_rows(crashed) == _outbox_rows(baseline)
    steps = sum(len(user.script) for user in users)
    assert crashed.rows("SELECT COUNT(*) FROM processed_updates") == [(steps,)]
    assert crashed.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
    assert crashed.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [
        ("sent", sum(_outbox_rows(crashed).values()))
    ]
    numbers["resends"] = crashed.resends
    return numbers


def _outbox_rows(world: World) -> dict[str, int]:
    return dict(world.rows("SELECT user_ref, COUNT(*) FROM outbox GROUP BY user_ref"))
