"""The words the actions put around their answers: `content/wording.yaml`, loaded and checked.

Each action module declares the texts it reads (`WordingNeeds`: one group, named like the
module, and each key with the {placeholders} the code fills into it); the file gives each
text in every language, and a non-programmer rewords it there. Loading refuses a text the
code reads that is missing, a text the code does not read (no dead wording), a missing or
unknown language, and placeholders other than those the code fills in. Every problem names
the file, the line and the key path.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import StringConstraints, TypeAdapter, ValidationError

from bot.yamlsource import Problem, YamlSourceError, line_of, load_yaml

WORDING_FILE = "wording.yaml"
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
"""A {placeholder} as `bot.actions.wording.fill` replaces it."""

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
_FILE: TypeAdapter[dict[Name, dict[Name, dict[str, str]]]] = TypeAdapter(
    dict[Name, dict[Name, dict[str, str]]]
)


@dataclass(frozen=True, slots=True)
class WordingNeeds:
    """What one action module reads from the wording file: its group, and each key with
    the placeholders the code fills into that text."""

    group: str
    keys: Mapping[str, frozenset[str]]

    @classmethod
    def of_module(cls, module: str, *plain: str, **filled: tuple[str, ...]) -> WordingNeeds:
        """The texts of the action module `module` (its `__name__`, whose last part names
        the group): `plain` keys have no placeholders, `filled` keys have these."""
        keys = {key: frozenset[str]() for key in plain}
        keys.update({key: frozenset(names) for key, names in filled.items()})
        return cls(module.rpartition(".")[2], keys)


@dataclass(frozen=True, slots=True)
class ActionWording:
    """The loaded texts, group -> key -> language -> text, replaced whole on a reload."""

    groups: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def of(self, needs: WordingNeeds, lang: str) -> dict[str, str]:
        """The group's texts in `lang` (loading made sure every language is there; a
        language the file lacks gets the file's first one)."""
        return {
            key: text.get(lang) or next(iter(text.values()))
            for key, text in self.groups[needs.group].items()
        }


def load_action_wording(
    path: Path, display: str, languages: list[str], needs: Collection[WordingNeeds]
) -> tuple[ActionWording | None, list[Problem], bytes]:
    """Read and check the wording file against what the code `needs`; returns the wording
    (None when there are errors), the problems and the file's bytes (for the content version)."""
    if not path.exists():
        if not needs:
            return ActionWording(), [], b""
        names = ", ".join(sorted(need.group for need in needs))
        return (
            None,
            [Problem(display, 1, f"file missing: the actions need the groups {names}")],
            b"",
        )
    try:
        document = load_yaml(path, display)
    except YamlSourceError as error:
        return None, [error.problem], b""
    blob = path.read_bytes()
    try:
        groups = _FILE.validate_python(document if document is not None else {})
    except ValidationError as error:
        return None, [_schema_problem(display, document, item) for item in error.errors()], blob
    problems = _check(display, document, groups, languages, {need.group: need for need in needs})
    return (None if problems else ActionWording(groups)), problems, blob


def _schema_problem(display: str, document: Any, item: Any) -> Problem:
    loc = tuple(item["loc"])
    where = ".".join(str(part) for part in loc if part != "[key]")
    message = item["msg"]
    if item["type"] == "string_pattern_mismatch":
        message = "a group or key is lowercase letters, digits and _, starting with a letter"
    elif item["type"] == "dict_type" and len(loc) == 2:
        message = "a text is written in each language, like {id: ..., en: ...}"
    return Problem(display, line_of(document, loc), f"{where}: {message}")


def _check(
    display: str,
    document: Any,
    groups: dict[str, dict[str, dict[str, str]]],
    languages: list[str],
    needs: dict[str, WordingNeeds],
) -> list[Problem]:
    problems: list[Problem] = []

    def error(path: tuple[str, ...], message: str) -> None:
        problems.append(Problem(display, line_of(document, path), f"{'.'.join(path)}: {message}"))

    for group in needs.keys() - groups.keys():
        error((group,), "group missing: the program reads its texts")
    for group, texts in groups.items():
        need = needs.get(group)
        if need is None:
            error((group,), "no action reads this group: remove it, or check its name")
            continue
        for key in need.keys.keys() - texts.keys():
            error((group, key), "text missing: the program reads it")
        for key, text in texts.items():
            if key not in need.keys:
                error((group, key), "the program does not use this text: remove it")
                continue
            for lang in languages:
                if not text.get(lang, "").strip():
                    error((group, key), f"missing translation '{lang}'")
            for lang in text.keys() - set(languages or text):
                error((group, key, lang), f"unknown language '{lang}' (languages: {languages})")
            for lang, words in text.items():
                found = set(PLACEHOLDER.findall(words))
                if found != need.keys[key]:
                    error((group, key, lang), _placeholder_message(lang, found, need.keys[key]))
    return problems


def _placeholder_message(lang: str, found: set[str], expected: Collection[str]) -> str:
    def listed(names: Collection[str]) -> str:
        return ", ".join(f"{{{name}}}" for name in sorted(names)) or "none"

    return (
        f"the '{lang}' text has the placeholders {listed(found)}; the program fills in "
        f"{listed(expected)} (keep them as they are, in every language)"
    )
