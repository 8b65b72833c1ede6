"""The walker's core: one step's mutable state, its replies, and moving between nodes.

`Navigator` holds what a step works on (the flows, a copy of the session, the time and
the turn being built). It writes replies, moves to a node (keeping or finishing a form's
draft on the way), goes back, and renders the current node or the pending system
question. The layers above it (keywords, typed questions, answers) decide where to go.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.engine import choices as option_list
from bot.engine import drafts
from bot.engine.choices import Choice
from bot.engine.flows import Flows
from bot.engine.session import ActionCall, Session, Turn
from bot.engine.spec import ActionNode, AskNode, MessageName, Node, PageNode
from bot.messages import Option, Reply

MAX_STACK = 30
CARRIED = "carried"  # the answer listing keys carried over from a check (skipped questions)


def pack(texts: Sequence[str], screen: int) -> list[str]:
    """`texts` in as few messages as fit on a screen each, in order (a text longer than
    the screen stays whole: page nodes split theirs themselves)."""
    packed: list[str] = []
    for text in texts:
        if packed and len(packed[-1]) + 2 + len(text) <= screen:
            packed[-1] = f"{packed[-1]}\n\n{text}"
        else:
            packed.append(text)
    return packed


class Navigator:
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
        self._going_back = False
        self._leaving = False  # the user is leaving a form on purpose: keep, do not finish it
        # for routing typed text (routing.py)
        self._asked: dict[str, Any] | None = None  # the question routed in the previous turn
        self._fresh = False  # a question was routed in this turn
        self._update_id = ""
        self._sender = ("", "")  # the inbound message's channel and user
        self._forwarded = False  # the message was forwarded from another chat
        self._media_ref: str | None = None  # a photo sent unasked: its platform reference

    # ----- helpers ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        return self.session.lang

    @property
    def node(self) -> Node | None:
        return self.flows.nodes.get(self.session.node or "")

    def message(self, name: MessageName, **values: object) -> str:
        return self.flows.message(name, self.lang, **values)

    def say(self, name: MessageName) -> None:
        self.turn.prefix.append(self.message(name))

    def emit(self, reply: Reply) -> None:
        """Send `reply`, after what the turn said first: in the same message when both fit
        one screen, else as messages of their own (as many as the screen needs); the
        texts just before the reply stay with it, and its buttons, while they fit."""
        if self.turn.prefix:
            said, screen = list(self.turn.prefix), self.flows.system.screen_chars
            self.turn.prefix.clear()
            text = reply.text
            while said and len(said[-1]) + 2 + len(text) <= screen:
                text = f"{said.pop()}\n\n{text}"
            reply = Reply(text, reply.options, reply.media, reply.expects)
            self.turn.replies.extend(Reply(earlier) for earlier in pack(said, screen))
        self.turn.replies.append(reply)

    def short_reply(self, text: str) -> None:
        """A short explanation with the current choices, without repeating the whole node."""
        if isinstance(self.node, ActionNode) and not self.session.pending:
            self.turn.prefix.append(text)
            self.render()
            return
        self.emit(Reply(text, self.options(), expects=self._expects()))

    def choices(self) -> Sequence[Choice]:
        """The options the user can pick now, as (label, act), in display order."""
        cached = option_list.cached(self.flows, self.session)  # one call: on every step
        return cached[0] if cached else option_list.choices(self.flows, self.session)

    def options(self) -> tuple[Option, ...]:
        cached = option_list.cached(self.flows, self.session)
        return cached[1] if cached else option_list.options(self.flows, self.session)

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
            and not self._going_back
            and node.save in (session.answers.get(CARRIED) or ())
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
        self._going_back = True  # a carried-over answer the user goes back to is asked
        try:
            self.go(target, push=False)
        finally:
            self._going_back = False

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
            self.turn.action = ActionCall(
                session.node or "", node.action, dict(node.args), returning=self._going_back
            )
        elif isinstance(node, PageNode):
            self._render_page()
        elif node is not None:
            text = self.flows.text(node.text, self.lang)
            if session.node == self.flows.system.start:
                forms = self.flows.system.forms
                waiting = drafts.waiting(session, forms, self.now)
                said = [self.flows.text(forms[form].resume, self.lang) for form in waiting]
                text = "\n\n".join([*said, text])
            self.emit(Reply(text, self.options(), expects=self._expects()))

    def _render_page(self) -> None:
        """The current screen of a page (the last one names its sources)."""
        session = self.session
        screens = self.flows.screens[(session.node or "", self.lang)]
        session.screen = min(session.screen, len(screens) - 1)
        self.emit(Reply(screens[session.screen], self.options()))

    def _expects(self) -> str:
        node = self.node
        return node.input.type if isinstance(node, AskNode) and not self.session.pending else ""
