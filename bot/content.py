"""Loading and validating the whole `content/` tree.

`load_content` reads `system.yaml`, every `flows/*.yaml` and the data files,
checks them (schema, links, reachability, translations, actions, channel
limits, sources) and returns the compiled `Content` together with every
problem found as `file:line: severity: message`. Content with errors is never
returned, so a running bot keeps its old content when a reload fails.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.actions import ActionSpec
from bot.data import ContentData
from bot.data.contacts import load_contacts
from bot.data.loading import OFFER_RULES, load_tool_data
from bot.engine.flows import Flows, content_version
from bot.engine.spec import NODE_KINDS, ActionNode, AskNode, Node, OptionSpec, PageNode, SystemSpec
from bot.engine.text import normalize
from bot.understanding import Understanding
from bot.understanding.loading import load_understanding
from bot.yamlsource import LineDict, Problem, YamlSourceError, line_of, load_yaml

NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
PHONE_IN_TEXT = re.compile(r"(?<![\w-])(?:\+?\d[\d\s\-().]{5,}\d)")
WHATSAPP_BUTTON_TITLE = 20
WHATSAPP_ROW_TITLE = 24
WHATSAPP_MAX_BUTTONS = 3
TELEGRAM_BUTTON_TEXT = 64
_NODE_ADAPTER: TypeAdapter[Node] = TypeAdapter(Node)


@dataclass(frozen=True)
class Content:
    """Everything the bot says and knows, loaded and checked together."""

    flows: Flows
    data: ContentData


@dataclass
class _Source:
    """A flow file's parsed document, kept for line numbers."""

    display: str
    document: LineDict


class _Checker:
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

    def pydantic(self, file: str, document: Any, error: ValidationError, prefix=()) -> None:
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


def load_content(
    root: Path, actions: dict[str, ActionSpec]
) -> tuple[Content | None, list[Problem]]:
    """Load and check `root` (the content directory). Content is None when there are errors."""
    checker = _Checker(root)
    blobs: list[bytes] = []
    system = _load_system(checker, root / "system.yaml", blobs)
    nodes, sources, origins = _load_flows(checker, root / "flows", blobs)
    contacts_path = root / "data" / "contacts.yaml"
    contacts, contact_problems = load_contacts(contacts_path, checker.display(contacts_path))
    checker.problems += contact_problems
    if contacts_path.exists():
        blobs.append(contacts_path.read_bytes())
    languages = system.languages if system else []
    tools = load_tool_data(root / "data", checker.display, languages, date.today())
    checker.problems += tools.problems
    blobs += tools.blobs
    data = ContentData(contacts=contacts, **tools.fields) if contacts else None
    unreadable = any("YAML syntax" in problem.message for problem in checker.problems)
    if system is not None and data is not None and not unreadable:
        _check_graph(checker, system, nodes, origins, sources, actions, data)
        if data.offer_rules:
            path = checker.display(root / "data" / OFFER_RULES)
            checker.problems += data.offer_rules.answer_problems(path, _saved_answers(nodes))
    understanding_files, understanding_problems = load_understanding(
        root / "understanding", checker.display, origins.keys(), languages, blobs
    )
    checker.problems += understanding_problems
    if any(problem.severity == "error" for problem in checker.problems) or not system or not data:
        return None, checker.problems
    understanding = Understanding(
        system,
        nodes,
        understanding_files,
        countries={code: names.values() for code, names in data.vocabulary.countries.items()},
        company_names=[agency.name for agency in data.agencies.agencies],
    )
    flows = Flows(
        system=system, nodes=nodes, version=content_version(blobs), understanding=understanding
    )
    return Content(flows=flows, data=data), checker.problems


def _load_system(checker: _Checker, path: Path, blobs: list[bytes]) -> SystemSpec | None:
    display = checker.display(path)
    try:
        document = load_yaml(path, display)
    except YamlSourceError as error:
        checker.problems.append(error.problem)
        return None
    blobs.append(path.read_bytes())
    checker.system_source = (display, document)
    try:
        return SystemSpec.model_validate(document)
    except ValidationError as error:
        checker.pydantic(display, document, error)
        return None


def _load_flows(
    checker: _Checker, folder: Path, blobs: list[bytes]
) -> tuple[dict[str, Node], dict[str, _Source], dict[str, tuple[str, int]]]:
    nodes: dict[str, Node] = {}
    sources: dict[str, _Source] = {}
    origins: dict[str, tuple[str, int]] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        checker.error(checker.display(folder), 1, "no flow files (*.yaml) found")
    for path in files:
        display = checker.display(path)
        try:
            document = load_yaml(path, display)
        except YamlSourceError as error:
            checker.problems.append(error.problem)
            continue
        blobs.append(path.read_bytes())
        if document is None:
            continue
        if not isinstance(document, LineDict):
            checker.error(display, 1, "a flow file must be a mapping of node id -> node")
            continue
        for node_id, raw in document.items():
            line = document.key_lines[node_id]
            if not isinstance(node_id, str) or not NODE_ID.match(node_id):
                checker.error(
                    display,
                    line,
                    f"node id {node_id!r}: use lowercase letters, "
                    "digits and _ (at most 48), starting with a letter",
                )
                continue
            if node_id in origins:
                first_file, first_line = origins[node_id]
                checker.error(
                    display,
                    line,
                    f"duplicate node id '{node_id}' (first defined at {first_file}:{first_line})",
                )
                continue
            try:
                node = _NODE_ADAPTER.validate_python(raw)
            except ValidationError as error:
                checker.pydantic(display, document, error, prefix=(node_id,))
                origins[node_id] = (display, line)
                continue
            nodes[node_id] = node
            sources[node_id] = _Source(display, document)
            origins[node_id] = (display, line)
    return nodes, sources, origins


