"""The WhatsApp channel end to end: signed webhooks into the real aiohttp app, replies out
through the outbox to a fake Graph API; plus the renderer and the rate limiter alone."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.graph_api import classify
from bot.channels.whatsapp import WhatsAppChannel
from bot.channels.whatsapp_render import render
from bot.config import WhatsAppConfig
from bot.content import Content, load_content
from bot.messages import Option, Reply, split_text
from bot.server import build_app
from bot.store import StoreError
from tests.conftest import make_content_dir
from tests.fakes.files import png
from tests.fakes.graph_api import (
    PHONE_NUMBER_ID,
    FakeGraphApi,
    button_reply,
    encode,
    list_reply,
    message,
    messages_body,
    sign,
    status,
    text,
)
from tests.runtimes import open_test_runtime
from tests.waiting import settled

SECRET = "test-app-secret"
VERIFY_TOKEN = "verify-me-123"
TOKEN = "test-token"
WA = "6281234567890"
PNG = png(64)
STALE = "Tombol itu dari menu lama"
MAIN_ROWS = ["Info", "Halaman panjang", "Isi formulir", "Darurat", "Tes WhatsApp"]

WHATSAPP_FLOWS = """
wa_three:
  kind: menu
  text: {id: "Menu tiga tombol", en: "Three button menu"}
  options:
    - label: {id: "Tujuh pilihan", en: "Seven options"}
      goto: wa_seven
    - label: {id: "Info", en: "Info"}
      goto: info

wa_seven:
  kind: menu
  text: {id: "Menu tujuh baris", en: "Seven row menu"}
  options:
    - label: {id: "Dua belas pilihan", en: "Twelve options"}
      goto: wa_twelve
    - label: {id: "Info", en: "Info"}
      goto: info
    - label: {id: "Halaman panjang", en: "Long page"}
      goto: long
    - label: {id: "Isi formulir", en: "Fill in a form"}
      goto: form_name
    - label: {id: "Darurat", en: "Emergency"}
      goto: emergency

wa_twelve:
  kind: menu
  text: {id: "Menu dua belas", en: "Twelve menu"}
  options:
