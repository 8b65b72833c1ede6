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

from bot.engine import drafts
from bot.engine.asking import everyday_pick, question_key, route_from, route_list, scrub
from bot.engine.flows import Flows
from bot.engine.inputs import Accepted, validate
from bot.engine.results import ActionResult
from bot.engine.session import ActionCall, Offered, QuestionLog, Session, Turn
from bot.engine.spec import ActionNode, AskNode, EndNode, MenuNode, MessageName, PageNode
from bot.engine.text import clean_input, match_label, normalize
from bot.messages import Inbound, InboundKind, Option, Reply
from bot.understanding import Alarm, Reading, Route

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
("delete_yes",), ("delete_no",), ("route", index) (a "did you mean" guess),
("ask_officer",), ("not_this",), ("stay",), ("leave", keyword) (a form) or ("resume", form)."""
FORM_LEAVING_KEYWORDS = ("menu", "stop")  # asked first in a form; other keywords keep a draft
MIN_TERMS_TO_LEAVE_FORM = 3  # a typed question leaves a choice question only if this long


def step(
    flows: Flows,
    session: Session | None,
    inbound: Inbound,
    now: datetime,
    timeout: timedelta = DEFAULT_TIMEOUT,
) -> Turn:
    """Answer one inbound message. Never raises for user input; always replies."""
    walker = _Walker(
        flows, session.copy() if session else Session(lang=flows.default_language), now
    )
    walker.handle(inbound, is_new=session is None, timeout=timeout)
    return walker.finish(now)


def resume(flows: Flows, turn: Turn, result: ActionResult, now: datetime) -> Turn:
    """Continue a turn that stopped at an action, with the action's result."""
    assert turn.session is not None and turn.action is not None
    call = turn.action
    walker = _Walker(flows, turn.session, now, turn)
    walker.after_action(call, result)
    return walker.finish(now)


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