def _check_graph(
    checker: _Checker,
    system: SystemSpec,
    nodes: dict[str, Node],
    origins: dict[str, tuple[str, int]],
    sources: dict[str, _Source],
    actions: dict[str, ActionSpec],
    data: ContentData,
) -> None:
    system_file, system_document = checker.system_source
    for role in (
        "start",
        "emergency",
        "help",
        "report",
        "reference_node",
        "alert",
        "alert_abroad",
        "ask_officer",
    ):
        target = getattr(system, role)
        if target is not None and target not in origins:
            checker.error(
                system_file, line_of(system_document, (role,)), f"{role}: no node '{target}'"
            )
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
    known_numbers = data.contacts.phone_numbers()
    for node_id, node in nodes.items():
        source = sources[node_id]

        def where(*path: Any, source: _Source = source, node_id: str = node_id) -> int:
            return line_of(source.document, (node_id, *path))

        for key, target in _links(node):
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
        texts = [
            (("text", lang), text) for lang, text in (getattr(node, "text", None) or {}).items()
        ]
        if isinstance(node, ActionNode):  # texts an action shows, given as arguments
            texts += _strings(node.args, ("args",))
        for path, text in texts:
            for number in PHONE_IN_TEXT.findall(text):
                digits = "".join(char for char in number if char.isdigit())
                if len(digits) >= 6 and digits not in known_numbers:
                    checker.error(
                        source.display,
                        where(*path),
                        f"{node_id}: phone number "
                        f"'{number.strip()}' is not in content/data/contacts.yaml "
                        "(every number needs a source there)",
                    )
    if len(nodes) < len(origins):
        return  # a node failed its schema: its links are unknown, reachability would mislead
    reachable = _reachable(system, nodes)
    for node_id in nodes.keys() - reachable:
        display, line = origins[node_id]
        checker.error(display, line, f"node '{node_id}' is unreachable from '{system.start}'")


def _strings(value: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], str]]:
    """Every string inside nested arguments, with its path."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, (*path, key))]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _strings(item, (*path, i))]
    return []


def _saved_answers(nodes: dict[str, Node]) -> dict[str, set[str]]:
    """Answer keys the flows save, with their choice values (empty: any value)."""
    saved: dict[str, set[str]] = {}
    for node in nodes.values():
        if isinstance(node, AskNode):
            saved.setdefault(node.save, set()).update(c.value for c in node.input.choices)
        elif isinstance(node, ActionNode) and isinstance(node.args.get("save"), str):
            saved.setdefault(node.args["save"], set())  # an action's offered choices
    return saved


def _links(node: Node) -> list[tuple[tuple[Any, ...], str]]:
    links: list[tuple[tuple[Any, ...], str]] = []
    for index, option in enumerate(getattr(node, "options", []) or []):
        links.append((("options", index, "goto"), option.goto))
    if isinstance(node, AskNode | ActionNode) and node.next:
        links.append((("next",), node.next))
    if isinstance(node, AskNode):
        for index, choice in enumerate(node.input.choices):
            if choice.goto:
                links.append((("input", "choices", index, "goto"), choice.goto))
    return links


def _reachable(system: SystemSpec, nodes: dict[str, Node]) -> set[str]:
    roots = (
        system.start,
        system.emergency,
        system.help,
        system.report,
        system.reference_node,
        system.alert,
        system.alert_abroad,
        system.ask_officer,
    )
    seen = {root for root in roots if root in nodes}
    queue = deque(seen)
    while queue:
        for _, target in _links(nodes[queue.popleft()]):
            if target in nodes and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _check_translations(
    checker: _Checker,
    display: str,
    value: Any,
    languages: list[str],
    path: tuple[Any, ...],
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


def _check_labels(checker: _Checker, display: str, node_id: str, node: Node, where) -> None:
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
    checker: _Checker,
    display: str,
    node_id: str,
    node: Node,
    where,
    actions: dict[str, ActionSpec],
    data: ContentData,
) -> None:
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
        spec = node.input
        if spec.type == "choice" and not spec.choices:
            checker.error(
                display, where("input"), f"{node_id}: input type 'choice' needs 'choices'"
            )
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
    if isinstance(node, ActionNode):
        spec = actions.get(node.action)
        if spec is None:
            checker.error(
                display,
                where("action"),
                f"{node_id}: unknown action '{node.action}' (known: {', '.join(sorted(actions))})",
            )
        else:
            for message in spec.problems(node.args, data):
                checker.error(display, where("args"), f"{node_id}: {message}")
        if node.next and node.options and not (spec and spec.offers_choices):
            checker.error(
                display,
                where("next"),
                f"{node_id}: an action has either 'next' "
                "(continue) or 'options' (show links), not both "
                "(both only for actions that offer choices: 'next' is where a pick leads)",
            )
