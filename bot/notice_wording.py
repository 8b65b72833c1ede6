"""What subscribers read in a notice, as content: the frame of an officer's warning and the
job alert are `content/system.yaml` messages that a non-programmer edits.

Each of these messages has placeholders the code fills in (`{text}`: the officer's
warning; `{listings}`: the lines of the new vacancies, each a `job_alert_line`), and a
filled-in notice must stay one screen (`screen_chars`). `check_notice_messages` holds the
content to that when it is checked (`python -m bot check-content`) and loaded: every
message present in every language, exactly its placeholders, and enough room left for
what is filled in. `NoticeWording` gives the texts to the code that words notices: the
officers' desk (from the loaded content) and `import-jobs` (from system.yaml alone).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.engine.spec import I18n, MessageName, SystemSpec
from bot.yamlsource import Problem, YamlSourceError, line_of, load_yaml


@dataclass(frozen=True, slots=True)
class NoticeMessage:
    """The placeholders a notice message must have, and the characters of one screen that
    must be left for what fills them in."""

    placeholders: frozenset[str]
    room: int = 0
    what: str = ""


NOTICE_MESSAGES: dict[MessageName, NoticeMessage] = {
    "officer_alert": NoticeMessage(frozenset({"text"}), 300, "the officer's warning"),
    "job_alert": NoticeMessage(frozenset({"listings"}), 200, "the new vacancies"),
    "job_alert_line": NoticeMessage(
        frozenset({"position", "country", "sector", "employer", "closes"})
    ),
    "job_alert_more": NoticeMessage(frozenset({"count"})),
}
"""The system messages a notice is worded with, and what each must hold."""


class NoticeWordingError(Exception):
    """The notices' messages in system.yaml are missing or broken; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class NoticeWording:
    """The notice messages of the content, in every language, and the screen's size."""

    messages: dict[MessageName, I18n]
    default_language: str
    screen_chars: int

    @classmethod
    def of(cls, system: SystemSpec) -> NoticeWording:
        """The wording of loaded (checked) content."""
        messages = {name: dict(system.messages[name]) for name in NOTICE_MESSAGES}
        return cls(messages, system.languages[0], system.screen_chars)

    def text(self, name: MessageName, lang: str, **values: object) -> str:
        """A notice message in `lang` (the default language if it has none), filled in."""
        texts = self.messages[name]
        return (texts.get(lang) or texts[self.default_language]).format(**values)

    def frame(self, name: MessageName, lang: str) -> int:
        """The characters of a message without its placeholders: what is left of a screen
        for the values is `screen_chars` minus this."""
        texts = self.messages[name]
        return len(_without_placeholders(texts.get(lang) or texts[self.default_language]))


def load_notice_wording(content_dir: Path) -> NoticeWording:
    """The notice messages of `content_dir/system.yaml` (for `import-jobs`, which does not
    load the whole content); raises NoticeWordingError if they do not pass the checks."""
    path = content_dir / "system.yaml"
    display = str(path)
    try:
        document = load_yaml(path, display)
        system = SystemSpec.model_validate(document)
    except YamlSourceError as error:
        raise NoticeWordingError([error.problem]) from error
    except ValidationError as error:
        raise NoticeWordingError([Problem(display, 1, str(error))]) from error
    problems = check_notice_messages(system, display, document)
    if problems:
        raise NoticeWordingError(problems)
    return NoticeWording.of(system)


def check_notice_messages(system: SystemSpec, display: str, document: Any) -> list[Problem]:
    """What is wrong with the notice messages of system.yaml, with file, line and key."""
    problems: list[Problem] = []
    for name, rule in NOTICE_MESSAGES.items():
        texts = system.messages.get(name)
        if texts is None:
            line = line_of(document, ("messages",))
            problems.append(Problem(display, line, f"messages.{name}: missing (a notice text)"))
            continue
        for lang in system.languages:
            line = line_of(document, ("messages", name, lang))
            text = texts.get(lang) or ""
            if not text.strip():
                problems.append(Problem(display, line, f"messages.{name}: missing '{lang}' text"))
                continue
            found = _problem(text, rule, system.screen_chars)
            if found:
                problems.append(Problem(display, line, f"messages.{name} ({lang}): {found}"))
    return problems


def _problem(text: str, rule: NoticeMessage, screen_chars: int) -> str:
    """What is wrong with one text of a notice message ("" if nothing)."""
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return "a lone { or }: write placeholders as {name}"
    needed = ", ".join(f"{{{name}}}" for name in sorted(rule.placeholders))
    if names != rule.placeholders:
        unknown = ", ".join(f"{{{name}}}" for name in sorted(names - rule.placeholders))
        return f"must contain exactly {needed}" + (f"; unknown: {unknown}" if unknown else "")
    frame = len(_without_placeholders(text))
    if frame + rule.room > screen_chars:
        return (
            f"{frame} characters besides {needed} leave less than {rule.room} for "
            f"{rule.what} on one screen ({screen_chars}, screen_chars): shorten it"
        )
    return ""


def _without_placeholders(text: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(text))