""" + "".join(
    f'    - label: {{id: "Pilihan {n}", en: "Option {n}"}}\n      goto: info\n'
    for n in range(1, 11)
)


@pytest.fixture(scope="module")
def wa_content(tmp_path_factory: pytest.TempPathFactory, actions) -> Content:
    """The fixture flows, a main menu with a fifth option, and menus of 3, 7 and 12 options."""
    root = make_content_dir(tmp_path_factory.mktemp("wa"))
    flows = root / "flows" / "test.yaml"
    flows.write_text(
        flows.read_text().replace(
            "      goto: emergency\n",
            '      goto: emergency\n    - label: {id: "Tes WhatsApp", en: "WhatsApp test"}\n'
            "      goto: wa_three\n",
            1,
        )
    )
    (root / "flows" / "whatsapp.yaml").write_text(WHATSAPP_FLOWS)
    content, problems = load_content(root, actions)
    assert content is not None, [str(problem) for problem in problems]
    return content


class Clock:
    """The channel's clock: real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Harness:
    """The real app with a WhatsApp channel, its store, and the fake Graph API behind it."""

    def __init__(self, tmp_path: Path, content: Content, actions, fake: FakeGraphApi) -> None:
        self.tmp_path = tmp_path
        self.db = tmp_path / "bot.db"
        self.content = content
        self.actions = actions
        self.fake = fake
        self.clock = Clock()
        self.seen: dict[str, int] = {}
        self._stack = AsyncExitStack()

    async def open(self, start: bool = True, **config: Any) -> Harness:
        self.runtime = await self._stack.enter_async_context(
            open_test_runtime(self.tmp_path, self.content, self.actions, db=self.db)
        )
        self.store = self.runtime.store
        settings = WhatsAppConfig(
            token=TOKEN,
            app_secret=SECRET,
            verify_token=VERIFY_TOKEN,
            phone_number_id=PHONE_NUMBER_ID,
            api_url=self.fake.api_url,
            messages_per_second=1000,
            **config,
        )
        self.channel = WhatsAppChannel(
            self.runtime,
            settings,
            self.tmp_path / "media",
            100_000,
            clock=self.clock,
            retry_delay=0.01,
            idle_poll=0.05,
        )
        self.client = TestClient(TestServer(build_app(self.runtime, [self.channel], 100_000)))
        await self.client.start_server()
        if start:
            await self.channel.start()
        return self

    async def close(self) -> None:
        await self.channel.stop()
        await self.client.close()
        await self._stack.aclose()

    async def post(self, body: dict, signature: str | None = None) -> int:
        raw = encode(body)
        headers = {"Content-Type": "application/json"}
        headers["X-Hub-Signature-256"] = signature or sign(raw, SECRET)
        response = await self.client.post("/webhook/whatsapp", data=raw, headers=headers)
        return response.status

    def now(self) -> float:
        return self.clock().timestamp()

    async def send(self, wa_id: str, *entries: dict, user_id: str = "") -> dict:
        """Post messages from one user and return the next message the bot sends them."""
        assert await self.post(messages_body(wa_id, *entries, user_id=user_id)) == 200
        return await self.next(wa_id)

    async def say(self, wa_id: str, words: str) -> dict:
        return await self.send(wa_id, text(wa_id, words, self.now()))

    async def press(self, wa_id: str, shown: dict, label: str) -> dict:
        option_id = {title: id_ for id_, title in options(shown)}[label]
        kind = shown["interactive"]["type"]
        reply = button_reply if kind == "button" else list_reply
        return await self.send(wa_id, reply(wa_id, option_id, label))

    async def next(self, wa_id: str) -> dict:
        """The next message sent to `wa_id` that the test has not looked at yet."""
        index = self.seen.get(wa_id, 0)
        await self.fake.wait_for(lambda: len(self.fake.sent(wa_id)) > index)
        self.seen[wa_id] = index + 1
        return self.fake.sent(wa_id)[index]

    def rows(self, sql: str, *params: Any) -> list[tuple]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql, params).fetchall()

    async def wait_rows(self, sql: str, expected: list[tuple], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while self.rows(sql) != expected:
                await asyncio.sleep(0.01)

    async def settle(self) -> None:
        """Wait until every inbound message is processed and every due reply is sent."""
        async with asyncio.timeout(5):
            while not self.channel.queues.idle or self.rows(
                "SELECT 1 FROM outbox WHERE status = 'pending'"
            ):
                await asyncio.sleep(0.01)


@pytest.fixture
async def fake():
    fake = FakeGraphApi(TOKEN)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def wa(tmp_path, wa_content, actions, fake):
    harness = await Harness(tmp_path, wa_content, actions, fake).open()
    yield harness
    await harness.close()


def body_text(sent: dict) -> str:
    if sent["type"] == "text":
        return sent["text"]["body"]
    if sent["type"] == "interactive":
        return sent["interactive"]["body"]["text"]
    return ""


def options(sent: dict) -> list[tuple[str, str]]:
    """(id, title) of the buttons or rows of an interactive message."""
    interactive = sent["interactive"]
    if interactive["type"] == "button":
        return [(b["reply"]["id"], b["reply"]["title"]) for b in interactive["action"]["buttons"]]
    rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
    return [(row["id"], row["title"]) for row in rows]


def titles(sent: dict) -> list[str]:
    return [title for _, title in options(sent)]


# ----- webhook security -------------------------------------------------------------------


async def test_handshake_echoes_the_challenge_only_for_the_right_token(wa):
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    response = await wa.client.get("/webhook/whatsapp", params=query)
    assert response.status == 200 and await response.text() == "1158201444"
    response = await wa.client.get("/webhook/whatsapp", params={**query, "hub.verify_token": "x"})
    assert response.status == 403
    response = await wa.client.get("/webhook/whatsapp", params={**query, "hub.mode": "other"})
    assert response.status == 403


async def test_missing_or_forged_signature_is_refused_and_nothing_processed(wa):
    body = messages_body(WA, text(WA, "hi", wa.now()))
    raw = encode(body)
    response = await wa.client.post("/webhook/whatsapp", data=raw)
    assert response.status == 401
    assert await wa.post(body, signature=sign(raw, "another-secret")) == 403
    assert await wa.post(body, signature="sha256=" + "0" * 64) == 403
    assert await wa.post(body, signature=sign(raw + b" ", SECRET)) == 403
    await wa.settle()
    assert wa.fake.calls == []
    assert wa.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
    assert wa.rows("SELECT COUNT(*) FROM sessions") == [(0,)]
    assert await wa.post(body) == 200, "the same body, properly signed, is accepted"
    assert "Selamat datang" in body_text(await wa.next(WA))


# ----- dialog rendering -------------------------------------------------------------------


async def test_walk_through_buttons_list_numbered_text_and_back(wa):
    shown = await wa.say(WA, "hi")
    assert shown["interactive"]["type"] == "list"
    assert "Selamat datang" in body_text(shown)
    assert titles(shown) == MAIN_ROWS
    assert all(re.fullmatch(r"[0-9a-f]{8}:\d+", id_) for id_, _ in options(shown))
    assert shown["interactive"]["action"]["button"] == "Pilih / Choose"
    assert shown["to"] == WA and shown["recipient_type"] == "individual"

    shown = await wa.press(WA, shown, "Tes WhatsApp")
    assert shown["interactive"]["type"] == "button"
    assert body_text(shown) == "Menu tiga tombol"
    assert titles(shown) == ["Tujuh pilihan", "Info", "◀ Kembali"]

    shown = await wa.press(WA, shown, "Tujuh pilihan")
    assert shown["interactive"]["type"] == "list"
    assert body_text(shown) == "Menu tujuh baris"
    assert len(options(shown)) == 7
    assert titles(shown)[-2:] == ["◀ Kembali", "🏠 Menu utama"]

    shown = await wa.press(WA, shown, "Dua belas pilihan")
    assert shown["type"] == "text"
    lines = body_text(shown).splitlines()
    assert lines[0] == "Menu dua belas"
    assert lines[2:] == [f"{n}. Pilihan {n}" for n in range(1, 11)] + [
        "11. ◀ Kembali",
        "12. 🏠 Menu utama",
    ]

    shown = await wa.say(WA, "5")
    assert body_text(shown).startswith("Info singkat.")
    shown = await wa.say(WA, "kembali")
    assert body_text(shown) == "Menu dua belas\n\n" + "\n".join(lines[2:])
    shown = await wa.say(WA, "kembali")
    assert body_text(shown) == "Menu tujuh baris"
    shown = await wa.press(WA, shown, "🏠 Menu utama")
    assert body_text(shown) == "Menu utama tes" and titles(shown) == MAIN_ROWS

    await wa.fake.wait_for(lambda: len(wa.fake.reads()) == 8)  # every user message


async def test_list_reply_from_an_old_menu_is_answered_as_stale(wa):
    main = await wa.say(WA, "hi")
    three = await wa.press(WA, main, "Tes WhatsApp")
    shown = await wa.press(WA, main, "Info")  # the old main-menu list, pressed again
    assert STALE in body_text(shown)
    assert options(shown) == options(three), "the current menu comes again, same ids"
    shown = await wa.press(WA, shown, "Info")
    assert body_text(shown).startswith("Info singkat.")


async def test_photo_is_downloaded_and_answers_the_photo_question(wa):
    await wa.say(WA, "hi")
    for answer in ["Isi formulir", "Siti", "30", "08123456789", "ya"]:
        shown = await wa.say(WA, answer)
    shown = await wa.say(WA, "pabrik")
    assert body_text(shown) == "Kirim foto iklan."
    wa.fake.add_media("1233456789012345", "image/png", PNG)
    image = {"mime_type": "image/png", "sha256": "abc", "id": "1233456789012345"}
    shown = await wa.send(WA, message(WA, "image", image, wa.now()))
    assert body_text(shown) == "Bagikan lokasi."
    location = {"latitude": -6.12, "longitude": 106.15, "name": "Serang", "address": "Banten"}
    shown = await wa.send(WA, message(WA, "location", location, wa.now()))
    assert body_text(shown).startswith("Terima kasih, selesai.")

    media_calls = [c for c in wa.fake.calls if c.method == "GET"]
    assert [c.path for c in media_calls] == [
        "/v23.0/1233456789012345",
        "/media-bytes/1233456789012345",
    ]
    assert all(c.headers["Authorization"] == f"Bearer {TOKEN}" for c in media_calls)
    saved = list((wa.tmp_path / "media").iterdir())
    assert len(saved) == 1 and saved[0].read_bytes() == PNG and saved[0].suffix == ".png"


async def test_media_of_a_refused_type_is_not_downloaded(wa):
    await wa.say(WA, "hi")
    for answer in ["Isi formulir", "Siti", "30", "08123456789", "ya", "pabrik"]:
        await wa.say(WA, answer)
    video_as_document = {"mime_type": "video/mp4", "id": "42", "filename": "x.mp4"}
    shown = await wa.send(WA, message(WA, "document", video_as_document, wa.now()))
    assert "Tolong kirim foto" in body_text(shown)
    assert not [c for c in wa.fake.calls if c.method == "GET"]


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "x", "id": "9", "animated": False}),
        ("reaction", {"message_id": "wamid.OUT1", "emoji": "👍"}),
        ("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "x", "id": "8", "voice": True}),
        ("unsupported", None),
    ],
)
async def test_unknown_message_types_get_a_polite_reply(wa, kind, content):
    await wa.say(WA, "hi")
    shown = await wa.send(WA, message(WA, kind, content, wa.now()))
    assert "belum bisa membaca pesan jenis itu" in body_text(shown)
    assert titles(shown) == MAIN_ROWS


