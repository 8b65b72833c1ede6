"""Faults: the platforms failing for a while, and the database locked, full or read-only.

Everything runs in-process: the real aiohttp app with the web chat, Telegram and WhatsApp
(both by webhook) against the fake Bot API and the fake Graph API (tests/harness.py).
The kill -9 tests, with the server as a subprocess, are in test_crash.py and test_soak.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from telegram.ext import ApplicationBuilder

import bot.channels.graph_api
import bot.channels.telegram
from bot.app import open_runtime
from bot.config import load_config
from bot.effects import FileReport, RelayToPerson
from bot.messages import Inbound, InboundKind, Reply
from bot.records import Envelope
from bot.store import Store, StoreError
from tests.conftest import NOW, make_content_dir
from tests.fakes.graph_api import messages_body, text
from tests.harness import Harness

FAILURE = "Maaf, ada gangguan di sistem kami"
SCRIPT = ["hi", "2", "lanjut", "lanjut"]
EXPECTED = ["Selamat datang", "Layar satu.", "Layar dua.", "Layar tiga."]
CLIENT_TIMEOUT = 0.3  # below the fakes' STALL_SECONDS, so a stalled call times out


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def short_timeouts(monkeypatch):
    """Both platform clients give up after CLIENT_TIMEOUT instead of 5 s (Telegram) or 30 s."""
    monkeypatch.setattr(
        bot.channels.graph_api, "TIMEOUT", aiohttp.ClientTimeout(total=CLIENT_TIMEOUT)
    )
    monkeypatch.setattr(
        bot.channels.telegram,
        "ApplicationBuilder",
        lambda: (
            ApplicationBuilder()
            .read_timeout(CLIENT_TIMEOUT)
            .write_timeout(CLIENT_TIMEOUT)
            .connect_timeout(CLIENT_TIMEOUT)
        ),
    )


@pytest.fixture
async def harness(tmp_path, fixture_content, actions, short_timeouts):
    harness = await Harness(tmp_path, fixture_content, actions, busy_timeout_ms=100).open()
    yield harness
    await harness.close()


def collapse(texts: list[str]) -> tuple[list[str], int]:
    """The texts with adjacent repeats removed, and how many repeats there were."""
    kept = [got for n, got in enumerate(texts) if n == 0 or texts[n - 1] != got]
    return kept, len(texts) - len(kept)


def check_order(texts: list[str]) -> int:
    """Assert every expected reply arrived, in order, nothing else; return the repeats."""
    kept, repeats = collapse(texts)
    assert len(kept) == len(EXPECTED), kept
    for got, expected in zip(kept, EXPECTED, strict=True):
        assert expected in got, (expected, kept)
    return repeats


# ----- the platforms fail for a while --------------------------------------------------------


@pytest.mark.parametrize("mode", ["500", "429", "timeout", "lost"])
async def test_platform_outage_loses_nothing_and_keeps_order_per_user(harness, mode):
    """Both fakes fail every send for 0.8 s; users keep writing. After recovery every reply
    arrives, in order per user. Mode "lost" (delivered, but the answer never reached us) is
    the one case where at-least-once delivery repeats a message: measured, and only ever a
    repeat of the message just before."""
    harness.bot_api.outage("sendMessage", 0.8, mode)
    harness.graph.outage(0.8, mode)
    chats, numbers = [501, 502, 503], ["628111000001", "628111000002", "628111000003"]

    async def telegram_user(chat: int) -> None:
        for words in SCRIPT:
            assert await harness.tg_say(chat, words) == 200

    async def whatsapp_user(number: str) -> None:
        for words in SCRIPT:
            assert await harness.wa_say(number, words) == 200

    await asyncio.gather(*map(telegram_user, chats), *map(whatsapp_user, numbers))
    await harness.wait(
        lambda: (
            all(len(collapse(harness.tg_texts(c))[0]) >= 4 for c in chats)
            and all(len(collapse(harness.wa_texts(n))[0]) >= 4 for n in numbers)
        ),
        timeout=20,
    )
    await harness.settle(timeout=20)
    repeats = sum(check_order(harness.tg_texts(c)) for c in chats)
    repeats += sum(check_order(harness.wa_texts(n)) for n in numbers)
    failed_attempts = [c for c in harness.bot_api.attempts("sendMessage") if c.failed]
    failed_attempts += [c for c in harness.graph.attempts() if c.status != 200]
    if mode == "lost":
        assert repeats > 0, "a lost answer makes the outbox send again (at least once)"
        print(f"\nmode lost: {repeats} repeated messages for 24 replies")
    else:
        assert repeats == 0, "nothing is sent twice when the platform refused it"
        assert failed_attempts, "the outage was hit"
    assert harness.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [("sent", 24)]


async def test_one_users_outage_does_not_hold_up_the_others(harness):
    """A 429 with a long retry-after for one Telegram user delays only that user."""
    harness.bot_api.fail_next("sendMessage", 429, retry_after=1)
    assert await harness.tg_say(601, "hi") == 200
    await harness.wait(lambda: harness.bot_api.attempts("sendMessage"))
    started = asyncio.get_running_loop().time()
    for words in SCRIPT:
        assert await harness.tg_say(602, words) == 200
    await harness.wait(lambda: len(harness.tg_texts(602)) == 4)
    assert asyncio.get_running_loop().time() - started < 0.9
    assert harness.tg_texts(601) == [], "still waiting for its retry-after"
    await harness.wait(lambda: len(harness.tg_texts(601)) == 1, timeout=10)


# ----- the database fails ----------------------------------------------------------------


class Condition:
    """A database fault that can be switched on and off."""

    name = ""

    async def on(self, harness: Harness) -> None: ...

    async def off(self, harness: Harness) -> None: ...


class Locked(Condition):
    """Another process holds the write lock (a backup, a stuck sqlite3 shell)."""

    name = "database is locked"

    async def on(self, harness: Harness) -> None:
        self.connection = sqlite3.connect(harness.db, isolation_level=None)
        self.connection.execute("BEGIN IMMEDIATE")

    async def off(self, harness: Harness) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


class ReadOnly(Condition):
    """Writes are refused (SQLITE_READONLY), simulated with `PRAGMA query_only` on the bot's
    own connection: a filesystem cannot be remounted read-only while SQLite holds it open."""

    name = "readonly database"

    async def on(self, harness: Harness) -> None:
        await _pragma(harness.store, "PRAGMA query_only = ON")

    async def off(self, harness: Harness) -> None:
        await _pragma(harness.store, "PRAGMA query_only = OFF")


async def _pragma(store: Store, sql: str) -> None:
    """Run a statement on the store's connection outside a transaction (its writer thread
    wraps every job in BEGIN IMMEDIATE, which query_only refuses)."""
    original = store._run_batch

    def run(connection, db, batch) -> None:
        connection.execute(sql)
        del store._run_batch
        original(connection, db, batch)

    store._run_batch = run  # type: ignore[method-assign]
    with contextlib.suppress(StoreError):  # with query_only on, even this job fails
        await store._call(lambda db: None)


class DiskFull(Condition):
    """The database lives on a tiny tmpfs; a filler file takes the rest of the space."""

    name = "database or disk is full"

    async def on(self, harness: Harness) -> None:
        self.filler = harness.db.parent / "filler"
        fill(self.filler)

    async def off(self, harness: Harness) -> None:
        self.filler.unlink()


def fill(path: Path) -> None:
    """Write zeros into `path` until the filesystem is full."""
    with path.open("wb") as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 4096)
                out.flush()
        with contextlib.suppress(OSError):
            out.close()


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "4m"):
    """A tiny tmpfs at `path`; skips the test where this user may not mount one."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@contextlib.asynccontextmanager
