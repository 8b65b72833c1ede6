"""Loading the tool registries of `content/data/` in dependency order, with every problem.

The vocabulary comes first (jobs, rules and the checklist use its codes), then the
agencies (jobs name a P3MI), then jobs, the offer-check rules, the kecamatan and desa, and
the checklist of the official route. A file that is absent leaves its registry empty; the
actions that need it make `check-content` say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.data.advert_rules import load_advert_rules
from bot.data.agencies import AgencyRegistry, load_agencies
from bot.data.checklist import load_checklist
from bot.data.jobs import load_jobs
from bot.data.offer_rules import load_offer_rules
from bot.data.vocabulary import Vocabulary, load_vocabulary
from bot.data.wilayah import load_wilayah
from bot.yamlsource import Problem

AGENCIES = "agencies.csv"
JOBS = "jobs.csv"
VOCABULARY = "vocabulary.yaml"
OFFER_RULES = "offer_rules.yaml"
ADVERT_RULES = "advert_rules.yaml"
WILAYAH = "wilayah.yaml"
CHECKLIST = "checklist.yaml"


@dataclass
class ToolData:
    """The loaded registries (as ContentData fields), their problems and their bytes."""

    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    blobs: list[bytes] = field(default_factory=list)


def load_tool_data(
    folder: Path, display: Callable[[Path], str], languages: list[str], today: date
) -> ToolData:
    """Load every tool registry under `folder` that exists."""
    out = ToolData()

    def present(name: str) -> Path | None:
        path = folder / name
        if not path.exists():
            return None
        out.blobs.append(path.read_bytes())
        return path

    vocabulary, agencies = Vocabulary(), AgencyRegistry()
    if path := present(VOCABULARY):
        loaded, problems = load_vocabulary(path, display(path), languages)
        out.problems += problems
        vocabulary = out.fields["vocabulary"] = loaded or vocabulary
    if path := present(AGENCIES):
        registry, problems = load_agencies(path, display(path))
        out.problems += problems
        agencies = out.fields["agencies"] = registry or agencies
    if path := present(JOBS):
        board, problems = load_jobs(path, display(path), vocabulary, agencies, today)
        out.problems += problems
        if board:
            out.fields["jobs"] = board
    if path := present(OFFER_RULES):
        rules, problems = load_offer_rules(path, display(path), vocabulary, languages)
        out.problems += problems
        out.fields["offer_rules"] = rules
        if path := present(ADVERT_RULES):
            adverts, problems = load_advert_rules(path, display(path), rules, languages)
            out.problems += problems
            out.fields["advert_rules"] = adverts
    if path := present(WILAYAH):
        wilayah, problems = load_wilayah(path, display(path))
        out.problems += problems
        out.fields["wilayah"] = wilayah
    if path := present(CHECKLIST):
        checklist, problems = load_checklist(path, display(path), vocabulary, languages)
        out.problems += problems
        out.fields["checklist"] = checklist
    return out
