"""A user's place in the dialog, and what one engine step produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.effects import Effect
from bot.messages import Reply


@dataclass(frozen=True, slots=True)
class Offered:
    """Choices an action offered: (label, value) pairs; a pick is saved as answers[save].
    With `typed`, text typed instead of a pick is saved as answers[typed] and the action
    runs again (a place name typed at a list of places)."""

    save: str
    items: tuple[tuple[str, Any], ...]
    typed: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, for the store and the state key."""
        found = {"save": self.save, "items": [[label, value] for label, value in self.items]}
        return found | ({"typed": self.typed} if self.typed else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Offered:
        """The inverse of `to_dict`."""
        items = tuple((label, value) for label, value in data["items"])
        return cls(data["save"], items, str(data.get("typed") or ""))


@dataclass(slots=True)
class Session:
    """Where one user is: language, node, screen of a page, back stack, answers so far."""

    lang: str
    node: str | None = None  # None: not started, or stopped
    screen: int = 0
    stack: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    pending: str = ""  # a system question awaiting an answer: "language" or "delete"
    updated_at: datetime | None = None
    offered: Offered | None = None  # choices an action node is showing, until one is picked
    # the last typed question the bot routed: {"key", "text", "mode", "node", "routes"}
    question: dict[str, Any] | None = None
    # forms left unfinished: form name -> {"node", "stack", "answers", "saved"} (ISO time)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> Session:
        """An independent copy, so a step never mutates its input."""
        return Session(
            self.lang,
            self.node,
            self.screen,
            list(self.stack),
            dict(self.answers),
            self.pending,
            self.updated_at,
            self.offered,
            self.question,
            dict(self.drafts),
        )

    def memory(self) -> dict[str, Any]:
        """What the session remembers beyond its place: the routed question and drafts."""
        return {
            key: value
            for key, value in (("question", self.question), ("drafts", self.drafts))
            if value
        }


@dataclass(frozen=True, slots=True)
class ActionCall:
    """A request from the engine to the runtime: run this action, then resume.

    `returning`: the node was reached by the way back ("◀ Kembali"), so an action that
    writes is not run again (see `_Walker.after_action`)."""

    node: str
    name: str
    args: dict[str, Any]
    returning: bool = False


@dataclass(frozen=True, slots=True)
class QuestionLog:
    """A typed question the bot did not answer with confidence, for content authors.

    No user identifier: `key` only ties a later choice to the same question.
    `chosen` is what the user then picked (a target, "ask_officer" or "other").
    """

    key: str
    text: str
    lang: str
    offered: tuple[str, ...]
    chosen: str | None
    at: datetime


@dataclass(slots=True)
class Turn:
    """The outcome of one step: the new session, replies, anonymous visits, pending action,
    the unanswered questions to keep for content authors, and the effects of its actions
    (written in the turn's transaction).

    `session` is None when the user asked to erase their data (`erase` is then True).
    """

    session: Session | None
    replies: list[Reply] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    action: ActionCall | None = None
    erase: bool = False
    prefix: list[str] = field(default_factory=list)
    questions: list[QuestionLog] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