class _Walker:
    """Mutable state of one step; discarded when the step returns."""

    def __init__(
        self, flows: Flows, session: Session, now: datetime, turn: Turn | None = None
    ) -> None:
        self.flows = flows
        self.session = session
        self.now = now
        self.turn = turn or Turn(session=session)
        self.turn.action = None
        self._skips = 0
        self._leaving = False  # the user is leaving a form on purpose: keep, do not finish it
        self._asked: dict[str, Any] | None = None  # the question routed in the previous turn
        self._fresh = False  # a question was routed in this turn
        self._update_id = ""

    # ----- entry points -------------------------------------------------------------------

    def handle(self, inbound: Inbound, is_new: bool, timeout: timedelta) -> None:
        session, now = self.session, self.now
        self._update_id = inbound.update_id
        self._asked = session.question
        if session.pending == "alert":  # a state of older versions; the alarm is a node now
            session.pending = ""
        drafts.waiting(session, self.flows.system.forms, now)  # forget an expired draft
        text = inbound.text if inbound.kind == InboundKind.TEXT else ""
        keyword = self.flows.keywords.get(normalize(text)) if text else None
        restart: MessageName | None = None
        if is_new:
            restart = "welcome"
        elif session.updated_at and now - session.updated_at > timeout:
            restart = "welcome_back"
        elif session.node is None:
            restart = "welcome"
        elif session.node not in self.flows.nodes:
            restart = "content_changed"
        if restart:
            if restart == "welcome_back":
                drafts.keep(session, self.node, self.flows.nodes, now)
            self._reset()
            reference = self.flows.reference(text) if text else None
            if reference:
                self._open_reference(reference)
            elif keyword in ("emergency", "help", "language", "delete"):
                self._keyword(keyword)
            elif alarm := self._alarm(text):
                self._alert(alarm)
            elif text and not keyword and (reading := self._worth_answering_at_once(text)):
                self.say(restart)
                self._understand(clean_input(text), reading)
            else:
                self.say(restart)
                self.visit_and_render()
            self._log_left_question()
            return
        reference = self.flows.reference(text) if text and not keyword else None
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
        self._log_left_question()

    def after_action(self, call: ActionCall, result: ActionResult) -> None:
        node = self.flows.nodes.get(call.node)
        if result.failed:
            self.turn.prefix.extend(result.texts)
            self.back()
            return
        self.session.answers.update(result.answers)
        self.turn.effects.extend(result.effects)
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
        leaving = drafts.form_of(self.node)
        if leaving and leaving != drafts.form_of(self.flows.nodes.get(target)):
            if self._leaving:
                drafts.keep(session, self.node, self.flows.nodes, self.now)
            else:
                drafts.finish(session, leaving)  # sent, or left by its own buttons
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
        elif session.pending.startswith("leave:"):
            form = self.flows.system.forms.get(drafts.form_of(node) or "")
            self.emit(
                Reply(self.flows.text(form.leave if form else None, self.lang), self.options())
            )
        elif session.pending == "suggest":
            self.emit(Reply(self.message("did_you_mean"), self.options()))
        elif session.pending == "fallback":
            self.emit(Reply(self.message("no_answer"), self.options()))
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
            text = self.flows.text(node.text, self.lang)
            if session.node == self.flows.system.start:
                forms = self.flows.system.forms
                waiting = drafts.waiting(session, forms, self.now)
                said = [self.flows.text(forms[form].resume, self.lang) for form in waiting]
                text = "\n\n".join([*said, text])
            self.emit(Reply(text, self.options(), expects=self._expects()))

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
        if session.offered is not None or session.question is not None:
            return None
        top = session.stack[-1] if session.stack else ""
        waiting = tuple(sorted(session.drafts))
        key = (session.node, session.screen, session.pending, top, self.lang, waiting)
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
        session, flows, lang = self.session, self.flows, self.lang
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
        if session.pending.startswith("leave:"):
            return [
                (flows.label("form_stay", lang), ("stay",)),
                (flows.label("form_leave", lang), ("leave", session.pending.partition(":")[2])),
            ]
        if session.pending == "suggest":
            return self._guesses()
        if session.pending == "fallback":  # what the user had, and a human
            return self._node_choices() + self._ask_officer()
        return self._node_choices()

    def _node_choices(self) -> list[tuple[str, Act]]:
        session, node, flows, lang = self.session, self.node, self.flows, self.lang
        items: list[tuple[str, Act]] = []
        if session.node == flows.system.start:
            for form in sorted(session.drafts):
                spec = flows.system.forms.get(form)
                if spec:
                    items.append((flows.text(spec.resume_label, lang), ("resume", form)))
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
        question = session.question
        if question and question.get("mode") == "answered" and question.get("node") == session.node:
            items.append((flows.label("not_this", lang), ("not_this",)))
        return items + self._navigation()

    def _guesses(self) -> list[tuple[str, Act]]:
        """The "did you mean" buttons, then a human, then the way back."""
        lang, understanding = self.lang, self.flows.understanding
        items: list[tuple[str, Act]] = []
        for index, data in enumerate((self.session.question or {}).get("routes") or []):
            route = route_from(data)
            if route.node and route.node not in self.flows.nodes:
                continue  # the content changed since the guess was made
            title = understanding.title(route.node, lang) if route.node else route.target
            items.append((title, ("route", index)))
        return items + self._ask_officer() + self._navigation()

    def _ask_officer(self) -> list[tuple[str, Act]]:
        if not self.flows.system.ask_officer:
            return []
        return [(self.flows.label("ask_officer", self.lang), ("ask_officer",))]

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

    def _keyword(self, keyword: str, confirmed: bool = False) -> None:
        session, system = self.session, self.flows.system
        started = drafts.started(session, self.node, self.flows.nodes)
        confirmed = confirmed or session.pending.startswith("leave:")  # "menu" twice: leave
        session.pending = ""
        if keyword in FORM_LEAVING_KEYWORDS and not confirmed and started:
            session.pending = f"leave:{keyword}"  # ask first: a half-filled report is not lost
            self.render()
            return
        if keyword in ("menu", "stop", "help", "emergency"):
            self._leaving = True
        if keyword == "stop":
            drafts.keep(session, self.node, self.flows.nodes, self.now)
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
        choices, understanding = self.choices(), self.flows.understanding
        text = clean_input(inbound.text) if inbound.kind == InboundKind.TEXT else ""
        index = match_label(text, [label for label, _ in choices]) if text else None
        if index is not None:
            self._act(choices[index][1])
        elif alarm := self._alarm(text):
            self._alert(alarm)
        elif (
            text
            and (kinds := understanding.answer_kinds(text))
            and (act := everyday_pick(understanding, kinds, choices, self._confirming()))
        ):
            self._act(act)
        elif text and kinds:  # "ya" where no yes is asked
            self.short_reply(self.message("not_understood"))
        elif text and understanding.everyday.is_thanks(text):
            self.short_reply(self.message("thanks"))
        elif normalize(text).replace(" ", "").isalnum() and not normalize(text).isdigit():
            self._understand(text)
        elif inbound.kind == InboundKind.MEDIA:  # a photo nobody asked for: it was not kept
            self.short_reply(self.message("media_not_asked"))
        else:
            self.short_reply(self.message("not_understood"))

    def _open_reference(self, reference: str) -> None:
        """A report number typed anywhere shows that report's status."""
        self._leaving = True
        self.session.answers["reference"] = reference
        self.go(self.flows.system.reference_node or self.flows.system.start)

    def _confirming(self) -> bool:
        """A menu with a single way forward: "ya" means that way."""
        node = self.node
        return not self.session.pending and isinstance(node, MenuNode) and len(node.options) == 1

    def _worth_answering_at_once(self, text: str) -> Reading | None:
        """A first message that is a real question (not "hello there") is answered at once:
        its reading, else None."""
        understanding = self.flows.understanding
        reading = understanding.read(text)
        real = reading.confident or (
            bool(reading.suggestions) and len(understanding.normaliser.terms(text)) >= 2
        )
        return reading if real else None

    def _alarm(self, text: str) -> Alarm | None:
        return self.flows.understanding.alarm(text) if text else None

    def _alert(self, alarm: Alarm) -> None:
        """A cry for help: the emergency numbers at once (abroad ones first when abroad)."""
        system = self.flows.system
        abroad = alarm.abroad or self.lang != self.flows.default_language
        target = (system.alert_abroad if abroad else None) or system.alert or system.emergency
        self._leaving = True
        self.session.pending = ""
        self.go(target)

    def _understand(self, text: str, reading: Reading | None = None) -> None:
        """Route typed text by meaning: answer, "did you mean", or topics and an officer."""
        reading = reading or self.flows.understanding.read(text)
        if reading.confident and reading.routes:
            best = reading.routes[0]
            if best.node:  # its page offers "Not this?" with the other guesses
                self._remember(text, "answered", reading.routes[1:4], node=best.node)
            self._follow(best)
        elif reading.suggestions:
            self._offer("suggest", text, reading)
        else:
            self._offer("fallback", text, reading)

    def _offer(
        self, mode: str, text: str, reading: Reading, intro: MessageName | None = None
    ) -> None:
        """Show guesses (or the topics), remember them, and log the question for authors."""
        self.session.pending = mode
        routes = reading.suggestions if mode == "suggest" else ()
        key = self._remember(text, mode, routes)
        if self.flows.understanding.normaliser.terms(text):  # greetings and "hmm" are not logged
            self.turn.questions.append(
                QuestionLog(
                    key,
                    scrub(text),
                    self.lang,
                    tuple(route.target for route in routes),
                    None,
                    self.now,
                )
            )
        if intro:
            self.emit(Reply(self.message(intro), self.options()))
        else:
            self.render()

    def _remember(
        self, text: str, mode: str, routes: tuple[Route, ...], node: str | None = None
    ) -> str:
        key = question_key(text, self.now, self._update_id)
        self.session.question = {
            "key": key,
            "text": text[:1000],
            "mode": mode,
            "node": node,
            "routes": route_list(routes),
        }
        self._chose("other")  # a new question replaces the one before
        self._fresh = True
        return key

    def _follow(self, route: Route) -> None:
        session = self.session
        if route.target == "language":
            session.pending = "language"
            self.render()
            return
        self._leaving = True
        for key, value in route.answers:
            session.answers[key] = value
        self.go(route.node)

    def _log_left_question(self) -> None:
        """End of the turn: a logged question the user moved away from gets "other" as
        the choice, and a remembered question is forgotten once the user moves on. While
        its guesses (or the topics) are still on screen, nothing is chosen yet."""
        question, session = self.session.question, self.session
        if question and session.pending == question.get("mode"):
            return  # "ya", a sticker or a stale press: the guesses stay and still work
        self._chose("other")
        if (
            question
            and not self._fresh
            and not (question.get("mode") == "answered" and question.get("node") == session.node)
        ):
            session.question = None

    def _chose(self, chosen: str) -> None:
        asked, self._asked = self._asked, None
        if asked and asked.get("mode") in ("suggest", "fallback"):
            self.turn.questions.append(
                QuestionLog(str(asked["key"]), "", self.lang, (), chosen, self.now)
            )

    def _answer(self, inbound: Inbound, node: AskNode) -> None:
        choices = self.choices()
        text = clean_input(inbound.text) if inbound.kind == InboundKind.TEXT else ""
        if text:
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
            if node.input.type in ("yesno", "choice"):
                understanding = self.flows.understanding
                act = everyday_pick(understanding, understanding.answer_kinds(text), choices)
                if act:
                    self._act(act)
                    return
        verdict = validate(node.input, inbound, self.lang, self.flows.understanding.answer_kinds)
        if isinstance(verdict, Accepted):
            self._act(("answer", verdict.value))
            return
        if text and node.input.type != "text" and (alarm := self._alarm(text)):
            self._alert(alarm)  # not an answer, but a cry for help: the numbers first
            return
        if text and node.input.type in ("choice", "yesno") and self._clear_question(text):
            return
        error = self.flows.text(node.error, self.lang) if node.error else ""
        self.short_reply(error or self.message(INVALID_MESSAGE[node.input.type]))

    def _clear_question(self, text: str) -> bool:
        """A whole question typed where a choice was asked: answer it if it is clear."""
        understanding = self.flows.understanding
        if len(understanding.normaliser.terms(text)) < MIN_TERMS_TO_LEAVE_FORM:
            return False
        reading = understanding.read(text)
        if not (reading.confident and reading.routes and reading.routes[0].node):
            return False
        self._remember(text, "answered", reading.routes[1:4], node=reading.routes[0].node)
        self._follow(reading.routes[0])
        return True

    def _act_on_question(self, act: Act) -> None:
        session, question = self.session, self.session.question or {}
        routes = [route_from(data) for data in question.get("routes") or []]
        if act[0] == "route" and act[1] < len(routes):
            if routes[act[1]].node and routes[act[1]].node not in self.flows.nodes:
                self.say("content_changed")
                self.go(self.flows.system.start)
                return
            self._chose(routes[act[1]].target)
            session.pending = ""
            self._follow(routes[act[1]])
        elif act[0] == "ask_officer" and self.flows.system.ask_officer:
            self._chose("ask_officer")
            session.pending = ""
            self._leaving = True
            session.answers["question"] = str(question.get("text") or "")
            self.go(self.flows.system.ask_officer)
        elif act[0] == "not_this":
            text = str(question.get("text") or "")
            mode = "suggest" if routes else "fallback"
            self._offer(mode, text, Reading(tuple(routes), False), intro="other_answers")
        else:
            self.render()

    def _act_on_form(self, act: Act) -> None:
        session = self.session
        if act[0] == "stay":
            session.pending = ""
            self.render()
        elif act[0] == "leave":
            self._keyword(act[1], confirmed=True)
        elif drafts.resume(session, act[1], self.flows.nodes):
            self.visit_and_render()
        else:
            self.render()

    def _act(self, act: Act) -> None:
        session, kind = self.session, act[0]
        if kind == "goto":
            if session.pending == "fallback":
                self._chose(f"topic:{act[1]}")
            self.go(act[1])
        elif kind in ("route", "ask_officer", "not_this"):
            self._act_on_question(act)
        elif kind in ("stay", "leave", "resume"):
            self._act_on_form(act)
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
        elif kind == "delete_no":
            session.pending = ""
            self.say("delete_cancelled")
            self.render()