async def faulty_harness(
    kind: str, tmp_path: Path, content, actions
) -> AsyncIterator[tuple[Harness, Condition]]:
    condition = {"locked": Locked, "read_only": ReadOnly, "disk_full": DiskFull}[kind]()
    with contextlib.ExitStack() as stack:
        db = None
        if kind == "disk_full":
            db = stack.enter_context(tmpfs(tmp_path / "small")) / "bot.db"
        harness = await Harness(tmp_path, content, actions, busy_timeout_ms=100, db=db).open()
        try:
            yield harness, condition
        finally:
            await harness.close()


@pytest.mark.parametrize("kind", ["locked", "read_only", "disk_full"])
async def test_database_fault_is_logged_told_to_users_and_recovered(
    kind, tmp_path, fixture_content, actions, short_timeouts, caplog
):
    """While the database fails: a clear error in the log, every user is told something is
    wrong (once a minute at most, although platforms resend), /healthz says 503, nothing
    crashes. When it clears, resent updates are answered and every session goes on."""
    caplog.set_level(logging.WARNING)
    async with faulty_harness(kind, tmp_path, fixture_content, actions) as (harness, condition):
        chat, number = 701, "628222000001"
        assert await harness.tg_say(chat, "hi") == 200
        assert await harness.wa_say(number, "hi") == 200
        web, cookie = await harness.web_say("hi")
        assert "Selamat datang" in web[0]
        await harness.settle()

        await condition.on(harness)
        telegram_update = harness.tg_text(chat, "2")
        whatsapp_body = messages_body(number, text(number, "2"))
        for _ in range(3):  # the platforms resend what was not acknowledged
            assert await harness.post_telegram(telegram_update) == 503
            assert await harness.post_whatsapp(whatsapp_body) == 503
        web, _ = await harness.web_say("2", cookie)
        assert web == [harness.content.flows.message("failure", "id")]
        await harness.wait(lambda: len(harness.tg_texts(chat)) == 2)
        await harness.wait(lambda: len(harness.wa_texts(number)) == 2)
        assert FAILURE in harness.tg_texts(chat)[-1] and FAILURE in harness.wa_texts(number)[-1]
        health = await harness.client.get("/healthz")
        assert health.status == 503, "a full disk still reads, but the health check writes"
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert any(condition.name in message for message in errors), errors
        assert not [r for r in caplog.records if r.exc_info], "no unhandled exception"

        await condition.off(harness)
        assert await harness.post_telegram(telegram_update) == 200
        assert await harness.post_whatsapp(whatsapp_body) == 200
        web, _ = await harness.web_say("2", cookie)
        assert web == ["Layar satu."], "the web session went on"
        await harness.settle()
        assert harness.tg_texts(chat)[2:] == ["Layar satu."], "told once, then answered"
        assert harness.wa_texts(number)[2:] == ["Layar satu."]
        assert (await harness.client.get("/healthz")).status == 200


