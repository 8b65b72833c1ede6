"""The checks of a content tree: links, reachability, translations, labels, node rules.

`bot.content` parses the files and hands the nodes to `check_graph`; every finding is
collected by a `Checker` as a `Problem` with the file and line of the key it is about.
Label lengths are checked against the platforms' limits (`bot.platform_limits`), and
every phone number in a text must have a source in `content/data/contacts.yaml`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from bot.actions import ActionSpec
from bot.content_wording import (
    check_acronyms,
    check_phone_numbers,
    check_screen_budget,
)
from bot.data import ContentData
from bot.engine.spec import NODE_KINDS, ActionNode, AskNode, Node, OptionSpec, PageNode, SystemSpec
from bot.engine.text import normalize
from bot.notice_wording import check_notice_messages
from bot.platform_limits import (
    TELEGRAM_BUTTON_TEXT,
    WHATSAPP_BUTTON_TITLE,
    WHATSAPP_MAX_BUTTONS,
    WHATSAPP_ROW_TITLE,
)
from bot.yamlsource import LineDict, Problem, line_of

SYSTEM_ROLES = (
    "start",
    "emergency",
    "help",
    "report",
    "reference_node",
    "alert",
    "alert_abroad",
    "ask_officer",
    "photo_offer",
    "glossary",
)
"""The nodes system.yaml names: each must exist, and every node is reached from them."""

KeyPath = tuple[str | int, ...]
"""Where a value is in a document: its keys and list indexes."""


class Where(Protocol):
    """The line of a key path inside one node's definition."""

    def __call__(self, *path: str | int) -> int: ...


@dataclass
class Source:
    """A flow file's parsed document, kept for line numbers."""

    display: str
    document: LineDict


