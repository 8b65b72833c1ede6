"""Reports, and the people who registered a plan to work abroad, as a spreadsheet built in
memory: CSV (the Telegram `/export` and the web console) and XLSX (the web console). One
set of columns for both formats.

Every outside text is data, never a formula: a cell that starts like one (= + - @, a tab or
a carriage return: "=HYPERLINK(...)") is made text, in the CSV with a leading apostrophe,
in the XLSX as a text cell marked "quote prefix" (what Excel does when one types an
apostrophe). Personal fields (name, phone, channel) are filled in only when the caller may
show them (`personal`) and the reporter gave them (the report is not anonymous); a
registered person's name only when the caller may show names (`names`) and the person
allowed officers to see it. A registered person's account or number is never exported.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter  # type: ignore[import-untyped]  # no type information published

from bot.officers.candidates import Candidate
from bot.records import ReportRecord

FORMULA_STARTS = frozenset("=+-@\t\r")
COLUMNS = (
    "ref",
    "kind",
    "created_at",
    "status",
    "outcome",
    "urgent",
    "anonymous",
    "place",
    "kecamatan",
    "desa",
    "country",
    "offer",
    "recruiter",
    "name",
    "phone",
    "channel",
    "claimed_by_name",
)
PERSONAL = frozenset({"name", "phone", "channel"})
EXPORT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SHEET = "Laporan"
CANDIDATE_COLUMNS = (
    "kecamatan",
    "desa",
    "name",
    "country",
    "recruiter",
    "recruiter_status",
    "steps_done",
    "steps_total",
    "next_step",
    "days_on_step",
    "stuck",
    "may_contact",
)
CANDIDATE_SHEET = "Calon PMI"


def safe_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting with = + - @, a tab or a carriage
    return (a formula, "=HYPERLINK(...)") gets a leading apostrophe."""
    if _formula_like(value):
        return "'" + str(value)
    return value


def export_rows(reports: list[ReportRecord], personal: bool) -> list[list[str | int]]:
    """Each report as a row of COLUMNS, personal fields blank unless allowed and given."""
    rows: list[list[str | int]] = []
    for report in reports:
        shows_person = personal and not report.anonymous
        values: dict[str, str | int] = {
            "ref": report.ref,
            "kind": report.kind,
            "created_at": report.created_at.isoformat(),
            "status": report.status,
            "outcome": report.outcome,
            "urgent": int(report.urgent),
            "anonymous": int(report.anonymous),
            "place": report.place,
            "kecamatan": report.kecamatan,
            "desa": report.desa,
            "country": report.country,
            "offer": report.offer,
            "recruiter": report.recruiter,
            "name": report.name,
            "phone": report.phone,
            "channel": report.channel,
            "claimed_by_name": report.claimed_by_name,
        }
        rows.append([values[c] if shows_person or c not in PERSONAL else "" for c in COLUMNS])
    return rows


def candidate_rows(candidates: list[Candidate], names: bool) -> list[list[str | int]]:
    """Each registered person as a row of CANDIDATE_COLUMNS; the name blank unless the
    caller may show names and the person allowed it."""
    return [
        [
            c.kecamatan,
            c.desa,
            c.name if names and c.named else "",
            c.country,
            c.recruiter,
            c.recruiter_status,
            c.done,
            c.total,
            c.next_step,
            c.open_days if c.next_step else 0,
            int(c.stuck),
            int(c.contact),
        ]
        for c in candidates
    ]


def export_csv(reports: list[ReportRecord], personal: bool) -> bytes:
    """The reports as UTF-8 CSV with a header row."""
    return _csv(COLUMNS, export_rows(reports, personal))


def export_xlsx(reports: list[ReportRecord], personal: bool) -> bytes:
    """The reports as one XLSX sheet with a header row, built in memory (no file)."""
    return _xlsx(SHEET, COLUMNS, export_rows(reports, personal))


def export_candidates(candidates: list[Candidate], names: bool, kind: str) -> bytes:
    """The registered people as "csv" or "xlsx" (`candidate_rows`), built in memory."""
    rows = candidate_rows(candidates, names)
    if kind == "csv":
        return _csv(CANDIDATE_COLUMNS, rows)
    return _xlsx(CANDIDATE_SHEET, CANDIDATE_COLUMNS, rows)


def _csv(columns: tuple[str, ...], rows: list[list[str | int]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(title: str, columns: tuple[str, ...], rows: list[list[str | int]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(title)
    bold = workbook.add_format({"bold": True})
    as_text = workbook.add_format({"quote_prefix": True})
    for column, name in enumerate(columns):
        sheet.write_string(0, column, name, bold)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(number, column, value)
            elif _formula_like(value):
                sheet.write_string(number, column, value, as_text)
            else:
                sheet.write_string(number, column, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _formula_like(value: object) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_STARTS
