"""The personal checklist of the official route (`content/data/checklist.yaml`): its steps,
which destination and kind of work each applies to, which are red flags when skipped, and
the destinations people are warned about when they register."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from bot.data.vocabulary import Vocabulary
from bot.engine.spec import I18n
from bot.yamlsource import Problem, line_of, load_model

STEP_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
TITLE_CHARS = 24  # a title is also a button label (a WhatsApp list row)
DETAIL_CHARS = 600  # a step's detail is one screen
SOURCES_LINE = 40  # its "Sumber: ... Diperiksa: dd-mm-yyyy." line, without the sources


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Strict):
    """One step of the official route."""

    id: str
    title: I18n
    where: I18n
    bring: I18n = Field(default_factory=dict)
    red_flag: I18n = Field(default_factory=dict)
    countries: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)

    def applies(self, country: str, sector: str) -> bool:
        """Whether the step is on the route to `country` for work in `sector`."""
        return (not self.countries or country in self.countries) and (
            not self.sectors or sector in self.sectors
        )


class DestinationWarning(_Strict):
    """A destination (and kind of work) people are warned about when they register."""

    id: str
    countries: list[str] = Field(min_length=1)
    sectors: list[str] = Field(default_factory=list)
    text: I18n
    sources: list[str] = Field(min_length=1)

    def applies(self, country: str, sector: str) -> bool:
        """Whether going to `country` for work in `sector` is warned about."""
        return country in self.countries and (not self.sectors or sector in self.sectors)


NoticeName = Literal[
    "reminder",
    "recruiter_suspended",
    "recruiter_revoked",
    "recruiter_not_found",
    "recruiter_unchecked",
    "recruiter_individual",
]
"""The texts the follow-up sends, and the registration shows, about a person's plan."""


class Checklist(_Strict):
    """The steps in order, the destination warnings, and the follow-up's texts."""

    reviewed: date
    steps: list[Step] = Field(min_length=1)
    warnings: list[DestinationWarning] = Field(default_factory=list)
    notices: dict[NoticeName, I18n]

    def notice(self, name: NoticeName, lang: str) -> str:
        """A follow-up text in `lang` (Indonesian if missing)."""
        texts = self.notices.get(name) or {}
        return texts.get(lang) or texts.get("id", "")

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if any."""
        return next((step for step in self.steps if step.id == step_id), None)

    def steps_for(self, country: str, sector: str) -> list[Step]:
        """The steps of one person's route, in order."""
        return [step for step in self.steps if step.applies(country, sector)]

    def warnings_for(self, country: str, sector: str) -> list[DestinationWarning]:
        """What a person going to `country` for work in `sector` must be told at once."""
        return [warning for warning in self.warnings if warning.applies(country, sector)]


def load_checklist(
    path: Path, display: str, vocabulary: Vocabulary, languages: list[str]
) -> tuple[Checklist | None, list[Problem]]:
    """Read and check the checklist: unique step ids, known country and sector codes, every
    text in every language, titles short enough for a button, details within one screen."""
    checklist, document, problems = load_model(path, display, Checklist)
    if checklist is None:
        return None, problems
    seen: set[str] = set()
    items: list[tuple[str, int, Step | DestinationWarning]] = [
        *(("steps", index, step) for index, step in enumerate(checklist.steps)),
        *(("warnings", index, warning) for index, warning in enumerate(checklist.warnings)),
    ]
    for section, index, item in items:
        found = _item_problems(item, seen, vocabulary, languages)
        seen.add(item.id)
        problems += [
            Problem(
                display,
                line_of(document, (section, index, key)),
                f"{section}.{index}.{key}: {message}",
            )
            for key, message in found
        ]
    for name in get_args(NoticeName):
        for lang in languages:
            if not (checklist.notices.get(name, {}).get(lang) or "").strip():
                line = line_of(document, ("notices", name))
                problems.append(Problem(display, line, f"notices.{name}: missing '{lang}' text"))
    return checklist, problems


def _item_problems(
    item: Step | DestinationWarning, seen: set[str], vocabulary: Vocabulary, languages: list[str]
) -> list[tuple[str, str]]:
    """What is wrong with one step or warning, as (key, message)."""
    found: list[tuple[str, str]] = []
    if not STEP_ID.match(item.id) or item.id in seen:
        found.append(("id", f"'{item.id}' must be unique, lowercase letters, digits and _"))
    found += [
        ("countries", f"'{code}' is not a country code of vocabulary.yaml")
        for code in item.countries
        if code not in vocabulary.countries
    ]
    found += [
        ("sectors", f"'{code}' is not a sector code of vocabulary.yaml")
        for code in item.sectors
        if code not in vocabulary.sectors
    ]
    texts: dict[str, I18n] = (
        {"title": item.title, "where": item.where, "bring": item.bring, "red_flag": item.red_flag}
        if isinstance(item, Step)
        else {"text": item.text}
    )
    for key, text in texts.items():
        if text or key not in ("bring", "red_flag"):  # those two are optional
            found += [
                (key, f"missing translation '{lang}'")
                for lang in languages
                if not (text.get(lang) or "").strip()
            ]
    if isinstance(item, Step):
        for lang in languages:
            title = item.title.get(lang, "")
            if len(title) > TITLE_CHARS:
                found.append(("title", f"'{title}' ({lang}) is over {TITLE_CHARS} characters"))
            detail = sum(len(text.get(lang, "")) for text in texts.values()) + 60
            detail += len("; ".join(item.sources)) + SOURCES_LINE
            if detail > DETAIL_CHARS:
                found.append(
                    (
                        "where",
                        f"the step's texts ({lang}) do not fit one screen "
                        f"({detail} of {DETAIL_CHARS} characters): shorten them",
                    )
                )
    return found
