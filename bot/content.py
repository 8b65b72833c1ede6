"""Loading and validating the whole `content/` tree.

`load_content` reads `system.yaml`, every `flows/*.yaml`, the data files and the actions'
`wording.yaml`, checks them (schema, links, reachability, translations, actions, channel
limits, sources) and returns the compiled `Content` together with every
problem found as `file:line: severity: message`. Content with errors is never
returned, so a running bot keeps its old content when a reload fails.

This module parses the files and builds the result; the checks across them are in
`bot.content_checks`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from bot.action_wording import WORDING_FILE, ActionWording, load_action_wording
from bot.actions import ActionSpec, needed_wording
from bot.content_checks import Checker, Source, check_graph, saved_answers
from bot.content_wording import PHONE_IN_TEXT
from bot.data import ContentData
from bot.data.contacts import load_contacts
from bot.data.loading import OFFER_RULES, load_tool_data
from bot.engine.flows import Flows, content_version
from bot.engine.spec import Node, SystemSpec
from bot.understanding import Understanding
from bot.understanding.loading import load_understanding
from bot.yamlsource import LineDict, Problem, YamlSourceError, load_yaml

log = logging.getLogger(__name__)

__all__ = ["PHONE_IN_TEXT", "Content", "load_content"]

NODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_NODE_ADAPTER: TypeAdapter[Node] = TypeAdapter(Node)


@dataclass(frozen=True)
class Content:
    """Everything the bot says and knows, loaded and checked together."""

    flows: Flows
    data: ContentData


def load_content(
    root: Path, actions: dict[str, ActionSpec]
) -> tuple[Content | None, list[Problem]]:
    """Load and check `root` (the content directory). Content is None when there are errors."""
    checker = Checker(root)
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
    wording, wording_problems, wording_blob = load_action_wording(
        root / WORDING_FILE,
        checker.display(root / WORDING_FILE),
        languages,
        needed_wording(actions),
    )
    checker.problems += wording_problems
    blobs.append(wording_blob)
    wording = wording or ActionWording()  # its errors are counted; the other checks go on
    data = ContentData(contacts=contacts, wording=wording, **tools.fields) if contacts else None
    understanding_files, understanding_problems = load_understanding(
        root / "understanding", checker.display, origins.keys(), languages, blobs
    )
    unreadable = any("YAML syntax" in problem.message for problem in checker.problems)
    checker.problems += understanding_problems
    if system is not None and data is not None and not unreadable:
        routes = [route.node for route in understanding_files.words.routes.values()]
        check_graph(checker, system, nodes, origins, sources, actions, data, routes)
        if data.offer_rules:
            path = checker.display(root / "data" / OFFER_RULES)
            checker.problems += data.offer_rules.answer_problems(path, saved_answers(nodes))
    if any(problem.severity == "error" for problem in checker.problems) or not system or not data:
        return None, checker.problems
    understanding = Understanding(
        system,
        nodes,
        understanding_files,
        countries={code: names.values() for code, names in data.vocabulary.countries.items()},
        company_names=[agency.name for agency in data.agencies.agencies],
        advert_rules=data.advert_rules,
    )
    flows = Flows(
        system=system, nodes=nodes, version=content_version(blobs), understanding=understanding
    )
    return Content(flows=flows, data=data), checker.problems


def _load_system(checker: Checker, path: Path, blobs: list[bytes]) -> SystemSpec | None:
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
    checker: Checker, folder: Path, blobs: list[bytes]
) -> tuple[dict[str, Node], dict[str, Source], dict[str, tuple[str, int]]]:
    nodes: dict[str, Node] = {}
    sources: dict[str, Source] = {}
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
            sources[node_id] = Source(display, document)
            origins[node_id] = (display, line)
    return nodes, sources, origins


class ContentLoadError(Exception):
    """The content has errors; `problems` lists them as file:line messages."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [problem for problem in problems if problem.severity == "error"]
        super().__init__("content has errors:\n" + "\n".join(map(str, errors)))
        self.problems = problems


def load_checked_content(content_dir: Path, actions: dict[str, ActionSpec]) -> Content:
    """Load content or raise ContentLoadError; warnings are logged."""
    content, problems = load_content(content_dir, actions)
    for problem in problems:
        if problem.severity == "warning":
            log.debug("%s", problem)
    if content is None:
        raise ContentLoadError(problems)
    return content