# ----- events, duplicates, ordering ---------------------------------------------------------


async def test_status_events_are_recorded_and_change_nothing(wa):
    await wa.say(WA, "hi")
    wamid = "wamid.OUT1"
    statuses = [
        status(wamid, WA, "sent"),
        status(wamid, WA, "read"),
        status(wamid, WA, "delivered"),  # late: must not overwrite "read"
        status("wamid.OUT0", WA, "failed", error_code=131026),
    ]
    body = messages_body(WA)
    value = body["entry"][0]["changes"][0]["value"]
    del value["messages"], value["contacts"]
    value["statuses"] = statuses
    assert await wa.post(body) == 200
    assert wa.channel.queues.idle
    await wa.settle()
    assert len(wa.fake.sent(WA)) == 1
    assert wa.rows("SELECT wamid, status, error FROM whatsapp_statuses ORDER BY wamid") == [
        ("wamid.OUT0", "failed", "131026 Message Undeliverable"),
        ("wamid.OUT1", "read", ""),
    ]
    shown = await wa.say(WA, "2")
    assert body_text(shown) == "Layar satu.", "the dialog continues where it was"


async def test_the_same_wamid_is_answered_once(wa):
    entry = text(WA, "hi", wa.now())
    body = messages_body(WA, entry)
    statuses = await asyncio.gather(wa.post(body), wa.post(body))
    assert statuses == [200, 200]
    await wa.next(WA)
    assert await wa.post(body) == 200, "a late redelivery is acknowledged"
    shown = await wa.say(WA, "2")
    assert body_text(shown) == "Layar satu."
    assert len(wa.fake.sent(WA)) == 2
    await wa.fake.wait_for(lambda: len(wa.fake.reads()) == 2)
    assert wa.fake.reads().count(entry["id"]) == 1


