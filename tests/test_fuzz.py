"""Bad input at the webhooks: random and mutated JSON, truncated JSON, wrong types, deep
nesting, huge bodies, and a flooding user. Always 4xx or ignored, never a 500, never a crash
of the processing behind the 200, memory bounded; a flood is throttled for that user only.

The hypothesis tests are plain functions driving the in-process app (tests/harness.py) on a
private event loop, since hypothesis cannot drive async tests itself.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import itertools
import json
import logging
import os
import time
import traceback
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.limits import Throttle
from tests.fakes.bot_api import callback_update, message_update, private_chat, text_update
from tests.fakes.graph_api import (
    button_reply,
    envelope,
    message,
    messages_body,
    status,
    text,
)
from tests.harness import MAX_UPLOAD, Harness

ACCEPTED = {200, 400, 413}
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "100"))  # `make soak`: many more

# ----- strategies ------------------------------------------------------------------------------

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "0", "-1", "/start", "menu", "text", "private", "image", "abc"])
)
json_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_ids = itertools.count(1)


def _slots(tree: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) inside a JSON tree."""
    slots: list[tuple[Any, Any]] = []
    if isinstance(tree, dict):
        for key, child in tree.items():
            slots.append((tree, key))
            slots += _slots(child)
    elif isinstance(tree, list):
        for index, child in enumerate(tree):
            slots.append((tree, index))
            slots += _slots(child)
    return slots


@st.composite
def mutated(draw, templates: list[dict]) -> Any:
    """A valid template with up to three values replaced by random JSON or deleted."""
    tree = copy.deepcopy(draw(st.sampled_from(templates)))
    for _ in range(draw(st.integers(0, 3))):
        slots = _slots(tree)
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(json_values)
    return tree


def telegram_templates() -> list[dict]:
    photo = [{"file_id": "nope", "file_unique_id": "u", "width": 1, "height": 1, "file_size": 9}]
    group = {"id": -5, "type": "group", "title": "g"}
    return [
        text_update(900, "hi"),
        text_update(900, "/start@migran_aman_test_bot x"),
        callback_update(900, "abcdef12:0"),
        message_update(900, photo=photo),
        message_update(900, location={"latitude": -6.1, "longitude": 106.1}),
        message_update(900, contact={"phone_number": "+62812", "first_name": "S"}),
        message_update(900, chat=group, text="hi"),
        {"edited_message": text_update(900, "edit")["message"]},
        {"message": {**text_update(900, "x")["message"], "chat": private_chat(901)}},
    ]


def whatsapp_templates() -> list[dict]:
    wa = "628333000001"
    statuses = envelope({"statuses": [status("wamid.OUT1", wa, "delivered")]})
    return [
        messages_body(wa, text(wa, "hi")),
        messages_body(wa, button_reply(wa, "abcdef12:1")),
        messages_body(wa, message(wa, "image", {"mime_type": "image/png", "id": "404"})),
        messages_body(wa, message(wa, "location", {"latitude": 1.5, "longitude": 2.5})),
        messages_body(wa, message(wa, "sticker", {"id": "9"}), user_id="ID.1"),
        statuses,
    ]


def raw_bodies(valid: bytes) -> st.SearchStrategy[bytes]:
    """Bytes that are not a proper update: truncated, garbage, other JSON types."""
    return st.one_of(
        st.integers(0, len(valid) - 1).map(lambda cut: valid[:cut]),
        st.binary(max_size=200),
        json_values.map(lambda value: json.dumps(value).encode()),
        st.integers(1, 300_000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 300_000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth),
    )


# ----- the app on a private loop ---------------------------------------------------------------


class Loop:
    """A harness and the event loop it runs on, for plain (non-async) tests."""

    def __init__(self, runner: asyncio.Runner, harness: Harness) -> None:
        self.runner = runner
        self.harness = harness

    def run(self, coroutine):
        return self.runner.run(coroutine)


