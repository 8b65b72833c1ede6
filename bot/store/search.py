"""The officers' queue as the web console shows it: filtered, limited to an area, paged,
with counts, and a stamp that tells a page it is out of date.

Text search looks at what is not personal (the report number, the offer, the recruiter,
the place and the country), never at a reporter's name or phone.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import sqlite_utils

from bot.records import Area, ReportPage, ReportQuery
from bot.store.database import Database
from bot.store.reports import read_reports

SEARCHED = ("ref", "offer", "recruiter", "kecamatan", "desa", "country")
STATUSES = ("received", "claimed", "closed")


class SearchStore(Database):
    """Filtered pages of reports and questions for the web console."""

    async def search_reports(self, query: ReportQuery) -> ReportPage:
        """Reports matching `query`: open urgent ones first, then the newest first."""

        def read(db: sqlite_utils.Database) -> ReportPage:
            where, params = _conditions(query, with_status=True)
            total = db.execute(f"SELECT COUNT(*) FROM reports WHERE {where}", params).fetchone()[0]
            refs = db.execute(
                f"SELECT ref FROM reports WHERE {where} "
                "ORDER BY (urgent = 1 AND status != 'closed') DESC, id DESC LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            ).fetchall()
            where, params = _conditions(query, with_status=False)
            by_status = dict.fromkeys(STATUSES, 0)
            for status, count in db.execute(
                f"SELECT status, COUNT(*) FROM reports WHERE {where} GROUP BY status", params
            ).fetchall():
                by_status[str(status)] = count
            where, params = _conditions(ReportQuery(area=query.area, questions=False), False)
            countries = [
                str(country)
                for (country,) in db.execute(
                    f"SELECT DISTINCT country FROM reports WHERE {where} AND country != '' "
                    "ORDER BY country COLLATE NOCASE",
                    params,
                ).fetchall()
            ]
            return ReportPage(
                read_reports(db, refs), total, by_status, countries, _stamp(db, query)
            )

        return await self._call(read)

    async def queue_stamp(self, area: Area, questions: bool) -> str:
        """Changes whenever a report (or question, with `questions`) in `area` arrives, is
        claimed or closed, or gets a message: the console's page refreshes itself on it."""
        return await self._call(lambda db: _stamp(db, ReportQuery(area=area, questions=questions)))


def _stamp(db: sqlite_utils.Database, query: ReportQuery) -> str:
    where, params = _conditions(ReportQuery(area=query.area, questions=query.questions), False)
    row = db.execute(
        "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(status = 'received'), 0), "
        "COALESCE(SUM(status = 'closed'), 0), "
        "(SELECT COALESCE(MAX(m.id), 0) FROM report_messages m WHERE m.report_id IN "
        f"(SELECT id FROM reports WHERE {where})) FROM reports WHERE {where}",
        [*params, *params],
    ).fetchone()
    return "-".join(str(value) for value in row)


def _conditions(query: ReportQuery, with_status: bool) -> tuple[str, list[Any]]:
    """The WHERE clause of `query` and its parameters (the area always applies)."""
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    if query.area.kecamatan:
        add("kecamatan = ? COLLATE NOCASE", query.area.kecamatan)
    if query.area.desa:
        add("desa = ? COLLATE NOCASE", query.area.desa)
    if not query.questions:
        add("kind = 'report'")
    elif query.kind:
        add("kind = ?", query.kind)
    if with_status and query.status == "open":
        add("status != 'closed'")
    elif with_status and query.status in STATUSES:
        add("status = ?", query.status)
    if query.urgent is not None:
        add("urgent = ?", int(query.urgent))
    if query.kecamatan:
        add("kecamatan = ? COLLATE NOCASE", query.kecamatan)
    if query.country:
        add("country = ? COLLATE NOCASE", query.country)
    if query.since:
        add("created_at >= ?", query.since.astimezone(UTC).isoformat())
    if query.until:
        add("created_at < ?", query.until.astimezone(UTC).isoformat())
    if query.text.strip():
        pattern = "%" + _escape_like(query.text.strip()) + "%"
        matches = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for column in SEARCHED)
        add(f"({matches})", *([pattern] * len(SEARCHED)))
    return " AND ".join(clauses) or "1", params


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
