"""The options a user can pick in a state, and the option ids that carry the state.

Pure functions of the flows and the session: what each button says and what pressing
it does (an `Act`). Choices depend only on the node, screen, pending system question,
top of the back stack, language and waiting drafts, so they are computed once per such
state and kept in `Flows.memo` (unless an action offered choices or a typed question's
guesses are on screen).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.engine.asking import route_from
from bot.engine.session import Session
from bot.engine.spec import ActionNode, AskNode, EndNode, MenuNode, PageNode
from bot.messages import Option

if TYPE_CHECKING:
    from bot.engine.flows import Flows

Act = tuple[Any, ...]
"""What pressing an option does: ("goto", node) (or ("goto", node, "yes"|"no"): typed yes
or no presses it), ("next",), ("back",), ("menu",),
("answer", value), ("pick", value) (a choice an action offered), ("lang", code),
("delete_yes",), ("delete_no",), ("route", index) (a "did you mean" guess),
("ask_officer",), ("not_this",), ("stay",), ("leave", keyword) (a form) or ("resume", form)."""
Choice = tuple[str, Act]
"""An option before it gets an id: (label, act)."""
MemoKey = tuple[str | None, int, str, str, str, tuple[str, ...]]
"""(node, screen, pending, top of the back stack, language, forms with a draft)."""
OptionMemo = dict[MemoKey, tuple[tuple[Choice, ...], tuple[Option, ...]]]
"""The choices and options computed per state, kept per content version in `Flows.memo`."""
MEMO_SIZE = 4096  # states whose options are kept (per content version)


def state_key(flows: Flows, session: Session) -> str:
    """A short fingerprint of what the user currently sees; option ids carry it."""
    top = session.stack[-1] if session.stack else ""
    raw = f"{flows.version}|{session.node}|{session.screen}|{session.pending}|{top}"
    raw += f"|{','.join(sorted(session.drafts))}"
    if session.offered:  # a press on choices an action offered earlier is stale
        raw += "|" + json.dumps(session.offered.to_dict(), sort_keys=True, default=str)
    if session.question:  # so are guesses made for an earlier question
        raw += "|" + json.dumps(session.question, sort_keys=True, default=str)
    return hashlib.blake2b(raw.encode(), digest_size=4).hexdigest()


def choices(flows: Flows, session: Session) -> Sequence[Choice]:
    """The options the user can pick now, as (label, act), in display order."""
    found = cached(flows, session)
    return found[0] if found else _choices(flows, session)


def options(flows: Flows, session: Session) -> tuple[Option, ...]:
    """The options the user can pick now, with ids that carry the state key."""
    found = cached(flows, session)
    return found[1] if found else _options(flows, session, _choices(flows, session))


def cached(flows: Flows, session: Session) -> tuple[tuple[Choice, ...], tuple[Option, ...]] | None:
    """Choices and options of the current state, computed once per state and language
    (they depend on nothing else unless an action offered choices)."""
    if session.offered is not None or session.question is not None:
        return None
    top = session.stack[-1] if session.stack else ""
    waiting = tuple(sorted(session.drafts))
    key = (session.node, session.screen, session.pending, top, session.lang, waiting)
    memo = flows.memo
    found = memo.get(key)
    if found is None:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        computed = tuple(_choices(flows, session))
        found = memo[key] = (computed, _options(flows, session, computed))
    return found


def _options(flows: Flows, session: Session, items: Sequence[Choice]) -> tuple[Option, ...]:
    key = state_key(flows, session)
    return tuple(Option(f"{key}:{index}", label) for index, (label, _) in enumerate(items))


def _choices(flows: Flows, session: Session) -> list[Choice]:
    lang = session.lang
    if session.pending == "language":
        return [
            (flows.system.language_names[code], ("lang", code)) for code in flows.system.languages
        ]
    if session.pending == "delete":
        return [
            (flows.label("delete_yes", lang), ("delete_yes",)),
            (flows.label("no", lang), ("delete_no",)),
        ]
    if session.pending.startswith("leave:"):
        return [
            (flows.label("form_stay", lang), ("stay",)),
            (flows.label("form_leave", lang), ("leave", session.pending.partition(":")[2])),
        ]
    if session.pending == "suggest":
        return _guesses(flows, session)
    if session.pending == "fallback":  # what the user had, and a human
        return _node_choices(flows, session) + _ask_officer(flows, session)
    return _node_choices(flows, session)


def _node_choices(flows: Flows, session: Session) -> list[Choice]:
    node, lang = flows.nodes.get(session.node or ""), session.lang
    items: list[Choice] = []
    if session.node == flows.system.start:
        for form in sorted(session.drafts):
            form_spec = flows.system.forms.get(form)
            if form_spec:
                items.append((flows.text(form_spec.resume_label, lang), ("resume", form)))
    if isinstance(node, EndNode):
        return [(flows.label("menu", lang), ("menu",))]
    if isinstance(node, AskNode):
        spec = node.input
        if spec.type == "yesno":
            items += [
                (flows.label("yes", lang), ("answer", True)),
                (flows.label("no", lang), ("answer", False)),
            ]
        elif spec.type == "choice":
            items += [
                (flows.text(choice.label, lang), ("answer", choice.value))
                for choice in spec.choices
            ]
        if spec.optional:
            items.append((flows.label("skip", lang), ("answer", None)))
    elif (
        isinstance(node, PageNode)
        and session.screen < len(flows.screens[(session.node or "", lang)]) - 1
    ):
        items.append((flows.label("next", lang), ("next",)))
    elif isinstance(node, MenuNode | PageNode | ActionNode):
        if isinstance(node, ActionNode) and session.offered:
            items += [(label, ("pick", value)) for label, value in session.offered.items]
        items += [
            (flows.text(option.label, lang), ("goto", option.goto, option.means))
            if option.means
            else (flows.text(option.label, lang), ("goto", option.goto))
            for option in node.options
        ]
    question = session.question
    if question and question.get("mode") == "answered" and question.get("node") == session.node:
        items.append((flows.label("not_this", lang), ("not_this",)))
    return items + _navigation(flows, session)


def _guesses(flows: Flows, session: Session) -> list[Choice]:
    """The "did you mean" buttons, then a human, then the way back."""
    understanding = flows.understanding
    items: list[Choice] = []
    for index, data in enumerate((session.question or {}).get("routes") or []):
        route = route_from(data)
        if route.node and route.node not in flows.nodes:
            continue  # the content changed since the guess was made
        title = understanding.title(route.node, session.lang) if route.node else route.target
        if title:  # a node with no name to show is not offered
            items.append((title, ("route", index)))
    return items + _ask_officer(flows, session) + _navigation(flows, session)


def _ask_officer(flows: Flows, session: Session) -> list[Choice]:
    """The "ask an officer" button, when the content has an officer to ask."""
    if not flows.system.ask_officer:
        return []
    return [(flows.label("ask_officer", session.lang), ("ask_officer",))]


def _navigation(flows: Flows, session: Session) -> list[Choice]:
    start = flows.system.start
    if session.node == start:
        return []
    items: list[Choice] = []
    if session.stack:
        items.append((flows.label("back", session.lang), ("back",)))
    if not session.stack or session.stack[-1] != start:
        items.append((flows.label("menu", session.lang), ("menu",)))
    return items
