"""YAML loading that remembers where every value came from.

Content and config errors must name the file, the line and the key. PyYAML
forgets positions once it builds Python objects, and silently keeps the last of
two duplicate keys; this loader keeps the line of every mapping key and item
and reports duplicate keys instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a source file, printed as `file:line: severity: message`."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


ModelT = TypeVar("ModelT", bound=BaseModel)


class LineDict(dict[Any, Any]):
    """A dict that knows the line of itself and of each of its keys (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A list that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class YamlSourceError(Exception):
    """A file could not be read as YAML; carries the problem with its position."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _LineLoader(yaml.SafeLoader):
    """SafeLoader building LineDict/LineList and refusing duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> LineDict:
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in result:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> LineList:
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


# YAML 1.1 reads yes/no/on/off as booleans, which turns a "yes:" label key or the word "no"
# in a list into True/False behind a content author's back. Only true/false are booleans here.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Parse one YAML file; raise YamlSourceError naming file and line on bad syntax."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlSourceError(Problem(name, 1, f"cannot read file: {error}")) from error
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or str(error)
        raise YamlSourceError(Problem(name, line, f"YAML syntax: {reason}")) from error


def line_of(document: Any, path: tuple[Any, ...]) -> int:
    """The line of the deepest element of `path` (keys and indexes) found in `document`."""
    line = getattr(document, "line", 1) or 1
    current = document
    for step in path:
        if isinstance(current, LineDict) and step in current:
            line = current.key_lines.get(step, line)
            current = current[step]
        elif isinstance(current, LineList) and isinstance(step, int) and step < len(current):
            line = current.item_lines[step]
            current = current[step]
        else:
            break
    return line


def load_model(
    path: Path, display: str, model: type[ModelT], empty: Any = None
) -> tuple[ModelT | None, Any, list[Problem]]:
    """Read a YAML file and validate it as `model`; problems name the file, line and key.

    Returns (the model or None, the parsed document for further line look-ups, problems).
    `empty` stands in for a file that holds nothing.
    """
    try:
        document = load_yaml(path, display)
    except YamlSourceError as error:
        return None, None, [error.problem]
    try:
        return model.model_validate(document if document is not None else empty), document, []
    except ValidationError as error:
        return (
            None,
            document,
            [
                Problem(
                    display,
                    line_of(document, tuple(item["loc"])),
                    f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}",
                )
                for item in error.errors()
            ],
        )
