"""The dialog engine: a pure function from (flows, session, inbound, now) to a Turn.

No I/O, no clock, no randomness: everything it needs is passed in, so a step is
fast and every behaviour can be tested directly. When a node names an action,
the step stops with `Turn.action` set; the runtime runs the action and calls
`resume` with its result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.actions import ActionResult
from bot.engine.flows import Flows
from bot.engine.inputs import Accepted, validate
from bot.engine.session import ActionCall, Offered, Session, Turn
from bot.engine.spec import ActionNode, AskNode, EndNode, MenuNode, MessageName, PageNode
from bot.engine.text import clean_input, match_label, normalize
from bot.messages import Inbound, InboundKind, Option, Reply

DEFAULT_TIMEOUT = timedelta(minutes=30)
MAX_STACK = 30
MEMO_SIZE = 4096  # states whose options are kept (per content version)
INVALID_MESSAGE: dict[str, MessageName] = {
    "text": "invalid_text",
    "number": "invalid_number",
    "phone": "invalid_phone",
    "yesno": "invalid_yesno",
    "choice": "invalid_choice",
    "photo": "invalid_photo",
    "location": "invalid_location",
}

Act = tuple[Any, ...]
"""What pressing an option does: ("goto", node), ("next",), ("back",), ("menu",),
("answer", value), ("pick", value) (a choice an action offered), ("lang", code),
("delete_yes",), ("delete_no",) or ("dismiss",)."""


def step(
    flows: Flows,
    session: Session | None,
    inbound: Inbound,
    now: datetime,
    timeout: timedelta = DEFAULT_TIMEOUT,
) -> Turn:
    """Answer one inbound message. Never raises for user input; always replies."""
    walker = _Walker(flows, session.copy() if session else Session(lang=flows.default_language))
    walker.handle(inbound, is_new=session is None, now=now, timeout=timeout)
    return walker.finish(now)


def resume(flows: Flows, turn: Turn, result: ActionResult, now: datetime) -> Turn:
    """Continue a turn that stopped at an action, with the action's result."""
    assert turn.session is not None and turn.action is not None
    call = turn.action
    walker = _Walker(flows, turn.session, turn)
    walker.after_action(call, result)
    return walker.finish(now)


def state_key(flows: Flows, session: Session) -> str:
    """A short fingerprint of what the user currently sees; option ids carry it."""
    top = session.stack[-1] if session.stack else ""
    raw = f"{flows.version}|{session.node}|{session.screen}|{session.pending}|{top}"
    if session.offered:  # a press on choices an action offered earlier is stale
        raw += "|" + json.dumps(session.offered.to_dict(), sort_keys=True, default=str)
    return hashlib.blake2b(raw.encode(), digest_size=4).hexdigest()


