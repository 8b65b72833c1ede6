"""The officers' statistics as charts people look at rather than read: which figures go in
which chart, with titles and labels in the officer's language (`svg.py` draws them). Each
chart also gives its figures as rows (label, value), for a table that screen readers read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.figures import UNKNOWN, VERDICTS, Count, Durations, Figures
from bot.officers.svg import (
    BLUE,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    Bar,
    Segment,
    bar_chart,
    column_chart,
)

TEXTS = {
    "id": {
        "weekly": "Laporan per minggu",
        "kecamatan": "Laporan per kecamatan",
        "country": "Laporan per negara",
        "red_flags": "Tanda bahaya yang ditemukan cek tawaran & iklan",
        "time_to_act": "Waktu sampai laporan diambil dan ditutup",
        "topics": "Topik yang paling banyak dibaca",
        "unanswered": "Pertanyaan yang belum bisa dijawab bot",
        "verdicts_by_country": "Hasil cek tawaran & iklan per negara tujuan",
        "urgent": "Mendesak",
        "other": "Biasa",
        "week": "Minggu mulai {day}",
        "claim": "Diambil",
        "close": "Ditutup",
        "median": "Median {what}",
        "few": "kurang dari 5 laporan",
        "unknown": "Lainnya / tidak jelas",
        "empty": "Belum ada data pada periode ini.",
        "ok": "Tampak resmi",
        "caution": "Hati-hati",
        "danger": "Bahaya",
        "hours": "{n} jam",
        "days": "{n} hari",
        "1h": "< 1 jam",
        "6h": "1–6 jam",
        "1d": "6–24 jam",
        "3d": "1–3 hari",
        "7d": "3–7 hari",
        "more": "> 7 hari",
    },
    "en": {
        "weekly": "Reports per week",
        "kecamatan": "Reports by kecamatan",
        "country": "Reports by country",
        "red_flags": "Red flags found by the offer & advert checks",
        "time_to_act": "Time until a report is claimed and closed",
        "topics": "Topics read most",
        "unanswered": "Questions the bot could not answer yet",
        "verdicts_by_country": "Offer & advert check results by destination country",
        "urgent": "Urgent",
        "other": "Ordinary",
        "week": "Week from {day}",
        "claim": "Claimed",
        "close": "Closed",
        "median": "Median {what}",
        "few": "fewer than 5 reports",
        "unknown": "Other / unclear",
        "empty": "No data in this period yet.",
        "ok": "Looks official",
        "caution": "Be careful",
        "danger": "Danger",
        "hours": "{n} h",
        "days": "{n} days",
        "1h": "< 1 hour",
        "6h": "1–6 hours",
        "1d": "6–24 hours",
        "3d": "1–3 days",
        "7d": "3–7 days",
        "more": "> 7 days",
    },
}
VERDICT_COLOURS = {"ok": GREEN, "caution": ORANGE, "danger": VERMILLION}


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its key, its title, the picture (a complete inline <svg>) and the same
    figures as (label, value) rows."""

    key: str
    title: str
    svg: str
    rows: list[tuple[str, str]]


def svg_charts(figures: Figures, lang: str) -> list[Chart]:
    """Every chart of the statistics page, in the order they are shown."""
    words = TEXTS.get(lang, TEXTS["id"])
    return [
        _weekly(figures, words),
        _bars("kecamatan", figures.kecamatan, words),
        _bars("country", _named(figures.countries, words), words),
        _bars("red_flags", figures.red_flags, words),
        _time_to_act(figures, words),
        _bars("topics", figures.topics, words),
        _bars("unanswered", figures.unanswered, words),
        _verdicts(figures, words),
    ]


def _bars(key: str, counts: tuple[Count, ...], words: dict[str, str]) -> Chart:
    bars = [Bar(c.label, (Segment(c.value, BLUE),), c.shown) for c in counts]
    svg = bar_chart(words[key], bars, [], words["empty"])
    return Chart(key, words[key], svg, [(c.label, c.shown) for c in counts])