class Crashes(logging.Handler):
    """Collects log records that carry an exception: something crashed behind a 200."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture
def app(tmp_path, fixture_content, actions, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    crashes = Crashes()
    logging.getLogger().addHandler(crashes)
    with asyncio.Runner() as runner:
        harness = Harness(tmp_path, fixture_content, actions, throttle=Throttle(20, 60))
        runner.run(harness.open())
        loop = Loop(runner, harness)
        loop.crashes = crashes
        try:
            yield loop
        finally:
            runner.run(harness.close())
            logging.getLogger().removeHandler(crashes)


def assert_alive(app: Loop) -> None:
    """Everything stored was processed without an exception, and the bot still answers."""
    harness = app.harness

    async def check() -> None:
        await harness.settle(timeout=20)
        response = await harness.client.get("/healthz")
        assert response.status == 200
        count = len(harness.tg_texts(1234))
        assert await harness.tg_say(1234, "hi") == 200
        await harness.wait(lambda: len(harness.tg_texts(1234)) > count)
        count = len(harness.wa_texts("628999000001"))
        assert await harness.wa_say("628999000001", "hi") == 200
        await harness.wait(lambda: len(harness.wa_texts("628999000001")) > count)

    app.run(check())
    crashes = [
        f"{r.name}: {r.getMessage()}: {''.join(traceback.format_exception(*r.exc_info))}"
        for r in app.crashes.records
    ]
    assert not crashes, "\n".join(crashes)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_fuzzed_telegram_updates_are_refused_or_handled(app):
    harness = app.harness

    @FUZZ
    @given(body=mutated(telegram_templates()))
    def post(body):
        if isinstance(body, dict) and isinstance(body.get("update_id", 0), int):
            body["update_id"] = next(_ids)  # fresh, or the update is only a duplicate
        status = app.run(harness.post_telegram(body))
        assert status in ACCEPTED, (status, body)

    @FUZZ
    @given(raw=raw_bodies(json.dumps(text_update(900, "hi", update_id=1)).encode()))
    def post_raw(raw):
        assert app.run(harness.post_telegram(None, raw=raw)) in ACCEPTED

    post()
    post_raw()
    assert_alive(app)
    processed = harness.rows("SELECT COUNT(*) FROM processed_updates WHERE channel = 'telegram'")
    assert processed[0][0] >= 8, "enough fuzzed updates were accepted and answered"


def test_fuzzed_whatsapp_webhooks_are_refused_or_handled(app):
    harness = app.harness

    @FUZZ
    @given(body=mutated(whatsapp_templates()))
    def post(body):
        for value in _values(body):  # fresh wamids, or a message is only a duplicate
            items = value.get("messages")
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    item["id"] = f"wamid.F{next(_ids)}"
        status = app.run(harness.post_whatsapp(body))
        assert status in ACCEPTED, (status, body)

    @FUZZ
    @given(raw=raw_bodies(json.dumps(whatsapp_templates()[0]).encode()))
    def post_raw(raw):
        assert app.run(harness.post_whatsapp(None, raw=raw)) in ACCEPTED

    post()
    post_raw()
    assert_alive(app)
    processed = harness.rows("SELECT COUNT(*) FROM processed_updates WHERE channel = 'whatsapp'")
    assert processed[0][0] >= 8, "enough fuzzed messages were accepted and answered"


def _values(body: Any) -> list[dict]:
    try:
        return [
            change["value"]
            for entry in body["entry"]
            for change in entry["changes"]
            if isinstance(change["value"], dict)
        ]
    except (KeyError, TypeError):
        return []


def test_fuzzed_web_chat_requests_are_refused_or_handled(app):
    harness = app.harness

    @FUZZ
    @given(
        body=json_values
        | st.dictionaries(st.sampled_from(["text", "choice", "open", "location"]), json_values)
    )
    def post(body):
        async def send() -> int:
            response = await harness.client.post(
                "/api/chat",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            await response.read()
            return response.status

        assert app.run(send()) in ACCEPTED

    post()
    assert_alive(app)


def test_huge_and_deeply_nested_bodies_are_refused_with_bounded_memory(app):
    harness = app.harness
    huge = b'{"update_id": 1, "x": "' + b"a" * (4 * MAX_UPLOAD) + b'"}'
    deep = b"[" * 200_000 + b"]" * 200_000
    tracemalloc.start()
    try:
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(20):
            assert app.run(harness.post_telegram(None, raw=huge)) == 413
            assert app.run(harness.post_whatsapp(None, raw=huge)) == 413
            assert app.run(harness.post_telegram(None, raw=deep)) in (400, 413)
            assert app.run(harness.post_whatsapp(None, raw=b"[" * 50_000)) == 400
        nested = {"update_id": 77, "message": {"x": json.loads("[" * 500 + "]" * 500)}}
        assert app.run(harness.post_telegram(nested)) in ACCEPTED
        app.run(harness.settle())
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 5_000_000, f"{after - before} bytes kept after 80 bad bodies"
    assert_alive(app)


# ----- a flooding user -------------------------------------------------------------------------


def test_throttle_bucket_refills_and_tells_once_per_flood():
    now = [0.0]
    throttle = Throttle(burst=3, per_minute=60, clock=lambda: now[0])
    key = ("telegram", "1")
    assert [throttle.admit(key) for _ in range(6)] == ["admit"] * 3 + ["notify"] + ["drop"] * 2
    now[0] += 1.0  # one message a second comes back
    assert throttle.admit(key) == "admit"
    assert throttle.admit(key) == "drop", "told once while the flood goes on"
    now[0] += 3.0  # the bucket is full again: the flood is over
    assert [throttle.admit(key) for _ in range(4)] == ["admit"] * 3 + ["notify"]
    assert throttle.admit(("telegram", "2")) == "admit", "other users have their own bucket"
    for user in range(Throttle.SWEEP_AT + 5):
        throttle.admit(("web", str(user)))
        now[0] += 0.0001
    now[0] += 10
    throttle.admit(("web", "last"))
    assert len(throttle._buckets) <= Throttle.SWEEP_AT + 1, "full buckets are forgotten"


@pytest.fixture
async def flood_harness(tmp_path, fixture_content, actions, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    harness = Harness(tmp_path, fixture_content, actions, throttle=Throttle(20, 60))
    await harness.open()
    yield harness
    await harness.close()


async def test_a_flood_is_throttled_without_slowing_other_users(flood_harness):
    harness = flood_harness
    flooder, calm = "628444000001", "628444000002"
    calm_script = ["hi", "2", "lanjut", "lanjut", "menu", "1"]
    latencies: list[float] = []

    async def flood() -> None:
        await asyncio.gather(*(harness.wa_say(flooder, f"pesan {n}") for n in range(100)))

    async def calm_user() -> None:
        for words in calm_script:
            count = len(harness.wa_texts(calm))
            started = time.monotonic()
            assert await harness.wa_say(calm, words) == 200
            await harness.wait(lambda count=count: len(harness.wa_texts(calm)) > count)
            latencies.append(time.monotonic() - started)

    started = time.monotonic()
    await asyncio.gather(flood(), calm_user(), harness.tg_flood(7001, 100))
    assert time.monotonic() - started < 5
    await harness.settle()
    print(f"\ncalm user latencies during the flood: {[round(t, 3) for t in latencies]}")
    assert max(latencies) < 1.5, latencies
    assert len(harness.wa_texts(calm)) == len(calm_script)

    for texts in (harness.wa_texts(flooder), harness.tg_texts(7001)):
        assert sum("terlalu cepat" in text for text in texts) == 1, "told once"
        answered = len(texts) - 1
        assert 20 <= answered <= 30, f"{answered} of 100 answered"
    processed = harness.rows("SELECT channel, COUNT(*) FROM processed_updates GROUP BY channel")
    assert dict(processed)["whatsapp"] == 100 + len(calm_script), "dropped ones are done too"
    assert harness.rows("SELECT COUNT(*) FROM inbox") == [(0,)]


async def test_web_chat_flood_gets_the_notice_on_every_dropped_request(
    tmp_path, fixture_content, actions, monkeypatch
):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    harness = await Harness(tmp_path, fixture_content, actions, throttle=Throttle(3, 60)).open()
    try:
        slow_down = harness.content.flows.message("slow_down", "id")
        texts, cookie = await harness.web_say("hi")
        for _ in range(2):
            texts, _ = await harness.web_say("2", cookie)
            assert texts != [slow_down]
        for _ in range(3):
            assert (await harness.web_say("2", cookie))[0] == [slow_down]
        other, _ = await harness.web_say("hi")
        assert "Selamat datang" in other[0], "another browser is not affected"
    finally:
        await harness.close()
