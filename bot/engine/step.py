"""The dialog engine: a pure function from (flows, session, inbound, now) to a Turn.

No I/O, no clock, no randomness: everything it needs is passed in, so a step is
fast and every behaviour can be tested directly. When a node names an action,
the step stops with `Turn.action` set; the runtime runs the action and calls
`resume` with its result.

This module holds the entry points and the top of the walker: what an inbound message
is (a restart, a keyword, a report number, a press, typed text or an answer) and what an
action's result does. The layers below it are, bottom up: `navigation` (state, replies,
moving between nodes), `keywords` (system keywords, leaving a form), `routing` (typed
questions by meaning) and `answering` (presses, typed options, answers); the options
themselves come from `choices`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.effects import CountCheck
from bot.engine import drafts
from bot.engine.answering import Answering
from bot.engine.choices import state_key
from bot.engine.flows import Flows
from bot.engine.navigation import MAX_STACK, pack
from bot.engine.results import ActionResult
from bot.engine.session import ActionCall, Offered, Session, Turn
from bot.engine.spec import ActionNode, AskNode, KeywordName, MessageName
from bot.engine.text import clean_input, normalize
from bot.messages import Inbound, InboundKind, Reply

__all__ = ["DEFAULT_TIMEOUT", "MAX_STACK", "resume", "state_key", "step"]

DEFAULT_TIMEOUT = timedelta(minutes=30)
RESTART_KEYWORDS = ("emergency", "help", "language", "delete", "stop", "end")  # even on a restart


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


class _Walker(Answering):
    """Mutable state of one step; discarded when the step returns."""

    def handle(self, inbound: Inbound, is_new: bool, timeout: timedelta) -> None:
        session, now = self.session, self.now
        self._update_id = inbound.update_id
        self._sender = (inbound.channel, inbound.user)
        self._forwarded = inbound.forwarded
        self._media_ref = inbound.media_ref if inbound.kind == InboundKind.MEDIA else None
        self._asked = session.question
        if session.pending == "alert":  # a state of older versions; the alarm is a node now
            session.pending = ""
        if session.drafts:
            drafts.waiting(session, self.flows.system.forms, now)  # forget an expired draft
        text = inbound.text if inbound.kind == InboundKind.TEXT else ""
        keyword = self.flows.keywords.get(normalize(text)) if text else None
        restart: MessageName | None = None  # why the dialog starts again at the main menu
        if is_new:
            restart = "welcome"
        elif session.updated_at and now - session.updated_at > timeout:
            restart = "welcome_back"
        elif session.node is None:
            restart = "welcome"
        elif session.node not in self.flows.nodes:
            restart = "content_changed"
        if restart:
            self._start_again(restart, text, keyword)
        # a message within a running dialog (inline: it is the path of almost every step)
        elif keyword:
            self._keyword(keyword)
        elif text and (reference := self.flows.reference(text)):
            self._open_reference(reference)
        elif inbound.kind == InboundKind.OPEN:
            self.render()
        elif inbound.kind == InboundKind.UNSUPPORTED:
            self.short_reply(self.message("unsupported"))
        elif inbound.kind == InboundKind.CHOICE:
            self._choice(inbound.choice)
        elif self.session.pending or not isinstance(self.node, AskNode):
            self._typed_option(inbound)
        else:
            self._answer(inbound, self.node)
        self._log_left_question()

    def _start_again(self, restart: MessageName, text: str, keyword: KeywordName | None) -> None:
        """A new, returning or stopped user, or content that changed: the main menu, unless
        the first message asks for something the bot can do at once."""
        if restart == "welcome_back":
            drafts.keep(self.session, self.node, self.flows.nodes, self.now)
        self._reset()
        reference = self.flows.reference(text) if text else None
        if reference:
            self._open_reference(reference)
        elif keyword in RESTART_KEYWORDS:
            self._keyword(keyword)
        elif not keyword and self._advert(text):
            pass  # a job advert: checked at once
        elif self._media_ref is not None and self.flows.system.photo_offer:
            self._photo_not_asked(self._media_ref)  # a screenshot, often: report or check it
        elif alarm := self._alarm(text):
            self._alert(alarm)
        elif text and not keyword and (reading := self._worth_answering_at_once(text)):
            self.say(restart)
            self._understand(clean_input(text), reading)
        else:
            self.say(restart)
            self.visit_and_render()

    def after_action(self, call: ActionCall, result: ActionResult) -> None:
        node = self.flows.nodes.get(call.node)
        if call.returning and any(not isinstance(e, CountCheck) for e in result.effects):
            # an action that writes (a save, a deletion; a check counted for the statistics
            # is no record of the person) is never done again by the way back, nor with
            # answers left from a change the person gave up: what came before it is
            # finished, so the way back ends at the main menu
            self.go(self.flows.system.start)
            return
        if result.failed:
            self.turn.prefix.extend(result.texts)
            self.back()
            return
        self.session.answers.update(result.answers)
        for key in result.forget:
            self.session.answers.pop(key, None)
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
            offered = (
                Offered(result.save, tuple(result.choices), result.typed)
                if result.choices
                else None
            )
            self.session.offered = offered
            # texts too long for one screen together go as messages of their own
            self.turn.prefix.extend(texts[:-1])
            last = texts[-1] if texts else self.message("not_understood")
            self.emit(Reply(last, self.options()))

    def finish(self, now: datetime) -> Turn:
        turn = self.turn
        if turn.erase:
            turn.session = None
            return turn
        self.session.updated_at = now
        turn.session = self.session
        if turn.action is None and turn.prefix:
            screen = self.flows.system.screen_chars
            turn.replies.extend(Reply(text) for text in pack(turn.prefix, screen))
            turn.prefix.clear()
        return turn
