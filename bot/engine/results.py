"""What an action gives back to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.effects import Effect


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an action gives back: texts to show, answers to remember, optionally where to go.

    With `choices` ((label, value) pairs) the user picks one: the engine shows them as
    options, saves the picked value as answers[save] and continues at the node's `next`
    (or runs the node again when it has none, e.g. to show another page of results).
    """

    texts: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    goto: str | None = None
    failed: bool = False  # the action could not do its job: say so and go back, never onward
    choices: list[tuple[str, Any]] = field(default_factory=list)
    save: str = ""  # the answer key a picked choice's value is saved under
    typed: str = ""  # with choices: text typed instead is saved under this key, and it runs again
    effects: tuple[Effect, ...] = ()  # written with the turn; dropped if the action failed
    forget: tuple[str, ...] = ()  # answer keys the session drops (data the person deleted)

    def __post_init__(self) -> None:
        if self.choices and not self.save:
            raise ValueError("an ActionResult with choices needs 'save', the answer key")
