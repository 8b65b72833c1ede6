"""Which figures go in which chart of the officers' statistics, with titles and labels in
the officer's language: each chart as a `Plot` (bars, legend, the figures as rows), that
`svg.py` draws for the web console and `chart_png.py` for Telegram's `/stats`.

Colours are the Okabe-Ito palette (told apart with colour blindness), and every bar carries
its number as text, so nothing is said by colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.figures import SMALL, UNKNOWN, VERDICTS, Count, Durations, Figures

BLUE, VERMILLION, ORANGE, GREEN, SKY = "#0072B2", "#D55E00", "#E69F00", "#009E73", "#56B4E9"

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
        "registrations_by_desa": "Calon PMI yang mendaftarkan rencana, per desa",
        "other_desa": "Desa lain (masing-masing < 5)",
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
        "registrations_by_desa": "People who registered a plan to work abroad, by desa",
        "other_desa": "Other desa (< 5 each)",
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
class Segment:
    """A part of a bar: one series' count (None: hidden, drawn as "< 5"), and the count as
    text when the part is a bar of its own (grouped)."""

    value: int | None
    colour: str
    shown: str = ""


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its parts and the number printed beside it."""

    label: str
    segments: tuple[Segment, ...]
    shown: str

    def length(self, grouped: bool = False) -> int:
        """How long the bar is drawn: its parts end to end, or its longest part when each
        part is a thin bar of its own (`grouped`); a hidden count has one fixed size."""
        lengths = [SMALL if part.value is None else part.value for part in self.segments]
        return max(lengths, default=0) if grouped else sum(lengths)


@dataclass(frozen=True, slots=True)
class Plot:
    """One chart to draw: horizontal `bars` (stacked parts), `grouped` bars (each part a
    thin bar of its own) or stacked `columns`; with the legend, the text when there is no
    data, and the figures as (label, value) rows."""

    key: str
    title: str
    shape: Literal["bars", "grouped", "columns"]
    bars: list[Bar]
    legend: list[tuple[str, str]]
    empty: str
    rows: list[tuple[str, str]]


def plots(figures: Figures, lang: str) -> list[Plot]:
    """Every chart of the statistics, in the order they are shown."""
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
        _bars("registrations_by_desa", _other_desa(figures.registrations_by_desa, words), words),
    ]


def _bars(key: str, counts: tuple[Count, ...], words: dict[str, str]) -> Plot:
    bars = [Bar(c.label, (Segment(c.value, BLUE),), c.shown) for c in counts]
    rows = [(c.label, c.shown) for c in counts]
    return Plot(key, words[key], "bars", bars, [], words["empty"], rows)


def _named(counts: tuple[Count, ...], words: dict[str, str]) -> tuple[Count, ...]:
    return tuple(Count(words["unknown"], c.value) if c.label == UNKNOWN else c for c in counts)


def _other_desa(counts: tuple[Count, ...], words: dict[str, str]) -> tuple[Count, ...]:
    return tuple(Count(words["other_desa"], c.value) if c.label == UNKNOWN else c for c in counts)


def _weekly(figures: Figures, words: dict[str, str]) -> Plot:
    columns = [
        Bar(
            f"{week.start:%d-%m}",
            (Segment(week.urgent.value, VERMILLION), Segment(week.other.value, BLUE)),
            _total(week.urgent, week.other),
        )
        for week in figures.weekly
    ]
    legend = [(words["urgent"], VERMILLION), (words["other"], BLUE)]
    rows = [
        (
            words["week"].format(day=f"{week.start:%d-%m-%Y}"),
            f"{_total(week.urgent, week.other)} ({words['urgent'].lower()} {week.urgent.shown})",
        )
        for week in figures.weekly
    ]
    return Plot("weekly", words["weekly"], "columns", columns, legend, words["empty"], rows)


def _total(first: Count, second: Count) -> str:
    """The two counts added up; a hidden one makes the sum "< 5" or "≥" the other."""
    if first.value is not None and second.value is not None:
        return str(first.value + second.value)
    shown = [count.value for count in (first, second) if count.value is not None]
    return f"≥ {shown[0]}" if shown else first.shown


def _time_to_act(figures: Figures, words: dict[str, str]) -> Plot:
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
    rows = list(medians)
    rows += [(f"{words['claim']}: {words[bucket.label]}", bucket.shown) for bucket in claim.buckets]
    rows += [(f"{words['close']}: {words[bucket.label]}", bucket.shown) for bucket in close.buckets]
    title = words["time_to_act"]
    return Plot(
        "time_to_act", title, "grouped", [] if empty else bars, legend, words["empty"], rows
    )


def _median(durations: Durations, what: str, words: dict[str, str]) -> tuple[str, str]:
    """("Median claimed", "2 h"): the time, or that there were too few reports for one."""
    name, hours = words["median"].format(what=what.lower()), durations.median_hours
    if hours is None:
        return name, words["few"]
    if hours < 48:
        return name, words["hours"].format(n=f"{hours:.1f}".removesuffix(".0"))
    return name, words["days"].format(n=f"{hours / 24:.1f}".removesuffix(".0"))


def _verdicts(figures: Figures, words: dict[str, str]) -> Plot:
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
    title = words["verdicts_by_country"]
    return Plot("verdicts_by_country", title, "bars", bars, legend, words["empty"], rows)