class _Walker:
    """Mutable state of one step; discarded when the step returns."""

    def __init__(self, flows: Flows, session: Session, turn: Turn | None = None) -> None:
        self.flows = flows
        self.session = session
        self.turn = turn or Turn(session=session)
        self.turn.action = None
        self._skips = 0

    # ----- entry points -------------------------------------------------------------------

    def handle(self, inbound: Inbound, is_new: bool, now: datetime, timeout: timedelta) -> None:
        session = self.session
        keyword = None
        if inbound.kind == InboundKind.TEXT:
            keyword = self.flows.keywords.get(normalize(inbound.text))
        restart: MessageName | None = None
        if is_new:
            restart = "welcome"
        elif session.updated_at and now - session.updated_at > timeout:
            restart = "welcome_back"
        elif session.node is None:
            restart = "welcome"
        elif session.node not in self.flows.nodes:
            restart = "content_changed"
        reference = self.flows.reference(inbound.text) if inbound.kind == InboundKind.TEXT else None
        if restart:
            self._reset()
            if reference:
                self._open_reference(reference)
            elif keyword in ("emergency", "help", "language", "delete"):
                self._keyword(keyword)
            elif self._sounds_alarming(inbound):
                self._alert()
            else:
                self.say(restart)
                self.visit_and_render()
            return
        if keyword:
            self._keyword(keyword)
        elif reference:
            self._open_reference(reference)
        elif inbound.kind == InboundKind.OPEN:
            self.render()
        elif inbound.kind == InboundKind.UNSUPPORTED:
            self.short_reply(self.message("unsupported"))
        elif inbound.kind == InboundKind.CHOICE:
            self._choice(inbound.choice)
        elif session.pending or not isinstance(self.node, AskNode):
            self._typed_option(inbound)
        else:
            self._answer(inbound, self.node)

    def after_action(self, call: ActionCall, result: ActionResult) -> None:
        node = self.flows.nodes.get(call.node)
        if result.failed:
            self.turn.prefix.extend(result.texts)
            self.back()
            return
        self.session.answers.update(result.answers)
        texts = [self.flows.text(node.text, self.lang)] if isinstance(node, ActionNode) else []
        texts = [text for text in (*texts, *result.texts) if text]
        action_node = node if isinstance(node, ActionNode) else None
        # a node with options, or offered choices, waits for the user; otherwise it goes on
        waits = bool(result.choices) or bool(action_node and action_node.options)
        target = result.goto or (None if waits or not action_node else action_node.next)
        if target:
            self.turn.prefix.extend(texts)
            self.go(target, push=False)
        else:
            offered = Offered(result.save, tuple(result.choices)) if result.choices else None
            self.session.offered = offered
            self.emit(Reply("\n\n".join(texts) or self.message("not_understood"), self.options()))

    def finish(self, now: datetime) -> Turn:
        turn = self.turn
        if turn.erase:
            turn.session = None
            return turn
        self.session.updated_at = now
        turn.session = self.session
        if turn.action is None and turn.prefix:
            turn.replies.append(Reply("\n\n".join(turn.prefix)))
            turn.prefix.clear()
        return turn

    # ----- helpers ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.session.lang

    @property
    def node(self):
        return self.flows.nodes.get(self.session.node or "")

    def message(self, name: MessageName, **values: object) -> str:
        return self.flows.message(name, self.lang, **values)

    def say(self, name: MessageName) -> None:
        self.turn.prefix.append(self.message(name))

    def emit(self, reply: Reply) -> None:
        if self.turn.prefix:
            reply = Reply(
                "\n\n".join([*self.turn.prefix, reply.text]),
                reply.options,
                reply.media,
                reply.expects,
            )
            self.turn.prefix.clear()
        self.turn.replies.append(reply)

    def short_reply(self, text: str) -> None:
        """A short explanation with the current choices, without repeating the whole node."""
        if isinstance(self.node, ActionNode) and not self.session.pending:
            self.turn.prefix.append(text)
            self.render()
            return
        self.emit(Reply(text, self.options(), expects=self._expects()))

    def _reset(self) -> None:
        session = self.session
        session.node = self.flows.system.start
        session.stack.clear()
        session.answers.clear()
        session.screen = 0
        session.pending = ""
        session.offered = None

    # ----- navigation ---------------------------------------------------------------------

    def go(self, target: str, push: bool = True) -> None:
        session = self.session
        if target == self.flows.system.start:
            session.stack.clear()
            session.answers.clear()
        elif push and session.node and session.node != target:
            session.stack.append(session.node)
            del session.stack[:-MAX_STACK]
        session.node = target
        session.screen = 0
        session.pending = ""
        session.offered = None
        node = self.node
        if (
            isinstance(node, AskNode)
            and node.skip_if_answered
            and session.answers.get(node.save) not in (None, "", [])
            and self._skips < MAX_STACK
        ):
            self._skips += 1
            self.go(node.next, push=False)
            return
        self.visit_and_render()

    def back(self) -> None:
        session = self.session
        target = session.stack.pop() if session.stack else self.flows.system.start
        session.node = None  # so go() does not push the node we are leaving
        self.go(target, push=False)

    def visit_and_render(self) -> None:
        self.turn.visits.append(self.session.node or "")
        self.render()

    def render(self) -> None:
        session, node = self.session, self.node
        if session.pending == "language":
            self.emit(Reply(self.message("language_prompt"), self.options()))
        elif session.pending == "delete":
            self.emit(Reply(self.message("delete_confirm"), self.options()))
        elif session.pending == "alert":
            self.emit(Reply(self.message("alert"), self.options()))
        elif isinstance(node, ActionNode):
            self.turn.action = ActionCall(session.node or "", node.action, dict(node.args))
        elif isinstance(node, PageNode):
            screens = self.flows.screens[(session.node or "", self.lang)]
            session.screen = min(session.screen, len(screens) - 1)
            text = screens[session.screen]
            if session.screen == len(screens) - 1 and node.sources:
                reviewed = node.reviewed.strftime("%d-%m-%Y") if node.reviewed else "-"
                text += "\n\n" + self.message(
                    "sources", sources="; ".join(node.sources), reviewed=reviewed
                )
            self.emit(Reply(text, self.options()))
        elif node is not None:
            self.emit(
                Reply(
                    self.flows.text(node.text, self.lang), self.options(), expects=self._expects()
                )
            )

    def _expects(self) -> str:
        node = self.node
        return node.input.type if isinstance(node, AskNode) and not self.session.pending else ""

    # ----- options ------------------------------------------------------------------------

    def choices(self) -> Sequence[tuple[str, Act]]:
        """The options the user can pick now, as (label, act), in display order."""
        cached = self._cached()
        return cached[0] if cached else self._choices()

    def options(self) -> tuple[Option, ...]:
        cached = self._cached()
        return cached[1] if cached else self._options(self._choices())

    def _cached(self) -> tuple[tuple[tuple[str, Act], ...], tuple[Option, ...]] | None:
        """Choices and options of the current state, computed once per state and language
        (they depend on nothing else unless an action offered choices)."""
        session = self.session
        if session.offered is not None:
            return None
        top = session.stack[-1] if session.stack else ""
        key = (session.node, session.screen, session.pending, top, self.lang)
        memo = self.flows.memo
        found = memo.get(key)
        if found is None:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            choices = tuple(self._choices())
            found = memo[key] = (choices, self._options(choices))
        return found

    def _options(self, choices: Sequence[tuple[str, Act]]) -> tuple[Option, ...]:
        key = state_key(self.flows, self.session)
        return tuple(Option(f"{key}:{index}", label) for index, (label, _) in enumerate(choices))

    def _choices(self) -> list[tuple[str, Act]]:
        session, node, flows, lang = self.session, self.node, self.flows, self.lang
        if session.pending == "language":
            return [
                (flows.system.language_names[code], ("lang", code))
                for code in flows.system.languages
            ]
        if session.pending == "delete":
            return [
                (flows.label("delete_yes", lang), ("delete_yes",)),
                (flows.label("no", lang), ("delete_no",)),
            ]
        if session.pending == "alert":
            return [
                (flows.label("emergency", lang), ("goto", flows.system.emergency)),
                (flows.label("report", lang), ("goto", flows.system.report)),
                (flows.label("back", lang), ("dismiss",)),
            ]
        items: list[tuple[str, Act]] = []
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
                (flows.text(option.label, lang), ("goto", option.goto)) for option in node.options
            ]
        return items + self._navigation()

    def _navigation(self) -> list[tuple[str, Act]]:
        session, start = self.session, self.flows.system.start
        if session.node == start:
            return []
        items: list[tuple[str, Act]] = []
        if session.stack:
            items.append((self.flows.label("back", self.lang), ("back",)))
        if not session.stack or session.stack[-1] != start:
            items.append((self.flows.label("menu", self.lang), ("menu",)))
        return items

    # ----- input handling -----------------------------------------------------------------

    def _keyword(self, keyword: str) -> None:
        session, system = self.session, self.flows.system
        session.pending = ""
        if keyword == "menu":
            self.go(system.start)
        elif keyword == "back":
            self.back()
        elif keyword == "help":
            self.go(system.help)
        elif keyword == "emergency":
            self.go(system.emergency)
        elif keyword == "language":
            session.pending = "language"
            self.render()
        elif keyword == "delete":
            session.pending = "delete"
            self.render()
        elif keyword == "stop":
            self._reset()
            session.node = None
            self.emit(
                Reply(
                    self.message("stopped"),
                    (Option("stopped:0", self.flows.label("menu", self.lang)),),
                )
            )

    def _choice(self, token: str) -> None:
        key, _, index_text = token.partition(":")
        choices = self.choices()
        if (
            key != state_key(self.flows, self.session)
            or not index_text.isdigit()
            or int(index_text) >= len(choices)
        ):
            self.say("stale")
            self.render()
            return
        self._act(choices[int(index_text)][1])

    def _typed_option(self, inbound: Inbound) -> None:
        choices = self.choices()
        index = None
        if inbound.kind == InboundKind.TEXT:
            index = match_label(clean_input(inbound.text), [label for label, _ in choices])
        if index is not None:
            self._act(choices[index][1])
        elif self._sounds_alarming(inbound):
            self._alert()
        else:
            self.short_reply(self.message("not_understood"))

    def _open_reference(self, reference: str) -> None:
        """A report number typed anywhere shows that report's status."""
        self.session.answers["reference"] = reference
        self.go(self.flows.system.reference_node or self.flows.system.start)

    def _sounds_alarming(self, inbound: Inbound) -> bool:
        return inbound.kind == InboundKind.TEXT and self.flows.sounds_alarming(inbound.text)

    def _alert(self) -> None:
        """Free text that sounds like an emergency: offer emergency contacts and a report."""
        self.session.pending = "alert"
        self.render()

    def _answer(self, inbound: Inbound, node: AskNode) -> None:
        choices = self.choices()
        if inbound.kind == InboundKind.TEXT:
            text = clean_input(inbound.text)
            labels = [label for label, _ in choices]
            if node.input.type in ("yesno", "choice"):
                index = match_label(text, labels)
            else:  # a typed answer wins unless it is exactly a button label ("Lewati")
                wanted = normalize(text)
                exact = [
                    i for i, label in enumerate(labels) if wanted and normalize(label) == wanted
                ]
                index = exact[0] if exact else None
            if index is not None:
                self._act(choices[index][1])
                return
        verdict = validate(
            node.input, inbound, self.lang, self.flows.yes_words, self.flows.no_words
        )
        if isinstance(verdict, Accepted):
            self._act(("answer", verdict.value))
            return
        error = self.flows.text(node.error, self.lang) if node.error else ""
        self.short_reply(error or self.message(INVALID_MESSAGE[node.input.type]))

    def _act(self, act: Act) -> None:
        session, kind = self.session, act[0]
        if kind == "goto":
            self.go(act[1])
        elif kind == "next":
            session.screen += 1
            self.render()
        elif kind == "back":
            self.back()
        elif kind == "menu":
            self.go(self.flows.system.start)
        elif kind == "answer":
            node = self.node
            assert isinstance(node, AskNode)
            if node.input.multiple:
                earlier = session.answers.get(node.save)
                earlier = earlier if isinstance(earlier, list) else []
                session.answers[node.save] = [*earlier, act[1]] if act[1] is not None else earlier
            else:
                session.answers[node.save] = act[1]
            branch = next(
                (c.goto for c in node.input.choices if c.value == act[1] and c.goto), None
            )
            self.go(branch or node.next)
        elif kind == "pick":
            node, offered = self.node, session.offered
            assert isinstance(node, ActionNode) and offered is not None
            session.answers[offered.save] = act[1]
            self.go(node.next or session.node or self.flows.system.start)
        elif kind == "lang":
            session.lang = act[1]
            session.pending = ""
            self.say("language_set")
            self.render()
        elif kind == "delete_yes":
            self.turn.erase = True
            self.emit(Reply(self.message("deleted")))
        elif kind == "dismiss":
            session.pending = ""
            self.render()
        elif kind == "delete_no":
            session.pending = ""
            self.say("delete_cancelled")
            self.render()