async def test_several_messages_in_one_body_are_processed_in_order(wa):
    now = wa.now()
    body = messages_body(WA, text(WA, "hi", now), text(WA, "2", now), text(WA, "lanjut", now))
    assert await wa.post(body) == 200
    assert "Selamat datang" in body_text(await wa.next(WA))
    assert body_text(await wa.next(WA)) == "Layar satu."
    assert body_text(await wa.next(WA)) == "Layar dua."


async def test_fifty_users_at_once_each_get_their_own_replies_in_order(wa):
    users = [f"62812000{n:05d}" for n in range(50)]

    async def converse(wa_id: str) -> None:
        for words in ("hi", "2", "lanjut"):
            assert await wa.post(messages_body(wa_id, text(wa_id, words, wa.now()))) == 200

    await asyncio.gather(*(converse(wa_id) for wa_id in users))
    await wa.fake.wait_for(lambda: len(wa.fake.sent()) == 150, timeout=20)
    for wa_id in users:
        bodies = [body_text(sent) for sent in wa.fake.sent(wa_id)]
        assert len(bodies) == 3 and "Selamat datang" in bodies[0]
        assert bodies[1:] == ["Layar satu.", "Layar dua."]


async def test_events_for_another_phone_number_are_ignored(wa):
    body = messages_body(WA, text(WA, "hi", wa.now()))
    body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert await wa.post(body) == 200
    await wa.settle()
    assert wa.fake.calls == [] and wa.rows("SELECT COUNT(*) FROM inbox") == [(0,)]


