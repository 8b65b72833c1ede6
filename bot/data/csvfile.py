"""CSV registries under `content/data/`: reading with line numbers, writing atomically.

A registry file starts with `# key: value` comment lines (metadata such as the
source and date of the list), then a header row, then one record per row. Files
saved by a spreadsheet work: UTF-8 with or without BOM, `,` or `;` between fields.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.yamlsource import Problem

_META = re.compile(r"^#\s*([a-z_]+)\s*:\s*(.*?)\s*$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")


class CsvError(Exception):
    """The file cannot be read as a table at all (missing, not UTF-8, broken quoting)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file read whole: its metadata, column names and rows with their line numbers."""

    display: str
    meta: dict[str, str]
    columns: list[str]
    header_line: int
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]  # rows with the wrong number of fields

    def column_problems(self, required: Iterable[str], allowed: Iterable[str]) -> list[Problem]:
        """Missing, unknown or repeated columns, reported on the header line."""
        allowed_set = set(allowed)
        found = [f"missing column '{name}'" for name in required if name not in self.columns] + [
            f"unknown column '{name}' (allowed: {', '.join(allowed)})"
            for name in self.columns
            if name not in allowed_set
        ]
        found += [
            f"column '{name}' appears twice"
            for name in sorted({c for c in self.columns if self.columns.count(c) > 1})
        ]
        return [Problem(self.display, self.header_line, message) for message in found]


def read_table(path: Path, display: str) -> Table:
    """Read a registry CSV; raises CsvError when it is not a readable table."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise CsvError(Problem(display, 1, "file not found")) from error
    except UnicodeDecodeError as error:
        message = "not UTF-8 text (save the spreadsheet as 'CSV UTF-8')"
        raise CsvError(Problem(display, 1, message)) from error
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    index = 0
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        found = _META.match(lines[index].strip())
        if found:
            meta[found.group(1)] = found.group(2)
        index += 1
    if index == len(lines):
        raise CsvError(Problem(display, max(index, 1), "no header row"))
    header = lines[index]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(lines[index:], delimiter=delimiter)
    columns = [name.strip().lower() for name in next(reader)]
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    try:
        while True:
            line = index + 1 + reader.line_num
            try:
                record = next(reader)
            except StopIteration:
                break
            if not any(field.strip() for field in record):
                continue
            if len(record) != len(columns):
                problems.append(
                    Problem(
                        display,
                        line,
                        f"{len(record)} fields, but the header has {len(columns)} "
                        f"(use '{delimiter}' only between fields, or quote the field)",
                    )
                )
                continue
            rows.append(
                (line, {name: field.strip() for name, field in zip(columns, record, strict=True)})
            )
    except csv.Error as error:
        raise CsvError(Problem(display, index + reader.line_num, f"CSV: {error}")) from error
    return Table(display, meta, columns, index + 1, rows, problems)


def parse_date(text: str) -> date | None:
    """A date written as 2026-11-28, 28-11-2026 or 28/11/2026; None if it is not one."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def render_table(
    comments: list[str], meta: dict[str, str], columns: list[str], rows: list[list[str]]
) -> str:
    """The CSV text of a registry: comment lines, `# key: value` lines, header, rows."""
    out = io.StringIO()
    for comment in comments:
        out.write(f"# {comment}\n".replace("# \n", "#\n"))
    for key, value in meta.items():
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
