"""The user's input turned into acts, and the acts done: presses, typed options, answers.

A pressed button is checked against the state it was shown in; typed text matches an
option by number, label or a close misspelling, an everyday answer ("iya", "gak"), a
cry for help, or is read as a question. An answer to an `ask` node is validated and
saved (added to a list for `multiple`), and the dialog goes on to its `next` (or to
the chosen answer's `goto`).
"""

from __future__ import annotations

from bot.engine.asking import everyday_pick
from bot.engine.choices import Act, state_key
from bot.engine.inputs import Accepted, validate
from bot.engine.keywords import Keywords
from bot.engine.routing import Routing
from bot.engine.spec import ActionNode, AskNode, MenuNode, MessageName
from bot.engine.text import clean_input, match_label, normalize
from bot.messages import Inbound, InboundKind, Reply

INVALID_MESSAGE: dict[str, MessageName] = {
    "text": "invalid_text",
    "number": "invalid_number",
    "phone": "invalid_phone",
    "yesno": "invalid_yesno",
    "choice": "invalid_choice",
    "photo": "invalid_photo",
    "location": "invalid_location",
}


class Answering(Keywords, Routing):
    """The walker's layer for presses, typed options and answers."""

    # ----- input --------------------------------------------------------------------------

    def _choice(self, token: str) -> None:
        """A pressed button: `token` is "state key:index"; an old menu's press is stale."""
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
        """Text (or media) where options are shown: an option, an everyday answer, a cry
        for help, thanks, or a question to route by meaning."""
        choices, understanding = self.choices(), self.flows.understanding
        text = clean_input(inbound.text) if inbound.kind == InboundKind.TEXT else ""
        index = match_label(text, [label for label, _ in choices]) if text else None
        if index is not None:
            self._act(choices[index][1])
        elif self._advert(text):
            pass  # a job advert: checked at once
        elif alarm := self._alarm(text):
            self._alert(alarm)
        elif text and self.session.offered and self.session.offered.typed:
            # typed where an action offered choices it can read text for: it reads it again
            self.session.answers[self.session.offered.typed] = text
            self.go(self.session.node or self.flows.system.start, push=False)
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
        elif text and understanding.everyday.is_opener(text):
            self.short_reply(self.message("opener"))
        elif normalize(text).replace(" ", "").isalnum() and not normalize(text).isdigit():
            self._understand(text)
        elif inbound.kind == InboundKind.MEDIA:  # a photo nobody asked for: it was not kept
            self._photo_not_asked(inbound.media_ref)
        else:
            self.short_reply(self.message("not_understood"))

    def _confirming(self) -> bool:
        """A menu, or an action's screen with its options (and no choices it offered): when
        its options have a single way forward, "ya" means that way."""
        node, session = self.node, self.session
        return (
            not session.pending
            and not session.offered
            and isinstance(node, MenuNode | ActionNode)
            and bool(node.options)
        )

    def _answer(self, inbound: Inbound, node: AskNode) -> None:
        """A message where an `ask` node waits: a button label, else the validated answer."""
        text = clean_input(inbound.text) if inbound.kind == InboundKind.TEXT else ""
        if text:  # a button label typed (inline: the path of most steps in a form)
            choices = self.choices()
            labels = [label for label, _ in choices]
            if node.input.type in ("yesno", "choice"):
                said = {choice.value: choice.words for choice in node.input.choices}
                words = [said.get(act[1], []) if act[0] == "answer" else [] for _, act in choices]
                index = match_label(text, labels, words)
            else:  # a typed answer wins unless it is exactly a button label ("Lewati")
                wanted = normalize(text)
                exact = [i for i, label in enumerate(labels) if normalize(label) == wanted]
                index = exact[0] if exact and wanted else None
            if index is not None:
                if not self._carry_typed(node, choices[index][1], text):
                    self._act(choices[index][1])
                return
            if node.input.type in ("yesno", "choice"):
                understanding = self.flows.understanding
                act = everyday_pick(understanding, understanding.answer_kinds(text), choices)
                if act:
                    self._act(act)
                    return
        if text and node.input.type != "text" and (alarm := self._alarm(text)):
            # a cry for help, not a button or an everyday answer: the numbers first, even where
            # a word of an answer is in it ("saya disekap, tidak boleh keluar")
            self._alert(alarm)
            return
        verdict = validate(node.input, inbound, self.lang, self.flows.understanding.answer_kinds)
        if isinstance(verdict, Accepted):
            if not self._carry_typed(node, ("answer", verdict.value), text):
                self._act(("answer", verdict.value))
            return
        if text and node.input.type != "text" and self._advert(text):
            return  # a job advert where a choice was asked: checked at once
        if text and node.input.type in ("choice", "yesno") and self._clear_question(text):
            return
        error = self.flows.text(node.error, self.lang) if node.error else ""
        self.short_reply(error or self.message(INVALID_MESSAGE[node.input.type]))

    def _carry_typed(self, node: AskNode, act: Act, text: str) -> bool:
        """A choice typed as one of its words, not its label or number ("dubai" for "Negara
        lain"), whose content keeps typed words (`typed`): the answer and that word ("ikut
        om ke dubai" keeps "dubai") are saved and the dialog goes to the choice's
        `typed.goto`. False when that is not so ("negara lain dong" asks, as the button)."""
        if act[0] != "answer" or node.input.multiple:
            return False
        choice = next((c for c in node.input.choices if c.value == act[1]), None)
        if choice is None or choice.typed is None:
            return False
        padded = f" {normalize(text)} "  # one of its words in the message, not its label
        found = sorted(  # the first one said (the longest where two start alike) is kept
            (padded.find(f" {word} "), -len(word), word)
            for word in map(normalize, choice.words)
            if f" {word} " in padded
        )
        if not found:
            return False
        self.session.answers[node.save] = act[1]
        self.session.answers[choice.typed.save] = found[0][2]
        self.go(choice.typed.goto)
        return True

    # ----- acts ---------------------------------------------------------------------------

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
        elif kind == "answer":  # saved, and on (inline: the path of most steps in a form)
            node, value = self.node, act[1]
            assert isinstance(node, AskNode)
            if node.input.multiple:
                earlier = session.answers.get(node.save)
                earlier = earlier if isinstance(earlier, list) else []
                session.answers[node.save] = [*earlier, value] if value is not None else earlier
            else:
                session.answers[node.save] = value
            branch = next((c.goto for c in node.input.choices if c.value == value and c.goto), None)
            self.go(branch or node.next)
        elif kind == "pick":
            node, offered = self.node, session.offered
            assert isinstance(node, ActionNode) and offered is not None
            session.answers[offered.save] = act[1]
            self.go(node.next or session.node or self.flows.system.start)
        else:
            self._act_on_system_question(act)

    def _act_on_system_question(self, act: Act) -> None:
        """The answer to "which language?" or "delete my data?"."""
        session, kind = self.session, act[0]
        if kind == "lang":
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
