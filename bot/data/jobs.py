"""Verified job listings (`content/data/jobs.csv`): official openings an officer has checked.

One row per job order: reference, country and sector codes (see vocabulary.yaml),
position, employer, the P3MI's licence number (which must be active in the agency
registry), salary, what the worker pays, quota, closing date, and who verified it
when. Listings past their closing date, or whose P3MI is no longer active, are
not shown; nobody has to remember to take them down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.data.agencies import AgencyRegistry
from bot.data.csvfile import CsvError, Table, parse_date, read_table
from bot.data.matching import licence_key
from bot.data.vocabulary import Vocabulary
from bot.yamlsource import Problem

COLUMNS = (
    "ref",
    "country",
    "sector",
    "position",
    "employer",
    "p3mi_licence",
    "salary",
    "worker_pays",
    "quota",
    "closes",
    "verified_by",
    "verified_on",
)
NO_PHONE_COLUMNS = ("position", "employer", "verified_by")
_PHONE = re.compile(r"\+?\d[\d\s\-().]{6,}\d")


@dataclass(frozen=True, slots=True)
class Job:
    """One verified opening."""

    ref: str
    country: str
    sector: str
    position: str
    employer: str
    licence: str
    salary: str
    worker_pays: str
    quota: int
    closes: date
    verified_by: str
    verified_on: date

    def row(self) -> list[str]:
        """The listing as a CSV row in COLUMNS order."""
        return [
            self.ref,
            self.country,
            self.sector,
            self.position,
            self.employer,
            self.licence,
            self.salary,
            self.worker_pays,
            str(self.quota),
            self.closes.isoformat(),
            self.verified_by,
            self.verified_on.isoformat(),
        ]


@dataclass(frozen=True)
class JobBoard:
    """All listings of the file, and whether they are sample data."""

    jobs: tuple[Job, ...] = ()
    sample: bool = False
    loaded: bool = False

    def open(self, today: date, agencies: AgencyRegistry) -> list[Job]:
        """Listings still open on `today` from an active P3MI, newest first."""
        active = {agency.licence for agency in agencies.agencies if agency.status == "active"}
        jobs = [job for job in self.jobs if job.closes >= today and job.licence in active]
        return sorted(jobs, key=lambda job: (job.verified_on, job.ref), reverse=True)

    def meta(self) -> dict[str, str]:
        """The header lines of the file that holds these listings."""
        return {"sample": "true"} if self.sample else {}


def load_jobs(
    path: Path, display: str, vocabulary: Vocabulary, agencies: AgencyRegistry, today: date
) -> tuple[JobBoard | None, list[Problem]]:
    """Read and check the listings; a P3MI that is not active only hides its listings."""
    try:
        table = read_table(path, display)
    except CsvError as error:
        return None, [error.problem]
    return parse_jobs(table, vocabulary, agencies, today, strict=False)


def parse_jobs(
    table: Table, vocabulary: Vocabulary, agencies: AgencyRegistry, today: date, strict: bool
) -> tuple[JobBoard | None, list[Problem]]:
    """Check every row; with `strict` (an import) a P3MI that is not active is an error too."""
    problems = table.column_problems(COLUMNS, COLUMNS)
    if problems:
        return None, problems
    problems = list(table.problems)
    jobs: list[Job] = []
    seen: dict[str, int] = {}
    for line, row in table.rows:
        job, reasons = _job(row, vocabulary, agencies, today)
        if row["ref"] in seen:
            reasons.append(f"ref '{row['ref']}' already listed on line {seen[row['ref']]}")
        seen.setdefault(row["ref"], line)
        problems += [Problem(table.display, line, reason) for reason in reasons]
        if job and not reasons:
            jobs.append(job)
            problems += [
                Problem(table.display, line, reason, "error" if strict else "warning")
                for reason in _agency_reasons(job, agencies)
            ]
    if any(problem.severity == "error" for problem in problems):
        return None, problems
    sample = table.meta.get("sample", "false").lower() == "true"
    return JobBoard(tuple(jobs), sample, loaded=True), problems


def _job(
    row: dict[str, str], vocabulary: Vocabulary, agencies: AgencyRegistry, today: date
) -> tuple[Job | None, list[str]]:
    reasons = [f"'{name}' is empty" for name in COLUMNS if not row[name]]
    if reasons:
        return None, reasons
    country = vocabulary.country_code(row["country"])
    if country is None:
        reasons.append(f"country '{row['country']}' is not in vocabulary.yaml")
    sector = vocabulary.sector_code(row["sector"])
    if sector is None:
        known = ", ".join(vocabulary.sectors)
        reasons.append(f"sector '{row['sector']}' is not in vocabulary.yaml ({known})")
    quota = int(row["quota"]) if row["quota"].isdigit() else 0
    if quota < 1:
        reasons.append(f"quota '{row['quota']}' is not a whole number of at least 1")
    closes, verified_on = parse_date(row["closes"]), parse_date(row["verified_on"])
    for name, value in (("closes", closes), ("verified_on", verified_on)):
        if value is None:
            reasons.append(f"{name} '{row[name]}' is not a date like 2026-11-28")
    if verified_on and verified_on > today:
        reasons.append(f"verified_on {verified_on} is in the future")
    if closes and verified_on and closes < verified_on:
        reasons.append("closes is before verified_on")
    reasons += [
        f"'{name}' contains a phone number; listings never show private numbers"
        for name in NO_PHONE_COLUMNS
        if _PHONE.search(row[name])
    ]
    if reasons or not (country and sector and closes and verified_on):
        return None, reasons
    licence = row["p3mi_licence"]
    wanted = licence_key(licence)
    licence = next(
        (a.licence for a in agencies.agencies if licence_key(a.licence) == wanted), licence
    )
    job = Job(
        row["ref"],
        country,
        sector,
        row["position"],
        row["employer"],
        licence,
        row["salary"],
        row["worker_pays"],
        quota,
        closes,
        row["verified_by"],
        verified_on,
    )
    return job, []


def _agency_reasons(job: Job, agencies: AgencyRegistry) -> list[str]:
    agency = agencies.by_licence(job.licence)
    if agency is None:
        return [f"P3MI licence '{job.licence}' is not in the agency registry; listing hidden"]
    if agency.status != "active":
        return [f"P3MI '{agency.name}' ({job.licence}) is {agency.status}; listing hidden"]
    return []
