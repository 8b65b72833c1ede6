"""Choices offered by actions: shown as options, picked like any option, saved, persisted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from bot.actions import ActionContext, ActionResult, ActionSpec
from bot.content import Content, load_content
from bot.engine.flows import Flows
from bot.engine.session import Offered, Session
from bot.engine.spec import Node
from bot.engine.step import resume, state_key, step
from bot.messages import Inbound, InboundKind
from bot.store import Store
from tests.conftest import FIXTURES, NOW, EngineChat, make_content_dir

EXTRA_NODES = {
    "fruit": {
        "kind": "action",
        "action": "pick_fruit",
        "text": {"id": "Pilih buah:", "en": "Pick a fruit:"},
        "next": "fruit_done",
        "options": [{"label": {"id": "Info", "en": "Info"}, "goto": "info"}],
    },
    "fruit_done": {"kind": "end", "text": {"id": "Buah dipilih.", "en": "Fruit picked."}},
    "pages": {"kind": "action", "action": "page_through"},
}


async def pick_fruit(context: ActionContext) -> ActionResult:
    """Offers fruits; what is on offer depends on an answer, so tests can change it."""
    if context.answers.get("no_fruit"):
        return ActionResult(texts=["Tidak ada buah."])
    fruits = [("Apel merah", "apple"), ("Mangga", {"code": "mango", "n": 2})]
    if context.answers.get("more_fruit"):
        fruits.append(("Pisang", "banana"))
    return ActionResult(texts=["3 buah ditemukan."], choices=fruits, save="fruit")


async def page_through(context: ActionContext) -> ActionResult:
    """A node without `next`: picking a page runs the node again with the new page."""
    page = context.answers.get("page", 1)
    return ActionResult(texts=[f"Halaman {page}"], choices=[("Berikutnya", page + 1)], save="page")


TEST_ACTIONS = {
    "pick_fruit": ActionSpec("pick_fruit", pick_fruit, frozenset(), frozenset(), None, True),
    "page_through": ActionSpec("page_through", page_through, frozenset(), frozenset(), None, True),
}


@pytest.fixture
def content(fixture_content) -> Content:
    adapter: TypeAdapter[Node] = TypeAdapter(Node)
    nodes = dict(fixture_content.flows.nodes)
    nodes.update({key: adapter.validate_python(raw) for key, raw in EXTRA_NODES.items()})
    flows = Flows(system=fixture_content.flows.system, nodes=nodes, version="choices")
    return replace(fixture_content, flows=flows)


@pytest.fixture
def fruit_chat(content, actions) -> EngineChat:
    chat = EngineChat(content, {**actions, **TEST_ACTIONS})
    chat.session = Session(lang="id", node="main", updated_at=NOW)
    return chat


async def open_node(chat: EngineChat, node: str) -> None:
    chat.session.node = node
    await chat.send(InboundKind.OPEN)


async def test_offered_choices_come_first_then_links_then_navigation(fruit_chat):
    await open_node(fruit_chat, "fruit")
    assert fruit_chat.text == "Pilih buah:\n\n3 buah ditemukan."
    assert fruit_chat.labels == ["Apel merah", "Mangga", "Info", "🏠 Menu utama"]
    assert fruit_chat.session.offered == Offered(
        "fruit", (("Apel merah", "apple"), ("Mangga", {"code": "mango", "n": 2}))
    )
    assert fruit_chat.node == "fruit", "a node that offers choices waits for the pick"


async def test_a_pressed_choice_is_saved_and_leads_to_next(fruit_chat):
    await open_node(fruit_chat, "fruit")
    await fruit_chat.press("Mangga")
    assert fruit_chat.node == "fruit_done" and "Buah dipilih." in fruit_chat.text
    assert fruit_chat.session.answers["fruit"] == {"code": "mango", "n": 2}
    assert fruit_chat.session.offered is None, "choices are forgotten once the user moves on"
    await fruit_chat.say("kembali")
    assert fruit_chat.node == "fruit", "back returns to the choices, offered afresh"
    assert fruit_chat.labels[:2] == ["Apel merah", "Mangga"]


@pytest.mark.parametrize("typed", ["1", "apel merah", "Apel mrah", "APEL!"])
async def test_a_choice_can_be_typed_by_number_label_or_misspelling(fruit_chat, typed):
    await open_node(fruit_chat, "fruit")
    await fruit_chat.say(typed)
    assert fruit_chat.session.answers["fruit"] == "apple", typed


async def test_the_static_links_still_work_next_to_offered_choices(fruit_chat):
    await open_node(fruit_chat, "fruit")
    await fruit_chat.press("Info")
    assert fruit_chat.node == "info" and "fruit" not in fruit_chat.session.answers


async def test_a_press_on_choices_offered_earlier_is_stale(fruit_chat):
    await open_node(fruit_chat, "fruit")
    old = fruit_chat.option("Apel merah")
    fruit_chat.session.answers["more_fruit"] = True
    await fruit_chat.send(InboundKind.OPEN)  # same node, screen and stack; other choices
    assert fruit_chat.labels[:3] == ["Apel merah", "Mangga", "Pisang"]
    assert fruit_chat.option("Apel merah").id != old.id
    await fruit_chat.send(InboundKind.CHOICE, choice=old.id)
    assert "menu lama" in fruit_chat.text
    assert fruit_chat.node == "fruit" and "fruit" not in fruit_chat.session.answers


async def test_not_understood_shows_the_choices_again(fruit_chat):
    await open_node(fruit_chat, "fruit")
    await fruit_chat.say("durian")
    assert "belum menemukan jawaban" in fruit_chat.text
    assert fruit_chat.labels[:2] == ["Apel merah", "Mangga"] and fruit_chat.node == "fruit"


async def test_a_node_with_next_and_links_waits_when_nothing_is_offered(fruit_chat):
    fruit_chat.session.answers["no_fruit"] = True
    await open_node(fruit_chat, "fruit")
    assert fruit_chat.node == "fruit" and "Tidak ada buah." in fruit_chat.text
    assert fruit_chat.labels == ["Info", "🏠 Menu utama"]
    assert fruit_chat.session.offered is None


async def test_without_next_a_pick_runs_the_node_again(fruit_chat):
    await open_node(fruit_chat, "pages")
    assert "Halaman 1" in fruit_chat.text
    await fruit_chat.press("Berikutnya")
    assert "Halaman 2" in fruit_chat.text and fruit_chat.node == "pages"
    await fruit_chat.say("berikutnya")
    assert "Halaman 3" in fruit_chat.text
    assert fruit_chat.session.stack == [], "paging does not fill the back stack"


async def test_language_switch_offers_the_choices_again(fruit_chat):
    await open_node(fruit_chat, "fruit")
    await fruit_chat.say("bahasa")
    await fruit_chat.press("English")
    assert "Pick a fruit:" in fruit_chat.text
    await fruit_chat.say("2")
    assert fruit_chat.session.answers["fruit"]["code"] == "mango"


def test_step_and_resume_stay_pure(content):
    session = Session(lang="id", node="fruit", updated_at=NOW)
    opened = step(content.flows, session, Inbound("t", "u", InboundKind.OPEN, NOW), NOW)
    assert opened.action is not None and opened.action.name == "pick_fruit"
    result = ActionResult(texts=["x"], choices=[("A", 1), ("B", 2)], save="letter")
    shown = resume(content.flows, opened, result, NOW)
    key = state_key(content.flows, shown.session)
    assert [option.id for option in shown.replies[0].options][:2] == [f"{key}:0", f"{key}:1"]
    before = shown.session.copy()
    inbound = Inbound("t", "u", InboundKind.CHOICE, NOW, choice=f"{key}:1")
    first = step(content.flows, shown.session, inbound, NOW)
    second = step(content.flows, shown.session, inbound, NOW)
    assert shown.session == before, "the step did not change its input"
    assert first.session == second.session and first.session.answers == {"letter": 2}
    assert first.session.node == "fruit_done"


def test_state_key_is_unchanged_for_sessions_without_offered_choices(content):
    plain = Session(lang="id", node="fruit")
    offered = Session(lang="id", node="fruit", offered=Offered("k", (("A", 1),)))
    other = Session(lang="id", node="fruit", offered=Offered("k", (("A", 2),)))
    keys = {state_key(content.flows, s) for s in (plain, offered, other)}
    assert len(keys) == 3


def test_choices_without_an_answer_key_are_a_programming_error():
    with pytest.raises(ValueError, match="save"):
        ActionResult(choices=[("A", 1)])


async def test_offered_choices_survive_a_restart(tmp_path: Path):
    store = Store(tmp_path / "s.db")
    await store.open()
    offered = Offered("recruiter_pick", (("✅ PT A", "LIC-1"), ("Lanjut", {"page": 2})))
    session = Session(lang="id", node="recruiter_search", offered=offered, updated_at=NOW)
    await store.commit_turn("t", "u", session, "", [], NOW)
    await store.close()
    store = Store(tmp_path / "s.db")
    await store.open()
    assert (await store.load_session("t", "u")).offered == offered
    await store.commit_turn("t", "u", Session(lang="id", node="main"), "", [], NOW)
    assert (await store.load_session("t", "u")).offered is None
    await store.close()


def test_check_content_allows_next_with_links_only_for_choice_actions(tmp_path, actions):
    content_dir = make_content_dir(tmp_path)
    flows = (FIXTURES / "flows.yaml").read_text(encoding="utf-8")
    link = '    - label: {id: "Darurat", en: "Emergency"}\n      goto: emergency\n'
    assert link in flows
    extra = '    - label: {id: "Buah", en: "Fruit"}\n      goto: fruit\n'
    nodes = (
        "\nfruit:\n  kind: action\n  action: ACTION\n  next: info\n"
        "  options:\n    - label: {id: Info, en: Info}\n      goto: info\n"
    )
    all_actions = {**actions, **TEST_ACTIONS}
    for action, ok in (("pick_fruit", True), ("emergency_contacts", False)):
        text = flows.replace(link, link + extra) + nodes.replace("ACTION", action)
        if action == "emergency_contacts":
            text = text.replace("  next: info\n", "  args: {groups: [national]}\n  next: info\n")
        (content_dir / "flows" / "test.yaml").write_text(text, encoding="utf-8")
        loaded, problems = load_content(content_dir, all_actions)
        assert (loaded is not None) == ok, [str(p) for p in problems]
        if not ok:
            assert any("not both" in problem.message for problem in problems)
