"""The kecamatan and desa of Kabupaten Serang (`content/data/wilayah.yaml`), and finding
them by what people type.

Villagers type "cikande", "kec cikande", "Kec. Cikande" or "cikandee"; the words that
only say what kind of place it is ("kecamatan", "desa", "ds") are dropped, then the
name is matched as the engine matches typed options (`match_label`: number, exact,
part of a name, or a close misspelling, never a guess between two close names).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process

from bot.engine.text import match_label, normalize
from bot.yamlsource import Problem, line_of, load_model

KABUPATEN_CODE = re.compile(r"^\d{2}\.\d{2}$")
PLACE_WORDS = re.compile(r"^(?:kecamatan|kec|kc|desa|ds|des|kelurahan|kel|kampung|kp|di|dari)\b\s*")
SUGGEST_SCORE = 70  # how close a name must be to be offered when nothing matched clearly
# (at 60, "walantaka", a kecamatan of Kota Serang, was offered Tanara and Mancak)


class Kecamatan(BaseModel):
    """One kecamatan: its Kemendagri code and name, other spellings, and its desa."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    name: str = Field(min_length=1, max_length=40)
    aliases: list[str] = Field(default_factory=list)
    desa: dict[str, str] = Field(min_length=1)  # code -> name

    def desa_names(self) -> list[str]:
        """The names of its desa, in code order."""
        return [self.desa[code] for code in sorted(self.desa)]

    def find_desa(self, text: str) -> str | None:
        """The desa `text` names clearly, or None."""
        names = self.desa_names()
        index = match_label(place_text(text), names)
        return names[index] if index is not None else None

    def desa_code(self, name: str) -> str:
        """The code of the desa called `name` ("" if none)."""
        return next((code for code, desa in self.desa.items() if desa == name), "")


class Wilayah(BaseModel):
    """The kabupaten's kecamatan and desa, with the regulation they come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=1)
    read_from: str = Field(min_length=1)
    reviewed: date
    kabupaten: dict[str, str]
    kecamatan: list[Kecamatan] = Field(default_factory=list)

    def names(self) -> list[str]:
        """The kecamatan names, as listed."""
        return [kecamatan.name for kecamatan in self.kecamatan]

    def by_name(self, name: str) -> Kecamatan | None:
        """The kecamatan called `name` (its official name or an alias, any case)."""
        wanted = normalize(name)
        for kecamatan in self.kecamatan:
            if wanted in {normalize(n) for n in (kecamatan.name, *kecamatan.aliases)}:
                return kecamatan
        return None

    def find(self, text: str) -> Kecamatan | None:
        """The kecamatan `text` names clearly, or None."""
        found = self.by_name(place_text(text))
        if found:
            return found
        index = match_label(place_text(text), self.names())
        return self.kecamatan[index] if index is not None else None

    def suggest(self, text: str, limit: int = 5) -> list[Kecamatan]:
        """The kecamatan whose names come closest to `text`, best first."""
        names = suggestions(text, self.names(), limit)
        return [kecamatan for name in names if (kecamatan := self.by_name(name))]


def place_text(text: str) -> str:
    """What a person typed, without the words that only say "kecamatan" or "desa"."""
    wanted = normalize(text)
    while (stripped := PLACE_WORDS.sub("", wanted)) != wanted:
        wanted = stripped
    return wanted


def suggestions(text: str, names: list[str], limit: int) -> list[str]:
    """The names closest to `text` (at least SUGGEST_SCORE of 100), best first."""
    wanted = place_text(text)
    if not wanted:
        return []
    found = process.extract(
        wanted,
        {index: normalize(name) for index, name in enumerate(names)},
        scorer=fuzz.WRatio,
        limit=limit,
        score_cutoff=SUGGEST_SCORE,
    )
    return [names[index] for _, _, index in found]


def load_wilayah(path: Path, display: str) -> tuple[Wilayah | None, list[Problem]]:
    """Read and check the file: codes nest (36.04 > 36.04.05 > 36.04.05.2001) and no two
    kecamatan, nor two desa of one kecamatan, share a name."""
    wilayah, document, problems = load_model(path, display, Wilayah)
    if wilayah is None:
        return None, problems
    kabupaten = wilayah.kabupaten.get("code", "")
    if not KABUPATEN_CODE.match(kabupaten):
        problems.append(
            Problem(
                display,
                line_of(document, ("kabupaten",)),
                "kabupaten.code: write it as Kemendagri does, like 36.04",
            )
        )
    seen: set[str] = set()
    for index, kecamatan in enumerate(wilayah.kecamatan):
        line = line_of(document, ("kecamatan", index))
        names = {normalize(name) for name in (kecamatan.name, *kecamatan.aliases)}
        if names & seen:
            problems.append(
                Problem(
                    display,
                    line,
                    f"kecamatan.{index}: '{kecamatan.name}' (or an alias) is listed twice",
                )
            )
        seen |= names
        if not re.fullmatch(rf"{re.escape(kabupaten)}\.\d{{2}}", kecamatan.code):
            problems.append(
                Problem(
                    display,
                    line,
                    f"kecamatan.{index}.code: '{kecamatan.code}' "
                    f"is not a kecamatan code of {kabupaten} (like {kabupaten}.05)",
                )
            )
        desa_seen: set[str] = set()
        for code, name in kecamatan.desa.items():
            desa_line = line_of(document, ("kecamatan", index, "desa", code))
            if not re.fullmatch(rf"{re.escape(kecamatan.code)}\.\d{{4}}", code):
                problems.append(
                    Problem(
                        display,
                        desa_line,
                        f"kecamatan.{index}.desa.{code}: not "
                        f"a desa code of {kecamatan.code} (like "
                        f"{kecamatan.code}.2001)",
                    )
                )
            if normalize(name) in desa_seen or not normalize(name):
                problems.append(
                    Problem(
                        display,
                        desa_line,
                        f"kecamatan.{index}.desa.{code}: '{name}' is empty or listed twice",
                    )
                )
            desa_seen.add(normalize(name))
    return wilayah, problems
