"""Shared test fixtures: content trees, a loaded engine, a fixed clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.actions import ActionSpec, load_actions
from bot.content import Content, load_content

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def make_content_dir(target: Path) -> Path:
    """A content tree for tests: the shipped system.yaml (without the photo offer and the
    glossary, whose nodes are in the shipped flows) and wording of the actions, slang and
    alarm rules with the fixture flows and contacts."""
    content = target / "content"
    (content / "flows").mkdir(parents=True)
    (content / "data").mkdir()
    (content / "understanding").mkdir()
    system = (ROOT / "content" / "system.yaml").read_text(encoding="utf-8")
    system = "".join(  # the photo offer's and the glossary's nodes are in the shipped flows
        line
        for line in system.splitlines(keepends=True)
        if not line.startswith(("photo_", "glossary:"))
    )
    (content / "system.yaml").write_text(system, encoding="utf-8")
    shutil.copy(ROOT / "content" / "wording.yaml", content / "wording.yaml")
    understanding = ROOT / "content" / "understanding"
    shutil.copy(understanding / "alarms.yaml", content / "understanding" / "alarms.yaml")
    words = (understanding / "words.yaml").read_text(encoding="utf-8")
    words = words[: words.index("\nroutes:")]  # its routes lead to nodes of the shipped flows
    (content / "understanding" / "words.yaml").write_text(words, encoding="utf-8")
    shutil.copy(FIXTURES / "flows.yaml", content / "flows" / "test.yaml")
    shutil.copy(FIXTURES / "contacts.yaml", content / "data" / "contacts.yaml")
    return content


@pytest.fixture(scope="session")
def actions() -> dict[str, ActionSpec]:
    return load_actions()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    return make_content_dir(tmp_path)


@pytest.fixture(scope="session")
def fixture_content(tmp_path_factory: pytest.TempPathFactory, actions) -> Content:
    content, problems = load_content(make_content_dir(tmp_path_factory.mktemp("c")), actions)
    assert content is not None, [str(problem) for problem in problems]
    return content


@pytest.fixture(scope="session")
def shipped_content(actions) -> Content:
    content, problems = load_content(ROOT / "content", actions)
    assert content is not None, [str(problem) for problem in problems]
    return content


class EngineChat:
    """Drives the engine (with actions, without a store) the way a user would."""

    def __init__(self, content: Content, actions: dict[str, ActionSpec]) -> None:
        self.content = content
        self.actions = actions
        self.session = None
        self.now = NOW
        self.replies: list = []
        self.turn = None

    async def send(self, inbound_kind, **fields) -> list:
        from datetime import timedelta

        from bot.dialog import run_turn
        from bot.messages import Inbound

        self.now += timedelta(seconds=1)
        inbound = Inbound("test", "user-1", inbound_kind, self.now, **fields)
        self.turn = await run_turn(self.content, self.actions, self.session, inbound)
        self.session = self.turn.session
        self.replies = self.turn.replies
        return self.replies

    async def say(self, text: str) -> list:
        from bot.messages import InboundKind

        return await self.send(InboundKind.TEXT, text=text)

    async def press(self, label: str) -> list:
        from bot.messages import InboundKind

        option = self.option(label)
        return await self.send(InboundKind.CHOICE, choice=option.id)

    def option(self, label: str):
        matches = [o for o in self.replies[-1].options if label in o.label]
        assert matches, f"no option {label!r} in {self.labels}"
        return matches[0]

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def labels(self) -> list[str]:
        return [option.label for option in self.replies[-1].options] if self.replies else []

    @property
    def node(self) -> str | None:
        return self.session.node if self.session else None


@pytest.fixture
def chat(fixture_content, actions) -> EngineChat:
    return EngineChat(fixture_content, actions)


@pytest.fixture
async def make_runtime(tmp_path: Path):
    """Build runtimes for a test (see tests/runtimes.py); each is closed when the test ends:
    `runtime = await make_runtime(content, actions, officers=True)`."""
    from contextlib import AsyncExitStack

    from tests.runtimes import open_test_runtime

    async with AsyncExitStack() as stack:

        async def make(content, actions, **options):
            options.setdefault("db", tmp_path / "bot.db")
            return await stack.enter_async_context(
                open_test_runtime(tmp_path, content, actions, **options)
            )

        yield make


@pytest.fixture
async def bot_api(monkeypatch):
    """A running fake Telegram Bot API; `bot_api.url` is the base_url for the client."""
    from aiohttp.test_utils import TestServer

    from tests.fakes.bot_api import FakeBotApi

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = FakeBotApi()
    server = TestServer(api.app, host="127.0.0.1")
    await server.start_server()
    api.url = f"http://127.0.0.1:{server.port}/bot"
    yield api
    await server.close()


@pytest.fixture
async def officer_runtime(make_runtime, shipped_content, actions):
    """A runtime on the shipped content; officer 42 works in chat -100."""
    return await make_runtime(shipped_content, actions, officers=True)