async def test_database_failures_ask_meta_to_resend_or_tell_the_user(wa, monkeypatch):
    async def broken(*args, **kwargs):
        raise StoreError("disk I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(wa.store, "inbox_put", broken)
        assert await wa.post(messages_body(WA, text(WA, "hi", wa.now()))) == 503
    told = await wa.next(WA)  # not stored, so Meta sends it again; the user is told at once
    assert body_text(told).startswith("Maaf, ada gangguan di sistem kami.")
    assert wa.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
    monkeypatch.setattr(wa.store, "commit_turn", broken)
    other = "6289876543210"  # the first user was told a moment ago: once a minute is enough
    shown = await wa.say(other, "hi")
    assert body_text(shown).startswith("Maaf, ada gangguan di sistem kami.")
    assert wa.rows("SELECT COUNT(*) FROM inbox") == [(1,)], "kept to be processed again"


async def test_users_are_keyed_by_business_scoped_id_and_keep_their_session(wa):
    assert "Selamat datang" in body_text(await wa.say(WA, "hi"))
    bsuid = "ID.13491208655302741918"
    shown = await wa.send(WA, text(WA, "2", wa.now()), user_id=bsuid)
    assert body_text(shown) == "Layar satu.", "the session begun under the wa_id goes on"
    assert shown["to"] == WA
    assert wa.rows("SELECT user_ref, wa_id, bsuid FROM whatsapp_users") == [(WA, WA, bsuid)]
    other = "6289999999999"
    await wa.send(other, text(other, "hi", wa.now()), user_id="ID.777")
    assert wa.rows("SELECT user_ref FROM sessions ORDER BY user_ref") == [
        ("6281234567890",),
        ("ID.777",),
    ]


# ----- crash recovery ------------------------------------------------------------------------


async def test_message_acknowledged_before_a_crash_is_processed_on_start(
    tmp_path, wa_content, actions, fake
):
    first = await Harness(tmp_path, wa_content, actions, fake).open(start=False)
    assert await first.post(messages_body(WA, text(WA, "hi", first.now()))) == 200
    assert first.rows("SELECT COUNT(*) FROM inbox") == [(1,)]
    await first.close()  # the process dies after the 200, before processing
    assert fake.sent() == []

    second = await Harness(tmp_path, wa_content, actions, fake).open()
    try:
        assert "Selamat datang" in body_text(await second.next(WA))
        await second.settle()
        assert second.rows("SELECT COUNT(*) FROM inbox") == [(0,)]
        assert len(fake.sent(WA)) == 1
    finally:
        await second.close()


# ----- delivery errors -----------------------------------------------------------------------


@pytest.mark.parametrize(("code", "http_status"), [(130429, 400), (131056, 400), (1, 500)])
async def test_temporary_errors_are_retried_and_delivered_once(wa, code, http_status):
    wa.fake.fail_next(code, status=http_status)
    assert "Selamat datang" in body_text(await wa.say(WA, "hi"))
    await wa.settle()
    assert [call.status for call in wa.fake.attempts()] == [http_status, 200]
    assert wa.rows("SELECT status, attempts FROM outbox") == [("sent", 2)]


async def test_final_error_is_dead_lettered_without_retry(wa):
    wa.fake.fail_next(131047)
    assert await wa.post(messages_body(WA, text(WA, "hi", wa.now()))) == 200
    await wa.wait_rows("SELECT status FROM outbox", [("dead",)])
    ((reason,),) = wa.rows("SELECT last_error FROM outbox")
    assert reason.startswith("undeliverable: HTTP 400, code 131047")
    await wa.settle()
    assert [call.status for call in wa.fake.attempts()] == [400]
    shown = await wa.say(WA, "2")
    assert body_text(shown) == "Layar satu.", "later messages still go out"


async def test_a_multi_part_reply_resumes_after_the_part_that_failed(wa):
    await wa.say(WA, "hi")
    long_text = "\n\n".join(f"Paragraf {n}. " + " ".join(["kata"] * 150) for n in range(8))
    await wa.store.enqueue("whatsapp", WA, [Reply(long_text).to_dict()], wa.clock())
    wa.fake.fail_next(130429, skip=1)
    wa.runtime.mailroom.wake("whatsapp")
    await wa.fake.wait_for(lambda: len(wa.fake.sent(WA)) == 1 + 2)
    await wa.settle()
    parts = [body_text(sent) for sent in wa.fake.sent(WA)[1:]]
    assert "\n\n".join(parts) == long_text, "every part once, in order"
    assert [call.status for call in wa.fake.attempts()] == [200, 200, 400, 200]


# ----- the 24-hour customer-service window -------------------------------------------------


async def test_outside_the_window_messages_are_held_until_the_user_writes(wa):
    await wa.say(WA, "hi")
    await wa.settle()
    wa.clock.offset = timedelta(hours=25)
    follow_up = Reply("Kabar dari petugas: laporan Anda sudah diterima.")
    await wa.store.enqueue("whatsapp", WA, [follow_up.to_dict()], wa.clock())
    wa.runtime.mailroom.wake("whatsapp")
    await wa.wait_rows("SELECT status FROM outbox WHERE id = 2", [("held",)])
    await settled(wa.channel.idle)
    assert len(wa.fake.sent(WA)) == 1, "nothing is sent outside the window"
    assert wa.rows("SELECT status FROM outbox WHERE id = 2") == [("held",)]

    assert body_text(await wa.say(WA, "menu")) == follow_up.text, "released first"
    assert "Menu utama tes" in body_text(await wa.next(WA))
    await wa.settle()
    assert wa.rows("SELECT status FROM outbox ORDER BY id") == [("sent",)] * 3


async def test_outside_the_window_the_template_invites_the_user_back_once(wa):
    await wa.close()
    await wa.open(template_name="migran_aman_pesan_baru", template_language="id")
    await wa.say(WA, "hi")
    await wa.settle()
    wa.clock.offset = timedelta(hours=24, minutes=1)
    bodies = [Reply(f"Kabar {n}").to_dict() for n in (1, 2)]
    await wa.store.enqueue("whatsapp", WA, bodies, wa.clock())
    wa.runtime.mailroom.wake("whatsapp")
    template = await wa.next(WA)
    assert template["type"] == "template"
    assert template["template"] == {"name": "migran_aman_pesan_baru", "language": {"code": "id"}}
    await wa.wait_rows("SELECT status FROM outbox WHERE id > 1", [("held",), ("held",)])
    await wa.store.enqueue("whatsapp", WA, [Reply("Kabar 3").to_dict()], wa.clock())
    wa.runtime.mailroom.wake("whatsapp")
    await wa.wait_rows("SELECT status FROM outbox WHERE id > 1", [("held",)] * 3)
    assert len(wa.fake.sent(WA)) == 2, "one template, however many messages wait"

    first = await wa.say(WA, "halo")  # the user answers the template: the window opens again
    assert [body_text(first), body_text(await wa.next(WA)), body_text(await wa.next(WA))] == [
        "Kabar 1",
        "Kabar 2",
        "Kabar 3",
    ]
    assert "Menu utama tes" in body_text(await wa.next(WA))


# ----- pure pieces -------------------------------------------------------------------------


def option_list(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(f"abcdef12:{n}", label) for n, label in enumerate(labels))


def test_long_text_is_split_at_paragraph_ends_within_4096():
    paragraphs = [f"Paragraf {n}. " + " ".join(["kata"] * 300) for n in range(6)]
    parts = split_text("\n\n".join(paragraphs), 4096)
    assert all(len(part) <= 4096 for part in parts) and len(parts) > 1
    assert "\n\n".join(parts) == "\n\n".join(paragraphs).strip()
    assert split_text("x" * 5000, 4096) == ["x" * 4096, "x" * 904]


def test_menu_with_long_text_sends_the_text_first_and_the_question_with_the_buttons():
    intro = "Pendahuluan. " * 100
    reply = Reply(f"{intro}\n\nPilih satu:", option_list("Ya", "Tidak"))
    first, second = render(reply, "Pilih")
    assert first["type"] == "text" and first["text"]["body"] == intro.strip()
    assert second["interactive"]["body"]["text"] == "Pilih satu:"
    assert second["interactive"]["type"] == "button"


def test_labels_decide_between_buttons_list_and_numbered_text():
    long_label = "Cek agen penyalur resmi (P3MI)"  # 30 characters
    (shown,) = render(Reply("Menu", option_list("Satu", long_label)), "Pilih")
    assert shown["interactive"]["type"] == "list"
    row = shown["interactive"]["action"]["sections"][0]["rows"][1]
    assert len(row["title"]) <= 24 and row["title"].endswith("…")
    assert row["description"] == long_label
    (shown,) = render(Reply("Menu", option_list("Satu", "x" * 80)), "Pilih")
    assert shown["type"] == "text" and shown["text"]["body"].endswith("2. " + "x" * 80)
    (shown,) = render(Reply("Menu", option_list("Sama", "sama")), "Pilih")
    assert shown["type"] == "text", "titles must be unique"
    (shown,) = render(Reply("Menu", option_list(*"ABCD")), "Pilih")
    assert shown["interactive"]["type"] == "list"


def test_graph_errors_are_classified():
    def error(code: int) -> dict:
        return {"error": {"code": code, "message": "m"}}

    assert classify(400, error(130429)).retryable
    assert classify(400, error(131056)).retryable
    assert classify(503, {}).retryable
    assert not classify(400, error(131047)).retryable
    assert not classify(400, error(131026)).retryable
    assert not classify(400, error(100)).retryable
    token = classify(401, error(190))
    assert token.retryable and token.retry_after and token.retry_after >= 60
    assert classify(429, {}, retry_after="7").retry_after == 7.0


async def test_typed_words_as_people_write_them(wa):
    shown = await wa.say(WA, "P")  # the commonest first WhatsApp message: a greeting
    assert "Selamat datang" in body_text(shown) and "tidak sendiri" not in body_text(shown)
    shown = await wa.say(WA, "paspor saya ditahan majikan")
    assert "Dari luar negeri" in body_text(shown) and "0800-1000" in body_text(shown)
    shown = await wa.say(WA, "menu")
    shown = await wa.say(WA, "qqq zzz")
    assert "belum menemukan jawaban" in body_text(shown)
    assert titles(shown)[-1] == "💬 Tanya petugas"


async def test_a_photo_sent_unasked_is_fetched_only_once_its_sender_reports_it(
    tmp_path, shipped_content, actions, fake
):
    """A screenshot sent at the menu is offered for a report and not downloaded; once the
    sender agrees to report, it is fetched by its media id and kept with the report."""
    wa = await Harness(tmp_path, shipped_content, actions, fake).open()
    try:
        await wa.say(WA, "halo")
        fake.add_media("5550001112223334", "image/png", PNG)
        image = {"mime_type": "image/png", "sha256": "abc", "id": "5550001112223334"}
        offer = await wa.send(WA, message(WA, "image", image, wa.now()))
        assert "belum menyimpan foto" in body_text(offer)
        assert not [c for c in fake.calls if c.method == "GET"], "not downloaded"
        consent = await wa.press(WA, offer, "🚩 Laporkan foto ini")
        asked = await wa.press(WA, consent, "Setuju, lanjut")
        assert "Apa yang ditawarkan" in body_text(asked)
        await wa.settle()
        saved = list((tmp_path / "media").iterdir())
        assert len(saved) == 1 and saved[0].read_bytes() == PNG
    finally:
        await wa.close()
