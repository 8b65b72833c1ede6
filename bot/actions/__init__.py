"""Named Python capabilities that content may call with `kind: action`.

An action is an async function taking an `ActionContext` and returning an
`ActionResult`. The engine stays pure: it only names the action to run; the
runtime awaits it and hands the result back to the engine. `check-content`
uses the registry to refuse unknown actions and missing arguments. An action module reads
its wording (labels, short lines) from `content/wording.yaml`: it declares the texts it needs
(`WORDING = wording_needs(__name__, ...)`), registered here for `check-content`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.action_wording import WordingNeeds
from bot.data import ContentData
from bot.engine.results import ActionResult

if TYPE_CHECKING:  # for the annotations only: no import of the store or the flows here
    from bot.engine.flows import Flows
    from bot.services import Services


@dataclass(frozen=True, slots=True)
class ActionContext:
    """What an action may use: the user's language and answers, its arguments, the data.

    `channel`, `user` and `update_id` identify the message being answered;
    `services` gives actions the store (to read: a report's status, the caps) and the
    settings. An action writes nothing: what it changes it returns as effects, written
    with the turn. The engine never sees them: actions are the I/O boundary.
    """

    lang: str
    args: dict[str, Any]
    answers: dict[str, Any]
    data: ContentData
    now: datetime
    channel: str = ""
    user: str = ""
    update_id: str = ""
    services: Services | None = None
    flows: Flows | None = None  # the content's, for system messages in the user's language
    client: str = ""  # the web chat's client address (limits only; never stored)

    def needs_services(self) -> Services:
        """`services`, for an action that cannot work without them (a turn run without a
        store, as in a transcript, makes such an action fail)."""
        if self.services is None:
            raise RuntimeError("this action needs the services (a store): none given")
        return self.services

    def words(self, needs: WordingNeeds) -> dict[str, str]:
        """The texts of a wording group (content/wording.yaml) in the user's language."""
        return self.data.wording.of(needs, self.lang)

    def needs_flows(self) -> Flows:
        """`flows`, for an action that sends system messages."""
        if self.flows is None:
            raise RuntimeError("this action needs the content's flows: none given")
        return self.flows


ActionFunction = Callable[[ActionContext], Awaitable[ActionResult]]
ArgsChecker = Callable[[dict[str, Any], ContentData], list[str]]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """A registered action: its function, its argument names and an argument checker."""

    name: str
    run: ActionFunction
    required: frozenset[str]
    optional: frozenset[str]
    check_args: ArgsChecker | None = None
    offers_choices: bool = False  # its node may have both `next` (where a pick leads) and options
    links: frozenset[str] = frozenset()  # arguments that name a node it may lead to

    def problems(self, args: dict[str, Any], data: ContentData) -> list[str]:
        """Why `args` cannot be used with this action (empty when they can)."""
        found = [
            f"action '{self.name}' needs argument '{name}'"
            for name in sorted(self.required - args.keys())
        ]
        allowed = self.required | self.optional
        found += [
            f"action '{self.name}' has no argument '{name}' (allowed: "
            f"{', '.join(sorted(allowed)) or 'none'})"
            for name in sorted(args.keys() - allowed)
        ]
        if not found and self.check_args:
            found += self.check_args(args, data)
        return found


REGISTRY: dict[str, ActionSpec] = {}
WORDING: dict[str, WordingNeeds] = {}
"""The wording each action module declared, by module name."""


def action(
    name: str,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    check_args: ArgsChecker | None = None,
    offers_choices: bool = False,
    links: tuple[str, ...] = (),
) -> Callable[[ActionFunction], ActionFunction]:
    """Register an async function as the action `name`."""

    def register(function: ActionFunction) -> ActionFunction:
        REGISTRY[name] = ActionSpec(
            name,
            function,
            frozenset(required),
            frozenset(optional),
            check_args,
            offers_choices,
            frozenset(links),
        )
        return function

    return register


def wording_needs(module: str, *plain: str, **filled: tuple[str, ...]) -> WordingNeeds:
    """Declare the texts the action module `module` reads from content/wording.yaml (its group
    is named like the module): `plain` keys have no placeholders, each `filled` key names
    the placeholders the code fills into its text."""
    WORDING[module] = WordingNeeds.of_module(module, *plain, **filled)
    return WORDING[module]


def needed_wording(actions: dict[str, ActionSpec]) -> list[WordingNeeds]:
    """The wording the modules of these actions read."""
    modules = {spec.run.__module__ for spec in actions.values()}
    return [needs for module, needs in WORDING.items() if module in modules]


def load_actions() -> dict[str, ActionSpec]:
    """Import every action module so that its actions are registered; return the registry."""
    from bot.actions import (  # noqa: F401  (registers on import)
        adverts,
        alerts,
        contacts,
        jobs,
        offer,
        places,
        planner,
        planner_steps,
        recruiters,
        reports,
    )

    return REGISTRY
