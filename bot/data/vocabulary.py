"""Names of the country and sector codes that the data files use (`content/data/vocabulary.yaml`).

Job listings and the offer-check rules store short codes (`TW`, `care`); users
see the names in their language, and an import may use either the code or a name.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.engine.spec import I18n
from bot.engine.text import normalize
from bot.yamlsource import Problem, line_of, load_model

CODE = r"^[A-Za-z][A-Za-z0-9_]{1,31}$"


class Vocabulary(BaseModel):
    """Country codes (ISO 3166 alpha-2) and sector codes, each with its names per language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    countries: dict[str, I18n] = Field(default_factory=dict)
    sectors: dict[str, I18n] = Field(default_factory=dict)

    def country(self, code: str, lang: str) -> str:
        """The country's name in `lang` (the code itself if unknown)."""
        return _pick(self.countries.get(code), lang) or code

    def sector(self, code: str, lang: str) -> str:
        """The sector's name in `lang` (the code itself if unknown)."""
        return _pick(self.sectors.get(code), lang) or code

    def country_code(self, text: str) -> str | None:
        """The code of a country given by code or by any of its names."""
        return _code(self.countries, text)

    def country_in(self, text: str) -> str | None:
        """The code of the country a message names: the whole message, else the longest run
        of its words that is a country's name ("mau ke korea selatan" -> KR)."""
        code = self.country_code(text)  # the whole message may be a code ("KH") or a name
        if code:
            return code
        words = normalize(text).split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size + 1):
                code = _code(self.countries, " ".join(words[start : start + size]), codes=False)
                if code:
                    return code
        return None

    def sector_code(self, text: str) -> str | None:
        """The code of a sector given by code or by any of its names."""
        return _code(self.sectors, text)


def _pick(names: I18n | None, lang: str) -> str:
    return (names or {}).get(lang) or (names or {}).get("id", "")


def _code(table: dict[str, I18n], text: str, codes: bool = True) -> str | None:
    """The code `text` names: a name in any language, or (with `codes`) the code itself; in
    a sentence only names count ("om" is a word, not Oman)."""
    wanted = normalize(text)
    for code, names in table.items():
        if (codes and wanted == normalize(code)) or wanted in {
            normalize(name) for name in names.values()
        }:
            return code
    return None


def load_vocabulary(
    path: Path, display: str, languages: list[str]
) -> tuple[Vocabulary | None, list[Problem]]:
    """Read and check the vocabulary file; every name needs every language."""
    vocabulary, document, problems = load_model(path, display, Vocabulary, empty={})
    if vocabulary is None:
        return None, problems
    problems = []
    for kind, table in (("countries", vocabulary.countries), ("sectors", vocabulary.sectors)):
        for code, names in table.items():
            line = line_of(document, (kind, code))
            if not re.fullmatch(CODE, code):
                problems.append(Problem(display, line, f"{kind}.{code}: use letters, digits, _"))
            problems += [
                Problem(display, line, f"{kind}.{code}: missing translation '{lang}'")
                for lang in languages
                if not (names.get(lang) or "").strip()
            ]
    return vocabulary, problems
