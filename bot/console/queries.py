"""The queue's filters as they come in a request's query string, checked, and as the
store's `ReportQuery` for an officer's role.

Anything that does not parse is ignored rather than refused: a filter link that was
edited by hand shows the unfiltered queue, never an error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlencode

from bot.console.roles import Role, official_name
from bot.records import ReportQuery

PER_PAGE = 50
EXPORT_LIMIT = 20_000  # reports in one export at most
MAX_PAGE = 10_000
TEXT_CHARS = 100
STATUSES = ("open", "received", "claimed", "closed")
WIB = timezone(timedelta(hours=7), "WIB")  # Kabupaten Serang's time: dates are its days
YEARS = range(2000, 2101)  # a date filter outside these years is dropped (a hand-edited link)


@dataclass(frozen=True, slots=True)
class Filters:
    """The queue's filters, as the form shows them."""

    status: str = ""
    urgent: str = ""  # "yes", "no" or "" (both)
    kind: str = ""  # "report", "question" or "" (both)
    kecamatan: str = ""
    country: str = ""
    since: str = ""  # YYYY-MM-DD
    until: str = ""  # YYYY-MM-DD, included
    text: str = ""
    page: int = 1

    def link(self, **changes: object) -> str:
        """This page's query string with some filters changed ("" or 1 drops a filter)."""
        return filter_link(asdict(self), changes)


def filter_link(filters: dict[str, object], changes: dict[str, object]) -> str:
    """A page's query string: its filters with `changes`, leaving out the empty ones (""
    or 1, the first page)."""
    values = {**filters, **changes}
    kept = {key: value for key, value in values.items() if value not in ("", 1, None)}
    return "?" + urlencode(kept) if kept else "?"


def read_filters(query: Mapping[str, str], kecamatan_names: tuple[str, ...]) -> Filters:
    """The filters of a query string; what is not valid is left out."""

    def pick(key: str, allowed: tuple[str, ...]) -> str:
        value = query.get(key, "")
        return value if value in allowed else ""

    try:
        page = min(max(int(query.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        page = 1
    return Filters(
        status=pick("status", STATUSES),
        urgent=pick("urgent", ("yes", "no")),
        kind=pick("kind", ("report", "question")),
        kecamatan=official_name(query.get("kecamatan", ""), kecamatan_names) or "",
        country=" ".join(query.get("country", "").split())[:TEXT_CHARS],
        since=_date_text(query.get("since", "")),
        until=_date_text(query.get("until", "")),
        text=" ".join(query.get("text", "").split())[:TEXT_CHARS],
        page=page,
    )


def report_query(filters: Filters, role: Role, export: bool = False) -> ReportQuery:
    """What the store is asked for: the filters within the role's area; a page of the
    queue, or (for an export) every match up to EXPORT_LIMIT."""
    urgent = {"yes": True, "no": False}.get(filters.urgent)
    until = _day(filters.until)
    return ReportQuery(
        area=role.area,
        questions=role.whole,
        status=filters.status,
        urgent=urgent,
        kind=filters.kind,
        kecamatan=filters.kecamatan,
        country=filters.country,
        since=_day(filters.since),
        until=until + timedelta(days=1) if until else None,
        text=filters.text,
        offset=0 if export else (filters.page - 1) * PER_PAGE,
        limit=EXPORT_LIMIT if export else PER_PAGE,
    )


def _date_text(text: str) -> str:
    """A YYYY-MM-DD date of a sane year, or "" (so 9999-12-31 plus a day, or 0001-01-01 in
    UTC, never overflows)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return ""
    return day.isoformat() if day.year in YEARS else ""


def _day(text: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(text), time(), WIB) if text else None
