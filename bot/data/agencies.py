"""The registry of licensed placement agencies (P3MI) in `content/data/agencies.csv`.

One row per agency: name, SIP3MI licence number, status (active, suspended or
revoked) with its date, head office, branches (separated by `|`) and phone. The
`# as_of:` and `# source:` header lines say whose list it is and how current;
`# sample: true` marks example data, which users are told about every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from bot.data.csvfile import CsvError, Table, parse_date, read_table
from bot.data.matching import NameIndex
from bot.yamlsource import Problem

COLUMNS = ("name", "licence", "status", "status_date", "head_office", "branches", "phone")
REQUIRED = ("name", "licence", "status", "status_date", "head_office")
Status = Literal["active", "suspended", "revoked"]
STATUSES = ("active", "suspended", "revoked")
STATUS_WORDS: dict[str, Status] = {
    "active": "active",
    "aktif": "active",
    "suspended": "suspended",
    "dibekukan": "suspended",
    "beku": "suspended",
    "revoked": "revoked",
    "dicabut": "revoked",
    "cabut": "revoked",
}
BRANCH_SEPARATOR = "|"
MIN_PHONE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class Agency:
    """One P3MI as the registry lists it."""

    name: str
    licence: str
    status: Status
    status_date: date
    head_office: str
    branches: tuple[str, ...] = ()
    phone: str = ""

    def row(self) -> list[str]:
        """The agency as a CSV row in COLUMNS order."""
        return [
            self.name,
            self.licence,
            self.status,
            self.status_date.isoformat(),
            self.head_office,
            f" {BRANCH_SEPARATOR} ".join(self.branches),
            self.phone,
        ]


@dataclass(frozen=True, slots=True)
class Match:
    """A search result: the agency, and whether the query named it exactly."""

    agency: Agency
    exact: bool


@dataclass(frozen=True)
class AgencyRegistry:
    """All agencies of one list, with where the list comes from and how current it is."""

    agencies: tuple[Agency, ...] = ()
    as_of: date | None = None
    source: str = ""
    sample: bool = False
    index: NameIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [agency.name for agency in self.agencies]
        licences = [agency.licence for agency in self.agencies]
        object.__setattr__(self, "index", NameIndex(names, licences))

    @property
    def loaded(self) -> bool:
        """Whether a registry file was loaded (an empty registry answers nothing)."""
        return self.as_of is not None

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """The agencies `query` most likely means, exact matches first."""
        return [
            Match(self.agencies[hit.index], hit.exact) for hit in self.index.search(query, limit)
        ]

    def short_name(self, agency: Agency) -> str:
        """The words of the agency's name that tell it apart (no 'PT', no brackets)."""
        return self.index.short_name(self.agencies.index(agency))

    def by_licence(self, licence: str) -> Agency | None:
        """The agency holding exactly this licence number."""
        return next((agency for agency in self.agencies if agency.licence == licence), None)

    def meta(self) -> dict[str, str]:
        """The header lines of the file that holds this registry."""
        meta = {"as_of": self.as_of.isoformat() if self.as_of else "", "source": self.source}
        return {**meta, "sample": "true"} if self.sample else meta


def load_agencies(path: Path, display: str) -> tuple[AgencyRegistry | None, list[Problem]]:
    """Read and check the registry file; None when it has any problem."""
    try:
        table = read_table(path, display)
    except CsvError as error:
        return None, [error.problem]
    return parse_agencies(table)


def parse_agencies(table: Table) -> tuple[AgencyRegistry | None, list[Problem]]:
    """Check every row of a registry table; the registry only if all rows are good."""
    problems = table.column_problems(REQUIRED, COLUMNS)
    if problems:
        return None, problems
    problems = list(table.problems)
    as_of = parse_date(table.meta.get("as_of", ""))
    if as_of is None:
        problems.append(Problem(table.display, 1, "header line '# as_of: YYYY-MM-DD' missing"))
    source = table.meta.get("source", "")
    if not source:
        problems.append(Problem(table.display, 1, "header line '# source: ...' missing"))
    sample = table.meta.get("sample", "false").lower() == "true"
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        agency, reasons = _agency(row, sample)
        licence = row.get("licence", "").upper()
        if licence and licence in seen:
            reasons.append(f"licence '{row['licence']}' already listed on line {seen[licence]}")
        seen.setdefault(licence, line)
        problems += [Problem(table.display, line, reason) for reason in reasons]
        if agency and not reasons:
            agencies.append(agency)
    if not table.rows:
        problems.append(Problem(table.display, table.header_line, "no agencies listed"))
    if problems:
        return None, problems
    return AgencyRegistry(tuple(agencies), as_of, source, sample), []


def _agency(row: dict[str, str], sample: bool) -> tuple[Agency | None, list[str]]:
    reasons = [f"'{name}' is empty" for name in REQUIRED if not row.get(name)]
    status = STATUS_WORDS.get(row.get("status", "").lower())
    if row.get("status") and status is None:
        reasons.append(
            f"status '{row['status']}' is not one of {', '.join(STATUSES)} "
            "(or aktif, dibekukan, dicabut)"
        )
    status_date = parse_date(row.get("status_date", ""))
    if row.get("status_date") and status_date is None:
        reasons.append(f"status_date '{row['status_date']}' is not a date like 2026-11-28")
    phone = row.get("phone", "")
    if phone and sample:
        reasons.append("a sample file must not list phone numbers; leave 'phone' empty")
    elif phone and sum(char.isdigit() for char in phone) < MIN_PHONE_DIGITS:
        reasons.append(f"phone '{phone}' has too few digits")
    if reasons or status is None or status_date is None:
        return None, reasons
    branches = tuple(
        part.strip() for part in row.get("branches", "").split(BRANCH_SEPARATOR) if part.strip()
    )
    agency = Agency(
        row["name"], row["licence"], status, status_date, row["head_office"], branches, phone
    )
    return agency, reasons