async def test_outbox_worker_survives_a_database_outage(harness, caplog):
    """Replies queued before the database locks go out after it unlocks; the worker lives."""
    caplog.set_level(logging.ERROR)
    harness.bot_api.outage("sendMessage", 0.5, "500")
    assert await harness.tg_say(801, "hi") == 200
    await harness.wait(lambda: harness.bot_api.attempts("sendMessage"))
    lock = Locked()
    await lock.on(harness)
    await asyncio.sleep(1.0)  # the worker's retries and polls fail meanwhile
    await lock.off(harness)
    await harness.wait(lambda: len(harness.tg_texts(801)) == 1, timeout=10)
    assert any("database is locked" in r.getMessage() for r in caplog.records)


async def test_start_up_on_a_full_disk_serves_and_says_so(tmp_path, caplog):
    """A full disk at start-up: the bot starts anyway (no crash loop under a supervisor)."""
    with tmpfs(tmp_path / "small", size="1m") as small:
        db = small / "bot.db"
        store = Store(db)
        await store.open()
        old = datetime.now(UTC) - timedelta(days=400)
        await store.commit_turn("web", "u", None, "x", [], old)  # something to prune
        await store.close()
        with sqlite3.connect(db) as connection:
            connection.execute(
                "INSERT INTO processed_updates VALUES ('web', 'old', ?)", [old.isoformat()]
            )
        fill(small / "filler")
        content = make_content_dir(tmp_path)
        config = load_config({"BOT_DB": str(db)})
        config.content.dir = str(content)
        async with open_runtime(config) as runtime:
            assert "pruning at start-up failed" in caplog.text and "full" in caplog.text
            with pytest.raises(StoreError, match="full"):
                await runtime.store.prune(datetime.now(UTC), 90)


