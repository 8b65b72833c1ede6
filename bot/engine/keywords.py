"""System keywords ("menu", "kembali", "bahasa", "hapus", ...) and leaving a form.

A keyword works anywhere. In a form that was started, "menu", "stop" and "end" ask first
whether to leave (the draft is kept either way); the answer to that question is
handled here too, as is a report number typed anywhere. "stop" ("berhenti") also ends
every alert and reminder, once the conversation really ends (a stop in a form that the
person then decides to continue stops nothing); "end" ("selesai", "keluar": everyday
goodbyes) only ends the conversation.
"""

from __future__ import annotations

from bot.effects import StopNotices
from bot.engine import drafts
from bot.engine.choices import Act
from bot.engine.navigation import Navigator
from bot.messages import Option, Reply

FORM_LEAVING_KEYWORDS = ("menu", "stop", "end")  # asked first in a form; others keep a draft
ENDING_KEYWORDS = ("stop", "end")  # end the conversation


class Keywords(Navigator):
    """The walker's keywords layer."""

    def _keyword(self, keyword: str, confirmed: bool = False) -> None:
        session = self.session
        started = drafts.started(session, self.node, self.flows.nodes)
        confirmed = confirmed or session.pending.startswith("leave:")  # "menu" twice: leave
        session.pending = ""
        if keyword in FORM_LEAVING_KEYWORDS and not confirmed and started:
            session.pending = f"leave:{keyword}"  # ask first: a half-filled report is not lost
            self.render()
            return
        if keyword in ("menu", "help", "emergency", *ENDING_KEYWORDS):
            self._leaving = True
        if keyword in ENDING_KEYWORDS:
            drafts.keep(session, self.node, self.flows.nodes, self.now)
        self._obey(keyword)

    def _obey(self, keyword: str) -> None:
        session, system = self.session, self.flows.system
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
        elif keyword in ENDING_KEYWORDS:
            if keyword == "stop":  # the line saying so is the runtime's: it knows what was on
                self.turn.effects.append(StopNotices(*self._sender, tell=True))
            self._reset()
            session.node = None
            self.emit(
                Reply(
                    self.message("stopped"),
                    (Option("stopped:0", self.flows.label("menu", self.lang)),),
                )
            )

    def _act_on_form(self, act: Act) -> None:
        """Stay in the form, leave it after all, or continue a kept draft."""
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

    def _open_reference(self, reference: str) -> None:
        """A report number typed anywhere shows that report's status."""
        self._leaving = True
        self.session.answers["reference"] = reference
        self.go(self.flows.system.reference_node or self.flows.system.start)
