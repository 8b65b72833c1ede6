"""Counting for the officers' statistics: reports of an area and a period, the pages read,
what the offer and advert checks concluded. Counts only: no name, phone, user or text
leaves this module (`bot.figures` labels them and hides the small ones)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import sqlite_utils

from bot.figures import Tally
from bot.records import Area
from bot.store.database import Database


class StatisticsStore(Database):
    """The counts behind the officers' charts."""

    async def tally(self, area: Area, since: datetime, now: datetime) -> Tally:
        """Reports (not questions) filed in `area` in [since, now), by week (urgent apart),
        kecamatan and country, with the hours they took to be claimed and closed; the
        pages read and the checks' verdicts and red flags in the same days (those are
        anonymous, so kabupaten-wide whatever the area); the people of `area` who
        registered a plan in the period (anonymised ones too), by kecamatan and desa."""

        def read(db: sqlite_utils.Database) -> Tally:
            return _tally(db, area, since, now)

        return await self._call(read)


def _tally(db: sqlite_utils.Database, area: Area, since: datetime, now: datetime) -> Tally:
    rows = db.execute(
        "SELECT r.created_at, r.urgent, r.kecamatan, r.desa, r.claimed_at, r.closed_at, "
        "COALESCE(NULLIF(r.country, ''), (SELECT f.value FROM report_facts f WHERE "
        "f.report_id = r.id AND f.kind = 'country' ORDER BY f.value LIMIT 1), '') "
        "FROM reports r WHERE r.kind = 'report' AND r.created_at >= ? AND r.created_at < ?",
        [since.isoformat(), now.isoformat()],
    ).fetchall()
    weekly = {monday: (0, 0) for monday in _mondays(since.date(), now.date())}
    kecamatan: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    to_claim: list[float] = []
    to_close: list[float] = []
    for created_at, urgent, place, desa, claimed_at, closed_at, country in rows:
        if not area.covers(place or "", desa or ""):
            continue
        created = datetime.fromisoformat(created_at)
        monday = _monday(created.date())
        urgent_count, other_count = weekly.get(monday, (0, 0))
        weekly[monday] = (
            (urgent_count + 1, other_count) if urgent else (urgent_count, other_count + 1)
        )
        if place:
            kecamatan[place] += 1
        if country.strip():
            countries[country.strip()] += 1
        if claimed_at:
            to_claim.append(_hours(created, claimed_at))
        if closed_at:
            to_close.append(_hours(created, closed_at))
    first, last = since.date().isoformat(), now.date().isoformat()
    visits = db.execute(
        "SELECT node, SUM(count) FROM node_visits WHERE day >= ? AND day <= ? GROUP BY node",
        [first, last],
    ).fetchall()
    checks = db.execute(
        "SELECT country, verdict, flag, SUM(count) FROM check_counts WHERE day >= ? AND "
        "day <= ? GROUP BY country, verdict, flag",
        [first, last],
    ).fetchall()
    registered: Counter[tuple[str, str]] = Counter()
    for place, desa, count in db.execute(
        "SELECT kecamatan, desa, COUNT(*) FROM registrations WHERE created_at >= ? AND "
        "created_at < ? GROUP BY kecamatan, desa",
        [since.isoformat(), now.isoformat()],
    ).fetchall():
        if area.covers(place or "", desa or ""):
            registered[(place or "", desa or "")] += count
    red_flags: Counter[str] = Counter()
    verdicts: Counter[tuple[str, str]] = Counter()
    for country, verdict, flag, count in checks:
        if flag:
            red_flags[flag] += count
        else:
            verdicts[(country, verdict)] += count
    return Tally(
        area=area,
        since=since,
        until=now,
        weekly=weekly,
        kecamatan=dict(kecamatan),
        countries=dict(countries),
        hours_to_claim=to_claim,
        hours_to_close=to_close,
        node_visits={node: int(count) for node, count in visits},
        red_flags=dict(red_flags),
        verdicts=dict(verdicts),
        registrations=dict(registered),
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _mondays(first: date, last: date) -> list[date]:
    """The Monday of every week from `first` to `last`, both included."""
    monday, weeks = _monday(first), []
    while monday <= last:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _hours(start: datetime, end: str) -> float:
    return max(0.0, (datetime.fromisoformat(end) - start).total_seconds() / 3600)
