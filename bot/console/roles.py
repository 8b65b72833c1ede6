"""Roles of console accounts and what each may see; what a username may be.

`kabupaten` sees the whole of Kabupaten Serang, `kecamatan:<name>` the reports from one
kecamatan, `desa:<kecamatan>/<desa>` those from one desa; `admin` sees what `kabupaten`
sees and manages accounts. Questions to the officers have no place, so only the roles of
the whole kabupaten see them. Personal fields of a report that is not anonymous (name,
phone, the channel it came by) are shown and exported to the whole-kabupaten roles only: a
kecamatan or desa officer reaches the reporter through "ask the reporter", which keeps the
reporter's contact details with the office that is responsible for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.records import Area, ReportRecord

KINDS = ("admin", "kabupaten", "kecamatan", "desa")


@dataclass(frozen=True, slots=True)
class Role:
    """A parsed role: its kind and the area it covers."""

    kind: str
    area: Area = field(default_factory=Area)

    @property
    def whole(self) -> bool:
        """Whether the role covers the whole kabupaten."""
        return not self.area.kecamatan

    @property
    def personal(self) -> bool:
        """Whether the role may see (and export) reporters' personal fields."""
        return self.whole

    def sees(self, report: ReportRecord) -> bool:
        """Whether a case is this role's to see."""
        if report.kind == "question":
            return self.whole
        return self.area.covers(report.kecamatan, report.desa)

    def __str__(self) -> str:
        if self.kind == "kecamatan":
            return f"kecamatan:{self.area.kecamatan}"
        if self.kind == "desa":
            return f"desa:{self.area.kecamatan}/{self.area.desa}"
        return self.kind


USERNAME = re.compile(r"^[a-z0-9._-]{2,40}$")
"""A username: 2 to 40 lower-case letters, digits, dots, dashes or underscores."""


def checked_username(text: str) -> str:
    """A new account's username, lower-cased. Raises ValueError when it is not one."""
    username = text.strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValueError(
            f"{text[:60]!r} is no username: use 2 to 40 letters a-z, digits, '.', '-' or '_'"
        )
    return username


def parse_role(
    text: str, kecamatan_names: tuple[str, ...], desa_names: Mapping[str, Sequence[str]]
) -> Role:
    """A role as written on the command line; the kecamatan must be one of Kabupaten
    Serang's and a desa one of that kecamatan's (`desa_names`: official kecamatan name ->
    its desa, from content/data/wilayah.yaml), in any case and spacing: the official
    spelling is kept. Raises ValueError."""
    kind, _, place = text.strip().partition(":")
    kind = kind.lower()
    if kind in ("admin", "kabupaten"):
        if place:
            raise ValueError(f"role {kind!r} takes no area")
        return Role(kind)
    if kind not in KINDS:
        raise ValueError(f"unknown role {text!r}: use one of {', '.join(KINDS)}")
    kecamatan, _, desa = place.partition("/") if kind == "desa" else (place, "", "")
    name = official_name(kecamatan, kecamatan_names)
    if name is None:
        raise ValueError(f"{kecamatan!r} is not a kecamatan of Kabupaten Serang")
    if kind == "kecamatan":
        return Role(kind, Area(name))
    if not desa.strip():
        raise ValueError("a desa role is written desa:<kecamatan>/<desa>")
    desa_name = official_name(desa, tuple(desa_names.get(name, ())))
    if desa_name is None:
        raise ValueError(f"{desa.strip()!r} is not a desa of Kecamatan {name}")
    return Role(kind, Area(name, desa_name))


def official_name(text: str, names: tuple[str, ...]) -> str | None:
    """The one of `names` that `text` is, in any case and spacing; None if none is."""
    official = {name.casefold(): name for name in names}
    return official.get(" ".join(text.split()).casefold())


def stored_role(text: str) -> Role:
    """A role as stored (checked when it was written). Anything else covers no place, so
    an account with a damaged role sees nothing."""
    kind, _, place = text.partition(":")
    if kind == "kecamatan":
        return Role(kind, Area(place))
    if kind == "desa":
        kecamatan, _, desa = place.partition("/")
        return Role(kind, Area(kecamatan, desa))
    if kind in KINDS:
        return Role(kind)
    return Role("none", Area(NOWHERE))


NOWHERE = "\0"  # the kecamatan of no report