# ----- crash windows and restarts --------------------------------------------------------------


async def test_messages_arriving_while_starting_are_answered_after_the_stored_ones(
    tmp_path, fixture_content, actions, short_timeouts
):
    """The server listens before the channels start (and platforms resend at once after a
    restart): what arrives meanwhile must wait behind what the inbox already holds."""
    harness = await Harness(tmp_path, fixture_content, actions).open(start=False)
    try:
        chat, number = 901, "628555000001"
        for words in ["hi", "2"]:  # acknowledged before a crash, never processed
            assert await harness.tg_say(chat, words) == 200
            assert await harness.wa_say(number, words) == 200
        read_inbox = harness.store.inbox_pending

        async def read_while_the_next_message_arrives(channel: str, now):
            items = await read_inbox(channel, now)
            if channel == "telegram":
                assert await harness.tg_say(chat, "lanjut") == 200
            else:
                assert await harness.wa_say(number, "lanjut") == 200
            return items

        harness.store.inbox_pending = read_while_the_next_message_arrives
        await harness.start_channels()
        await harness.wait(lambda: len(harness.tg_texts(chat)) == 3)
        await harness.wait(lambda: len(harness.wa_texts(number)) == 3)
        await harness.settle()
        for texts in (harness.tg_texts(chat), harness.wa_texts(number)):
            assert "Selamat datang" in texts[0]
            assert texts[1:] == ["Layar satu.", "Layar dua."], "in the order they were sent"
    finally:
        await harness.close()


async def test_a_relayed_answer_goes_to_the_officers_once_when_its_turn_is_redone(
    make_runtime, tmp_path, fixture_content, actions
):
    """The reporter's answer to an officer is written with the turn itself: a crash before
    the commit relays nothing, the redone turn relays it once, a late resend is a duplicate."""
    runtime = await make_runtime(fixture_content, actions, db=tmp_path / "b.db", officers=True)
    store = runtime.store
    now = NOW
    user = "628666000001"

    def inbound(words: str, update_id: str) -> Inbound:
        return Inbound("whatsapp", user, InboundKind.TEXT, now, text=words, update_id=update_id)

    await runtime.answer_via_outbox(inbound("hi", "w1"))
    fields = {
        "channel": "whatsapp",
        "user": user,
        "anonymous": True,
        "urgent": False,
        **dict.fromkeys(["offer", "recruiter", "place", "kecamatan", "country"], "x"),
        "name": "",
        "phone": "",
        "lang": "id",
    }
    await store.commit_effects("whatsapp", "", now, [FileReport("k", fields, (), "SRG")])
    ref = f"SRG-{now.year}-00001"
    question = Envelope("whatsapp", user, Reply("Kapan?").to_dict(), relay_ref=ref)
    asked = RelayToPerson(ref, 42, "Kapan?", (question,))
    await store.commit_effects("telegram", "", now, [asked])
    answer = inbound("Kemarin sore", "w2")
    commit_turn = store.commit_turn

    async def dies_before_committing(*args, **kwargs):
        raise StoreError("the process was killed here")

    store.commit_turn = dies_before_committing
    await runtime.answer_via_outbox(answer)
    store.commit_turn = commit_turn
    await runtime.answer_via_outbox(answer)  # processed again after the restart
    await runtime.answer_via_outbox(answer)  # and a late resend is only a duplicate
    await store.close()
    with contextlib.closing(sqlite3.connect(tmp_path / "b.db")) as connection:
        relayed = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE user_ref = '-100' AND body LIKE '%Kemarin sore%'"
        ).fetchone()
        thread = connection.execute(
            "SELECT COUNT(*) FROM report_messages WHERE direction = 'from_reporter'"
        ).fetchone()
        confirmations = connection.execute(
            "SELECT COUNT(*) FROM outbox WHERE user_ref = ? AND body LIKE '%petugas%'", [user]
        ).fetchone()
    assert relayed == (1,) and thread == (1,), "relayed once"
    assert confirmations == (1,), "the reporter is told once that it was passed on"
