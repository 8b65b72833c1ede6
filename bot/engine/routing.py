"""Typed text routed by meaning: a cry for help, a clear question, "did you mean", topics.

The understanding (`bot.understanding`) reads the text; this layer acts on the reading.
A confident reading goes straight to its answer (which then offers "Not this?"), a
likely one offers guesses, anything else the topics and an officer. The question is
remembered in the session while its guesses are on screen, and logged (without phone
numbers or addresses) for content authors with what the user chose next.
"""

from __future__ import annotations

from bot.engine.asking import question_key, route_from, route_list, scrub
from bot.engine.choices import Act
from bot.engine.navigation import Navigator
from bot.engine.session import QuestionLog
from bot.engine.spec import MessageName
from bot.messages import Reply
from bot.understanding import Alarm, Reading, Route

MIN_TERMS_TO_LEAVE_FORM = 3  # a typed question leaves a choice question only if this long


PHOTO_REF = "photo_ref"  # the answer holding the platform reference of a photo sent unasked


class Routing(Navigator):
    """The walker's layer for typed questions."""

    # its state (`_asked`, `_fresh`, `_update_id`, `_forwarded`) is set up by the Navigator's
    # one __init__: a step builds a walker for every message, and a chain of __init__s costs

    def _worth_answering_at_once(self, text: str) -> Reading | None:
        """A first message that is a real question (not "hello there") is answered at once:
        its reading, else None."""
        understanding = self.flows.understanding
        reading = understanding.read(text)
        real = reading.confident or (
            bool(reading.suggestions) and len(understanding.normaliser.terms(text)) >= 2
        )
        return reading if real else None

    def _advert(self, text: str) -> bool:
        """A job advert pasted or forwarded into the chat: its check at once (before the
        alarm: an advert's "paspor" or "visa" is not a cry for help). True if it was one."""
        route = self.flows.understanding.advert(text, self._forwarded) if text else None
        if route is None:
            return False
        self.session.pending = ""
        self._follow(route)
        return True

    def _photo_not_asked(self, media_ref: str) -> None:
        """A photo nobody asked for (a screenshot of an advert, often): offer to report or
        check it. It was not downloaded; its platform reference waits in the answers and the
        photo is fetched only once the user has agreed to report."""
        target = self.flows.system.photo_offer
        if not target:
            self.short_reply(self.message("media_not_asked"))
            return
        self._leaving = True
        self.session.pending = ""
        if media_ref:
            self.session.answers[PHOTO_REF] = media_ref
        self.go(target)

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

    def _act_on_question(self, act: Act) -> None:
        """A guess picked, an officer asked, or "Not this?" pressed."""
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
