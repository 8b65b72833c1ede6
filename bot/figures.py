"""The statistics officers look at, as plain records: what the store counted (`Tally`) and
what a chart may show (`Figures`).

The store counts (`Store.tally`): reports by week, by kecamatan, by country, the hours to
claim and to close, the pages read, the offer and advert checks' verdicts and red flags,
the people who registered a plan to work abroad by desa. It
knows no content, so `build_figures` adds what the content knows (the 29 kecamatan of the
report form, page titles, country names) and hides small numbers: a count of cases in an
area (a kecamatan, a country) under `SMALL` is shown as "< 5", zero included, so that one
small area cannot be told from the others or worked out from a total (for the same reason
no total of the checks is given beside their counts by country). A group of unanswered
questions is shown only when it was asked SMALL times or more: the log keeps no user, so
this counts questions, not people (one person asking five times passes); its label holds
only the content's own words, so it names nobody and every role may see it. When the figures are
for part of the kabupaten (an officer's kecamatan or desa), every count of its reports is an
area count and is hidden the same way. No record here holds a name, a phone number or a
report number.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.records import Area

SMALL = 5
"""Counts of cases in an area below this are shown as SMALL_TEXT, never as the number."""
SMALL_TEXT = "< 5"
VERDICTS = ("ok", "caution", "danger")
"""The offer check's levels, mildest first."""
DURATION_BUCKETS: tuple[tuple[str, float], ...] = (
    ("1h", 1),
    ("6h", 6),
    ("1d", 24),
    ("3d", 72),
    ("7d", 168),
    ("more", float("inf")),
)
"""Bucket key and its upper bound in hours (exclusive) for the time to claim and to close."""
UNKNOWN = ""
"""The label of cases with no country or an unrecognised one, and of the desa that have
fewer than SMALL registered people each (taken together)."""
NUMBERS = re.compile(r"\S*(?:https?:|www\.|://)\S*|\S+@\S+|\S*\d\S*")
"""Links, e-mail addresses and anything with a digit: never part of a chart's label."""
QUESTION_CHARS = 70


@dataclass(frozen=True, slots=True)
class Count:
    """One bar: its label and count; `value` is None when the count is small and hidden."""

    label: str
    value: int | None

    @property
    def shown(self) -> str:
        """The count as text: the number, or "< 5"."""
        return SMALL_TEXT if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class Week:
    """Reports filed in the week starting on Monday `start`: urgent and the others."""

    start: date
    urgent: Count
    other: Count


@dataclass(frozen=True, slots=True)
class Durations:
    """How long reports waited (to be claimed, or to be closed): how many, the median in
    hours (None when under SMALL cases), and how many fell in each DURATION_BUCKETS key."""

    cases: Count
    median_hours: float | None
    buckets: tuple[Count, ...]


@dataclass(frozen=True, slots=True)
class CountryVerdicts:
    """The offer and advert checks' verdicts for one destination country."""

    country: str
    ok: Count
    caution: Count
    danger: Count


@dataclass(frozen=True, slots=True)
class Figures:
    """Every series a chart needs, counted, labelled and with small counts hidden.

    Labels are ready to show except: `Durations.buckets` (DURATION_BUCKETS keys) and the
    UNKNOWN country label (""), which the charts name in their language."""

    area: Area
    since: datetime
    until: datetime
    reports: Count  # reports (not questions) filed in the period
    weekly: tuple[Week, ...]  # oldest first, every week of the period
    # every kecamatan of the report form, in its order; for an area only its own bar
    kecamatan: tuple[Count, ...]
    countries: tuple[Count, ...]  # most reports first; UNKNOWN last
    red_flags: tuple[Count, ...]  # red flags the checks found, most found first
    time_to_claim: Durations
    time_to_close: Durations
    topics: tuple[Count, ...]  # page titles, most read first
    unanswered: tuple[Count, ...]  # questions the bot could not answer, most asked first
    verdicts_by_country: tuple[CountryVerdicts, ...]  # most checks first
    # people who registered a plan, by desa: the desa with SMALL or more (most first, at
    # most `top`), then UNKNOWN for all the others together; empty when nobody registered
    registrations_by_desa: tuple[Count, ...] = ()


@dataclass(frozen=True, slots=True)
class Tally:
    """What the store counted for an area and a period, before labels and hiding. Keys are
    as stored: kecamatan and country as typed or chosen, node ids, red-flag ids."""

    area: Area
    since: datetime
    until: datetime
    weekly: dict[date, tuple[int, int]]  # Monday -> (urgent, other)
    kecamatan: dict[str, int]
    countries: dict[str, int]
    hours_to_claim: list[float]
    hours_to_close: list[float]
    node_visits: dict[str, int]
    red_flags: dict[str, int]
    verdicts: dict[tuple[str, str], int]  # (country code, verdict) -> checks
    registrations: dict[tuple[str, str], int] = field(default_factory=dict)  # (kec., desa)