class Checker:
    """Collects the problems of one content tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.system_source: tuple[str, Any] = ("content/system.yaml", None)

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message, "warning"))

    def pydantic(
        self, file: str, document: Any, error: ValidationError, prefix: KeyPath = ()
    ) -> None:
        for item in error.errors():
            loc = tuple(item["loc"])
            if prefix and loc and loc[0] in NODE_KINDS:
                loc = loc[1:]  # the discriminator tag pydantic puts first
            where = ".".join(str(part) for part in (*prefix, *loc))
            message = item["msg"]
            if item["type"] == "extra_forbidden":
                message = "unknown key"
            elif item["type"] == "union_tag_invalid":
                loc = ("kind",)
                where = ".".join(str(part) for part in (*prefix, *loc))
                message = f"unknown node kind; allowed: {', '.join(NODE_KINDS)}"
            elif item["type"] == "union_tag_not_found":
                message = f"missing 'kind'; allowed: {', '.join(NODE_KINDS)}"
            self.error(file, line_of(document, (*prefix, *loc)), f"{where}: {message}")


def check_graph(
    checker: Checker,
    system: SystemSpec,
    nodes: dict[str, Node],
    origins: dict[str, tuple[str, int]],
    sources: dict[str, Source],
    actions: dict[str, ActionSpec],
    data: ContentData,
    entry_points: Collection[str] = (),
) -> None:
    """Check the nodes and system.yaml together; `origins` includes nodes that failed.
    `entry_points` are nodes typed text leads to directly (the routes of words.yaml): they
    count as reachable, with everything they link to."""
    _check_system(checker, system, origins)
    known_numbers = data.contacts.phone_numbers()
    for node_id, node in nodes.items():
        source = sources[node_id]

        def where(*path: str | int, source: Source = source, node_id: str = node_id) -> int:
            return line_of(source.document, (node_id, *path))

        for key, target in _links(node, actions):
            if target not in origins:
                checker.error(
                    source.display, where(*key), f"{node_id}: links to missing node '{target}'"
                )
        _check_translations(
            checker,
            source.display,
            node.model_dump(),
            system.languages,
            (node_id,),
            document=source.document,
        )
        _check_labels(checker, source.display, node_id, node, where)
        _check_kind_rules(checker, source.display, node_id, node, where, actions, data)
        form = getattr(node, "form", None)
        if form and form not in system.forms:
            checker.error(
                source.display,
                where("form"),
                f"{node_id}: form '{form}' is not defined under 'forms' in system.yaml",
            )
        check_phone_numbers(checker, source.display, node_id, node, where, known_numbers)
        check_screen_budget(checker, source.display, node_id, node, where, system.screen_chars)
    if len(nodes) < len(origins):
        return  # a node failed its schema: its links are unknown, reachability would mislead
    check_acronyms(checker, system, nodes, sources)
    reachable = _reachable(system, nodes, entry_points)
    for node_id in nodes.keys() - reachable:
        display, line = origins[node_id]
        checker.error(display, line, f"node '{node_id}' is unreachable from '{system.start}'")


def _check_system(
    checker: Checker, system: SystemSpec, origins: dict[str, tuple[str, int]]
) -> None:
    """The nodes system.yaml names exist, its texts are translated, its commands valid."""
    system_file, system_document = checker.system_source
    for role in SYSTEM_ROLES:
        target = getattr(system, role)
        if target is not None and target not in origins:
            checker.error(
                system_file, line_of(system_document, (role,)), f"{role}: no node '{target}'"
            )
    for name, texts in system.messages.items():  # a system message is one message too
        for lang, text in texts.items():
            if len(text) > system.screen_chars:
                checker.error(
                    system_file,
                    line_of(system_document, ("messages", name, lang)),
                    f"messages.{name}: the '{lang}' text is {len(text)} characters; one "
                    f"message holds at most {system.screen_chars} (screen_chars)",
                )
    checker.problems += check_notice_messages(system, system_file, system_document)
    _check_translations(
        checker,
        system_file,
        system.model_dump(),
        system.languages,
        (),
        document=system_document,
        skip=(
            "keywords",
            "yes_words",
            "no_words",
            "unsure_words",
            "next_words",
            "filler_words",
            "thanks_words",
            "opener_words",
            "languages",
        ),
    )
    keywords = {normalize(word) for words in system.keywords.values() for word in words}
    for command in system.commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", command) or command not in keywords:
            checker.error(
                system_file,
                line_of(system_document, ("commands", command)),
                f"commands.{command}: a command must be 1-32 of a-z, 0-9, _ and also a keyword",
            )


def saved_answers(nodes: dict[str, Node]) -> dict[str, set[str]]:
    """Answer keys the flows save, with their choice values (empty: any value)."""
    saved: dict[str, set[str]] = {}
    for node in nodes.values():
        if isinstance(node, AskNode):
            saved.setdefault(node.save, set()).update(c.value for c in node.input.choices)
        elif isinstance(node, ActionNode) and isinstance(node.args.get("save"), str):
            saved.setdefault(node.args["save"], set())  # an action's offered choices
    return saved


def _links(node: Node, actions: dict[str, ActionSpec]) -> list[tuple[KeyPath, str]]:
    """Every node id a node leads to, with where the link is written (an action's too)."""
    links: list[tuple[KeyPath, str]] = []
    if isinstance(node, ActionNode) and (spec := actions.get(node.action)):
        for name in sorted(spec.links):
            if isinstance(node.args.get(name), str):
                links.append((("args", name), node.args[name]))
    for index, option in enumerate(getattr(node, "options", []) or []):
        links.append((("options", index, "goto"), option.goto))
    if isinstance(node, AskNode | ActionNode) and node.next:
        links.append((("next",), node.next))
    if isinstance(node, AskNode):
        for index, choice in enumerate(node.input.choices):
            if choice.goto:
                links.append((("input", "choices", index, "goto"), choice.goto))
            if choice.typed:
                links.append((("input", "choices", index, "typed", "goto"), choice.typed.goto))
    return links


def _reachable(
    system: SystemSpec, nodes: dict[str, Node], entry_points: Collection[str] = ()
) -> set[str]:
    roots: list[str | None] = [getattr(system, role) for role in SYSTEM_ROLES]
    roots += list(entry_points)
    seen = {root for root in roots if root is not None and root in nodes}
    queue = deque(seen)
    while queue:
        node = nodes[queue.popleft()]
        targets = [target for _, target in _links(node, {})]
        if isinstance(node, ActionNode):  # where the action itself may lead (`found: node`)
            targets += [value for value in node.args.values() if isinstance(value, str)]
        for target in targets:
            if target in nodes and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_translations(
    checker: Checker,
    display: str,
    value: Any,
    languages: list[str],
    path: KeyPath,
    document: Any = None,
    skip: tuple[str, ...] = (),
) -> None:
    """Every language map (a dict whose keys include a language) must have all languages."""
    if isinstance(value, dict):
        if (
            value
            and set(value) <= set(languages) | {"id", "en"}
            and all(isinstance(text, str) for text in value.values())
        ):
            line = line_of(document, path) if document is not None else 1
            for lang in languages:
                if not (value.get(lang) or "").strip():
                    checker.error(
                        display, line, f"{'.'.join(map(str, path))}: missing translation '{lang}'"
                    )
            return
        for key, child in value.items():
            if key not in skip:
                _check_translations(checker, display, child, languages, (*path, key), document)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _check_translations(checker, display, child, languages, (*path, index), document)


def _check_labels(checker: Checker, display: str, node_id: str, node: Node, where: Where) -> None:
    """Labels over the platforms' limits: warnings, the renderers fall back."""
    options: list[OptionSpec] = list(getattr(node, "options", []) or [])
    for index, option in enumerate(options):
        for lang, label in option.label.items():
            line = where("options", index, "label")
            if len(label) > TELEGRAM_BUTTON_TEXT:
                checker.warn(
                    display,
                    line,
                    f"{node_id}: label '{label}' ({lang}) has "
                    f"{len(label)} characters; Telegram buttons cut it",
                )
            if len(label) > WHATSAPP_ROW_TITLE:
                checker.warn(
                    display,
                    line,
                    f"{node_id}: label '{label}' ({lang}) is over "
                    f"WhatsApp's {WHATSAPP_ROW_TITLE}-character list rows; WhatsApp "
                    "shows this menu as numbered text",
                )
            elif len(label) > WHATSAPP_BUTTON_TITLE and len(options) <= WHATSAPP_MAX_BUTTONS:
                checker.warn(
                    display,
                    line,
                    f"{node_id}: label '{label}' ({lang}) is over "
                    f"WhatsApp's {WHATSAPP_BUTTON_TITLE}-character buttons; WhatsApp "
                    "shows a list instead",
                )


def _check_kind_rules(
    checker: Checker,
    display: str,
    node_id: str,
    node: Node,
    where: Where,
    actions: dict[str, ActionSpec],
    data: ContentData,
) -> None:
    """The rules of each node kind that the schema alone does not express."""
    if isinstance(node, PageNode) and node.factual:
        if not node.sources:
            checker.error(
                display,
                where(),
                f"{node_id}: factual page without 'sources' "
                "(add them, or mark the page 'factual: false')",
            )
        if node.reviewed is None:
            checker.error(display, where(), f"{node_id}: factual page without 'reviewed' date")
    if isinstance(node, AskNode):
        _check_input(checker, display, node_id, node, where)
    if isinstance(node, ActionNode):
        _check_action(checker, display, node_id, node, where, actions, data)


def _check_input(checker: Checker, display: str, node_id: str, node: AskNode, where: Where) -> None:
    """An `ask` node's input: choices only with (and always with) type 'choice', min/max only
    with type 'number'."""
    spec = node.input
    if spec.type == "choice" and not spec.choices:
        checker.error(display, where("input"), f"{node_id}: input type 'choice' needs 'choices'")
    if spec.type != "choice" and spec.choices:
        checker.error(
            display,
            where("input", "choices"),
            f"{node_id}: 'choices' only go with input type 'choice'",
        )
    if spec.type != "number" and (spec.min is not None or spec.max is not None):
        checker.error(
            display, where("input"), f"{node_id}: 'min'/'max' only go with input type 'number'"
        )
    _check_choice_words(checker, display, node_id, node, where)


def _check_choice_words(
    checker: Checker, display: str, node_id: str, node: AskNode, where: Where
) -> None:
    """A typed word leads to one answer only: no word is given for two answers, and none is
    another answer's label (in any language)."""
    owner: dict[str, str] = {}
    for choice in node.input.choices:
        for label in choice.label.values():
            owner.setdefault(normalize(label), choice.value)
    for index, choice in enumerate(node.input.choices):
        for word in choice.words:
            key = normalize(word)
            other = owner.setdefault(key, choice.value)
            if not key:
                checker.error(
                    display,
                    where("input", "choices", index, "words"),
                    f"{node_id}: the word {word!r} has no letters or digits",
                )
            elif other != choice.value:
                checker.error(
                    display,
                    where("input", "choices", index, "words"),
                    f"{node_id}: the word {word!r} of answer {choice.value!r} also leads to "
                    f"answer {other!r}: a typed word must mean one answer",
                )


def _check_action(
    checker: Checker,
    display: str,
    node_id: str,
    node: ActionNode,
    where: Where,
    actions: dict[str, ActionSpec],
    data: ContentData,
) -> None:
    """An action node: a known action, arguments it accepts, not both `next` and options
    (unless the action offers choices)."""
    action = actions.get(node.action)
    if action is None:
        checker.error(
            display,
            where("action"),
            f"{node_id}: unknown action '{node.action}' (known: {', '.join(sorted(actions))})",
        )
    else:
        for message in action.problems(node.args, data):
            checker.error(display, where("args"), f"{node_id}: {message}")
    if node.next and node.options and not (action and action.offers_choices):
        checker.error(
            display,
            where("next"),
            f"{node_id}: an action has either 'next' "
            "(continue) or 'options' (show links), not both "
            "(both only for actions that offer choices: 'next' is where a pick leads)",
        )
