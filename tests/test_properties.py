"""Property-based tests of the engine with its actions and the store (hypothesis).

For any sequence of inputs (button presses, stale or forged button ids, typed labels,
numbers, keywords, random text, photos, documents, locations, stickers, time passing):
every turn replies, every reply has text, option ids are unique and fit Telegram's 64
bytes, the session stays on real nodes, it round-trips through the store unchanged, and
"menu" always leads back to the main menu.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.content import Content
from bot.dialog import run_turn
from bot.engine.session import Session
from bot.engine.step import MAX_STACK
from bot.messages import Inbound, InboundKind, Location, Media, Reply
from bot.services import Services
from bot.store import Store
from tests.conftest import NOW

SEQUENCES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "50"))  # `make soak`: many more
MAX_STEPS = 40
_users = itertools.count(1)


class World:
    """One content tree, a store and the event loop they run on."""

    def __init__(self, runner: asyncio.Runner, content: Content, actions, store: Store) -> None:
        self.runner = runner
        self.content = content
        self.actions = actions
        self.store = store
        self.services = Services(store=store, media_dir=Path("media"))
        flows = content.flows
        self.keywords = sorted({word for words in flows.system.keywords.values() for word in words})
        self.alerts = [
            "paspor saya ditahan majikan",
            "tolong saya disekap",
            "gaji tidak dibayar 5 bulan",
            "saya mau bunuh diri",
            "help me",
        ]
        self.yes_no = sorted(
            flows.system.yes_words
            + flows.system.no_words
            + flows.system.unsure_words
            + flows.system.next_words
            + ["gak", "iya", "gk tau", "lanjut", "syarat ke taiwan apa aja", "lowker malaysia"]
        )
        self.replies: list[Reply] = []


@pytest.fixture(params=["fixture", "shipped"])
def world(request, tmp_path, actions):
    content = request.getfixturevalue(f"{request.param}_content")
    with asyncio.Runner() as runner:
        store = Store(":memory:")  # the same SQL, without an fsync per turn
        runner.run(store.open())
        try:
            yield World(runner, content, actions, store)
        finally:
            runner.run(store.close())


KINDS = st.sampled_from(
    ["press"] * 12
    + ["label", "number"] * 2
    + ["keyword", "alert", "yesno", "text", "integer", "phone", "stale", "forged"]
    + ["media", "location", "unsupported", "open"]
)  # mostly presses, so that walks go deep into the flows
PHONES = ["08123456789", "+62 812-3456-7890", "0211234567", "SRG-2026-00001", "12"]
FORGED = ["stopped:0", "00000000:0", ":", "abc:999", "", "x" * 80]
MEDIA = st.lists(
    st.builds(
        Media,
        st.sampled_from(["image", "document"]),
        st.sampled_from(["image/png", "image/jpeg", "application/pdf", "video/mp4"]),
        st.integers(0, 10**7),
        st.sampled_from(["media/a.png", "media/b.pdf"]),
    ),
    max_size=2,
)
LOCATIONS = st.builds(
    Location, st.floats(-100, 100, allow_nan=False), st.floats(-200, 200, allow_nan=False)
)
PAUSES = st.sampled_from([timedelta(seconds=5)] * 10 + [timedelta(minutes=31), timedelta(days=1)])
TEXTS = st.text(max_size=30)
ANSWERS = {
    "text": st.sampled_from(["Kerja pabrik di Malaysia", "Pak Udin", "Taiwan", "x" * 600]).map(
        lambda text: {"kind": InboundKind.TEXT, "text": text}
    ),
    "number": st.integers(0, 100).map(lambda n: {"kind": InboundKind.TEXT, "text": str(n)}),
    "phone": st.sampled_from(PHONES).map(lambda text: {"kind": InboundKind.TEXT, "text": text}),
    "photo": MEDIA.map(lambda items: {"kind": InboundKind.MEDIA, "media": tuple(items)}),
    "location": LOCATIONS.map(lambda where: {"kind": InboundKind.LOCATION, "location": where}),
}


def pick(data, items: list):
    """One of `items`, drawn so that hypothesis can shrink it."""
    return items[data.draw(st.integers(0, len(items) - 1))]


def next_input(data, world: World, last: Reply | None, seen: list[str]) -> dict:
    """One thing a user may do next, given the last reply and the option ids seen before."""
    options = list(last.options) if last else []
    expects = last.expects if last else ""
    if expects in ANSWERS and data.draw(st.booleans()):  # often a fitting answer, to go on
        return data.draw(ANSWERS[expects])
    kind = data.draw(KINDS)
    if kind in ("press", "label", "number") and not options:
        kind = "stale" if seen else "text"
    if kind == "press":
        return {"kind": InboundKind.CHOICE, "choice": pick(data, options).id}
    if kind in ("stale", "forged"):
        return {"kind": InboundKind.CHOICE, "choice": pick(data, seen or FORGED)}
    if kind == "media":
        return {"kind": InboundKind.MEDIA, "media": tuple(data.draw(MEDIA))}
    if kind == "location":
        return {"kind": InboundKind.LOCATION, "location": data.draw(LOCATIONS)}
    if kind == "unsupported":
        return {"kind": InboundKind.UNSUPPORTED}
    if kind == "open":
        return {"kind": InboundKind.OPEN}
    text = {
        "label": lambda: pick(data, options).label,
        "number": lambda: str(data.draw(st.integers(1, len(options)))),
        "keyword": lambda: pick(data, world.keywords),
        "alert": lambda: pick(data, world.alerts or ["tolong"]),
        "yesno": lambda: pick(data, world.yes_no),
        "text": lambda: data.draw(TEXTS),
        "integer": lambda: str(data.draw(st.integers(-5, 200))),
        "phone": lambda: pick(data, PHONES),
    }[kind]()
    return {"kind": InboundKind.TEXT, "text": text}


def check_replies(replies: list[Reply]) -> None:
    assert replies, "every message gets an answer"
    for reply in replies:
        assert reply.text.strip() or reply.media, f"a reply without text: {reply}"
        ids = [option.id for option in reply.options]
        assert len(ids) == len(set(ids)), f"duplicate option ids: {ids}"
        assert all(len(i.encode()) <= 64 for i in ids), ids
        assert all(option.label.strip() for option in reply.options), reply.options


def check_session(world: World, session) -> None:
    if session is None:
        return
    nodes = world.content.flows.nodes
    assert session.node is None or session.node in nodes, session.node
    assert all(node in nodes for node in session.stack), session.stack
    assert len(session.stack) <= MAX_STACK
    assert session.lang in world.content.flows.system.languages


SETTINGS = settings(
    max_examples=SEQUENCES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_any_sequence_of_inputs_keeps_the_engine_sound(world):
    @SETTINGS
    @given(data=st.data())
    def conversation(data):
        user = f"u{next(_users)}"
        now = NOW
        session = None
        if data.draw(st.booleans()):  # half the walks start anywhere: every node gets visited
            flows = world.content.flows
            start = pick(data, sorted(flows.nodes))
            session = Session(pick(data, flows.system.languages), start, 0, [flows.system.start])
        last: Reply | None = None
        seen: list[str] = []
        for step in range(data.draw(st.integers(1, MAX_STEPS), label="steps")):
            fields = next_input(data, world, last, seen)
            now += data.draw(PAUSES)
            inbound = Inbound("test", user, time=now, update_id=f"{user}-{step}", **fields)
            session = world.runner.run(turn(world, session, inbound))
            if world.replies:
                last = world.replies[-1]
                seen += [option.id for option in last.options]
        menu = Inbound("test", user, InboundKind.TEXT, now, text="menu", update_id=f"{user}-m")
        session = world.runner.run(turn(world, session, menu))
        if session is not None and session.pending.startswith("leave:"):  # a form asks first
            leave = world.replies[-1].options[1]
            assert leave.label == world.content.flows.label("form_leave", session.lang)
            press = Inbound("test", user, InboundKind.CHOICE, now, choice=leave.id)
            session = world.runner.run(turn(world, session, press))
        assert session is not None and session.node == world.content.flows.system.start
        flows = world.content.flows
        main = flows.text(flows.nodes[flows.system.start].text, session.lang)
        assert main in world.replies[-1].text, "menu leads to the main menu"
        for form in session.drafts:
            resume = flows.system.forms[form].resume_label[session.lang]
            assert resume in [o.label for o in world.replies[-1].options], "the draft is offered"

    conversation()


async def turn(world: World, session, inbound: Inbound):
    """One turn as the runtime does it; checks the properties; returns the stored session."""
    result = await run_turn(
        world.content, world.actions, session, inbound, timedelta(minutes=30), world.services
    )
    world.replies = result.replies
    check_replies(result.replies)
    check_session(world, result.session)
    await world.store.commit_turn(
        inbound.channel,
        inbound.user,
        result.session,
        inbound.update_id,
        result.visits,
        inbound.time,
    )
    stored = await world.store.load_session(inbound.channel, inbound.user)
    assert stored == result.session, "the session round-trips through the store unchanged"
    return stored