@dataclass(frozen=True, slots=True)
class Names:
    """What only the content knows, for `build_figures`."""

    kecamatan: tuple[str, ...]  # the report form's choices, in order
    country: Callable[[str], str]  # a stored country (code or typed name) -> its label
    topics: Mapping[str, str]  # node id -> page title (nodes not here are not topics)
    red_flags: Mapping[str, str] = field(default_factory=dict)  # flag id -> short line
    # (a group's label, times asked): the label is the group's key terms (see
    # `bot.officers.statistics.question_label`), never a question as typed
    unanswered: Iterable[tuple[str, int]] = ()


def build_figures(tally: Tally, names: Names, top: int = 10) -> Figures:
    """The figures of a tally: labelled, zeros filled in, small area counts hidden."""
    scoped = bool(tally.area.kecamatan)  # part of the kabupaten: every count is an area's
    weekly = tuple(
        Week(start, _count("urgent", urgent, scoped), _count("other", other, scoped))
        for start, (urgent, other) in sorted(tally.weekly.items())
    )
    total = sum(urgent + other for urgent, other in tally.weekly.values())
    by_kecamatan = Counter({name.casefold(): 0 for name in names.kecamatan})
    for name, count in tally.kecamatan.items():
        if name.casefold() in by_kecamatan:
            by_kecamatan[name.casefold()] += count
    countries: Counter[str] = Counter()
    for name, count in tally.countries.items():
        countries[names.country(name) if name.strip() else UNKNOWN] += count
    verdicts: dict[str, Counter[str]] = {}
    for (code, verdict), count in tally.verdicts.items():
        verdicts.setdefault(names.country(code) if code else UNKNOWN, Counter())[verdict] += count
    return Figures(
        area=tally.area,
        since=tally.since,
        until=tally.until,
        reports=_count("reports", total, scoped),
        weekly=weekly,
        kecamatan=_by_kecamatan(tally.area, by_kecamatan, names.kecamatan),
        countries=tuple(
            _count(label, count, True)
            for label, count in sorted(
                countries.items(), key=lambda item: (item[0] == UNKNOWN, -item[1], item[0])
            )
        ),
        red_flags=tuple(
            Count(names.red_flags.get(flag, flag), count)
            for flag, count in Counter(tally.red_flags).most_common(top)
        ),
        time_to_claim=_durations(tally.hours_to_claim, scoped),
        time_to_close=_durations(tally.hours_to_close, scoped),
        topics=tuple(
            Count(names.topics[node], count)
            for node, count in Counter(
                {node: n for node, n in tally.node_visits.items() if node in names.topics}
            ).most_common(top)
        ),
        unanswered=tuple(
            Count(label, count)
            for label, count in (
                (_without_numbers(text), count) for text, count in names.unanswered
            )
            if label and count >= SMALL
        )[:top],
        verdicts_by_country=tuple(
            CountryVerdicts(country, *(_count(v, found[v], True) for v in VERDICTS))
            for country, found in sorted(
                verdicts.items(), key=lambda item: (item[0] == UNKNOWN, -item[1].total(), item[0])
            )
        ),
        registrations_by_desa=_by_desa(tally.registrations, tally.area, top),
    )


def _by_kecamatan(
    area: Area, counts: Counter[str], kecamatan_names: tuple[str, ...]
) -> tuple[Count, ...]:
    """Every kecamatan of the report form for the whole kabupaten; for an officer's area
    only its own bar (named after the desa for a desa), never the others as "< 5": they are
    outside the area, not small."""
    if not area.kecamatan:
        return tuple(_count(name, counts[name.casefold()], True) for name in kecamatan_names)
    official = {name.casefold(): name for name in kecamatan_names}
    label = area.desa or official.get(area.kecamatan.casefold(), area.kecamatan)
    return (_count(label, counts[area.kecamatan.casefold()], True),)


def _by_desa(counts: dict[tuple[str, str], int], area: Area, top: int) -> tuple[Count, ...]:
    """The desa with SMALL or more registered people by name (the kecamatan beside it when
    the area is the whole kabupaten), and the rest together: a desa with a few people is
    never named, so no one can be singled out."""
    if not counts:
        return ()
    named = sorted(
        (
            (desa if area.kecamatan else f"{desa} ({kecamatan})", count)
            for (kecamatan, desa), count in counts.items()
            if count >= SMALL and desa
        ),
        key=lambda item: (-item[1], item[0]),
    )[:top]
    rest = sum(counts.values()) - sum(count for _, count in named)
    return (*(Count(label, count) for label, count in named), _count(UNKNOWN, rest, True))


def _count(label: str, value: int, hide_small: bool) -> Count:
    return Count(label, None if hide_small and value < SMALL else value)


def _durations(hours: list[float], scoped: bool) -> Durations:
    buckets = Counter(
        next(key for key, bound in DURATION_BUCKETS if value < bound) for value in hours
    )
    return Durations(
        cases=_count("cases", len(hours), scoped),
        median_hours=statistics.median(hours) if len(hours) >= SMALL else None,
        buckets=tuple(_count(key, buckets[key], scoped) for key, _ in DURATION_BUCKETS),
    )


def _without_numbers(text: str) -> str:
    """A question's label as a chart may show it: links, e-mail addresses and words with a
    digit left out, cut to QUESTION_CHARS characters."""
    text = " ".join(NUMBERS.sub(" ", text).split())
    return text if len(text) <= QUESTION_CHARS else text[: QUESTION_CHARS - 1] + "…"
