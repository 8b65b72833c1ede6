"""The statistics as SVG charts: well-formed, self-contained pictures that scale to any
screen, with every label escaped, small counts drawn as "< 5", the figures also as table
rows, and nothing in them that names a reporter."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.figures import SMALL_TEXT, Names, Tally, build_figures
from bot.officers.charts import svg_charts
from bot.records import Area
from tests.test_figures import REPORTER_NAME, REPORTER_PHONE, figures_of, seeded  # noqa: F401

SVG = "{http://www.w3.org/2000/svg}"
KEYS = [
    "weekly",
    "kecamatan",
    "country",
    "red_flags",
    "time_to_act",
    "topics",
    "unanswered",
    "verdicts_by_country",
    "registrations_by_desa",
]
HOSTILE = '<script>alert("x")</script> & co'
KECAMATAN = ("Anyar", "Pontang", "Tanara")


def hand_made_figures(area: Area = Area()):  # noqa: B008  (a frozen record)
    since = datetime(2026, 10, 5, tzinfo=UTC)
    tally = Tally(
        area=area,
        since=since,
        until=since + timedelta(weeks=2),
        weekly={date(2026, 10, 5): (1, 7), date(2026, 10, 12): (0, 3)},
        kecamatan={"pontang": 8, "Anyar": 2},
        countries={"MY": 6, HOSTILE: 1},
        hours_to_claim=[1.5] * 6,
        hours_to_close=[80.0] * 2,
        node_visits={"page": 4, "menu": 9},
        red_flags={"money": 6},
        verdicts={("MY", "danger"): 5, ("MY", "ok"): 1},
        registrations={("Pontang", "Singarajan"): 7, ("Pontang", "Kalapian"): 2},
    )
    names = Names(
        kecamatan=KECAMATAN,
        country=lambda text: {"MY": "Malaysia"}.get(text, ""),
        topics={"page": HOSTILE},
        red_flags={"money": "Asked to pay"},
        unanswered=[(HOSTILE, 6)],
    )
    return build_figures(tally, names)


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_chart_is_a_self_contained_picture_that_fits_any_screen(lang):
    charts = svg_charts(hand_made_figures(), lang)
    assert [chart.key for chart in charts] == KEYS
    for chart in charts:
        root = parse(chart.svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img"
        assert root.get("width") == "100%" and root.get("viewBox", "").startswith("0 0 400 ")
        assert root[0].tag == f"{SVG}title" and root[0].text == chart.title
        tags = {element.tag.removeprefix(SVG) for element in root.iter()}
        assert tags <= {"svg", "title", "text", "rect", "line"}, tags
        assert not re.search(r"href|url\(|@import|<script|javascript:", chart.svg, re.I)
        sizes = [int(e.get("font-size", "13")) for e in root.iter(f"{SVG}text")]
        assert min(sizes) >= 11, "readable on a phone"


def test_labels_are_escaped_and_kept_as_text():
    charts = {chart.key: chart for chart in svg_charts(hand_made_figures(), "en")}
    for key in ("topics", "unanswered"):
        texts = [e.text for e in parse(charts[key].svg).iter(f"{SVG}text")]
        assert HOSTILE in texts, texts
        assert (HOSTILE, charts[key].rows[0][1]) == charts[key].rows[0]
    assert "Other / unclear" in dict(charts["country"].rows), "a typed place is never shown"


def test_small_counts_are_drawn_as_under_five_and_listed_so():
    charts = {chart.key: chart for chart in svg_charts(hand_made_figures(), "id")}
    rows = charts["kecamatan"].rows
    assert rows == [("Anyar", SMALL_TEXT), ("Pontang", "8"), ("Tanara", SMALL_TEXT)]
    texts = [e.text for e in parse(charts["kecamatan"].svg).iter(f"{SVG}text")]
    assert texts.count(SMALL_TEXT) == 2 and "2" not in texts
    dashed = [e for e in parse(charts["kecamatan"].svg).iter(f"{SVG}rect") if e.get("stroke")]
    assert len(dashed) == 2, "hidden counts are outlines of one size, never their own"
    verdicts = dict(charts["verdicts_by_country"].rows)
    assert verdicts["Malaysia: Bahaya"] == "5" and verdicts["Malaysia: Tampak resmi"] == "< 5"


def test_registrations_name_only_the_desa_with_five_people_or_more():
    charts = {chart.key: chart for chart in svg_charts(hand_made_figures(), "en")}
    desa = charts["registrations_by_desa"]
    assert desa.rows == [("Singarajan (Pontang)", "7"), ("Other desa (< 5 each)", SMALL_TEXT)]
    assert "Kalapian" not in desa.svg
    scoped = svg_charts(hand_made_figures(Area("Pontang")), "id")
    rows = {chart.key: chart for chart in scoped}["registrations_by_desa"].rows
    assert rows[0] == ("Singarajan", "7")


def test_weekly_and_time_charts_give_their_figures_as_rows():
    charts = {chart.key: chart for chart in svg_charts(hand_made_figures(), "en")}
    assert charts["weekly"].rows == [
        ("Week from 05-10-2026", "8 (urgent 1)"),
        ("Week from 12-10-2026", "3 (urgent 0)"),
    ]
    times = dict(charts["time_to_act"].rows)
    assert times["Median claimed"] == "1.5 h"
    assert times["Median closed"] == "fewer than 5 reports"
    assert times["Claimed: 1–6 hours"] == "6"


def test_an_area_chart_hides_its_small_weeks():
    charts = svg_charts(hand_made_figures(Area("Pontang")), "en")
    weekly = {chart.key: chart for chart in charts}["weekly"]
    assert weekly.rows[1] == ("Week from 12-10-2026", "< 5 (urgent < 5)")
    assert "3" not in [e.text for e in parse(weekly.svg).iter(f"{SVG}text")]


async def test_charts_from_filed_reports_name_nobody(seeded):  # noqa: F811
    for lang in ("id", "en"):
        for chart in svg_charts(await figures_of(seeded, lang=lang), lang):
            parse(chart.svg)
            text = chart.svg + repr(chart.rows)
            assert REPORTER_NAME not in text and "Rina" not in text
            assert REPORTER_PHONE not in text and "SRG-" not in text