def _named(counts: tuple[Count, ...], words: dict[str, str]) -> tuple[Count, ...]:
    return tuple(Count(words["unknown"], c.value) if c.label == UNKNOWN else c for c in counts)


def _weekly(figures: Figures, words: dict[str, str]) -> Chart:
    columns = [
        Bar(
            f"{week.start:%d-%m}",
            (Segment(week.urgent.value, VERMILLION), Segment(week.other.value, BLUE)),
            _total(week.urgent, week.other),
        )
        for week in figures.weekly
    ]
    legend = [(words["urgent"], VERMILLION), (words["other"], BLUE)]
    svg = column_chart(words["weekly"], columns, legend, words["empty"])
    rows = [
        (
            words["week"].format(day=f"{week.start:%d-%m-%Y}"),
            f"{_total(week.urgent, week.other)} ({words['urgent'].lower()} {week.urgent.shown})",
        )
        for week in figures.weekly
    ]
    return Chart("weekly", words["weekly"], svg, rows)


def _total(first: Count, second: Count) -> str:
    """The two counts added up; a hidden one makes the sum "< 5" or "≥" the other."""
    if first.value is not None and second.value is not None:
        return str(first.value + second.value)
    shown = [count.value for count in (first, second) if count.value is not None]
    return f"≥ {shown[0]}" if shown else first.shown


def _time_to_act(figures: Figures, words: dict[str, str]) -> Chart:
    claim, close = figures.time_to_claim, figures.time_to_close
    bars = [
        Bar(
            words[a.label],
            (Segment(a.value, SKY, a.shown), Segment(b.value, BLUE, b.shown)),
            f"{a.shown} / {b.shown}",
        )
        for a, b in zip(claim.buckets, close.buckets, strict=True)
    ]
    medians = [_median(claim, words["claim"], words), _median(close, words["close"], words)]
    legend = [
        (f"{name}: {time}", colour)
        for (name, time), colour in zip(medians, (SKY, BLUE), strict=True)
    ]
    empty = claim.cases.value == 0 and close.cases.value == 0
    svg = bar_chart(words["time_to_act"], [] if empty else bars, legend, words["empty"], True)
    rows = list(medians)
    rows += [(f"{words['claim']}: {words[bucket.label]}", bucket.shown) for bucket in claim.buckets]
    rows += [(f"{words['close']}: {words[bucket.label]}", bucket.shown) for bucket in close.buckets]
    return Chart("time_to_act", words["time_to_act"], svg, rows)


def _median(durations: Durations, what: str, words: dict[str, str]) -> tuple[str, str]:
    """("Median claimed", "2 h"): the time, or that there were too few reports for one."""
    name, hours = words["median"].format(what=what.lower()), durations.median_hours
    if hours is None:
        return name, words["few"]
    if hours < 48:
        return name, words["hours"].format(n=f"{hours:.1f}".removesuffix(".0"))
    return name, words["days"].format(n=f"{hours / 24:.1f}".removesuffix(".0"))


def _verdicts(figures: Figures, words: dict[str, str]) -> Chart:
    bars, rows = [], []
    for found in figures.verdicts_by_country:
        country = words["unknown"] if found.country == UNKNOWN else found.country
        counts = [getattr(found, verdict) for verdict in VERDICTS]
        segments = tuple(
            Segment(count.value, VERDICT_COLOURS[verdict])
            for verdict, count in zip(VERDICTS, counts, strict=True)
        )
        bars.append(Bar(country, segments, " / ".join(count.shown for count in counts)))
        rows += [
            (f"{country}: {words[verdict]}", count.shown)
            for verdict, count in zip(VERDICTS, counts, strict=True)
        ]
    legend = [(words[verdict], VERDICT_COLOURS[verdict]) for verdict in VERDICTS]
    svg = bar_chart(words["verdicts_by_country"], bars, legend, words["empty"])
    return Chart("verdicts_by_country", words["verdicts_by_country"], svg, rows)
