"""The statistics page: the charts of `bot.officers.charts` for the officer's area and a
chosen period, each with its figures as a small table beneath (for a screen reader, and
for whoever wants the numbers). The charts are SVG drawn on the server: the page needs no
internet and no script."""

from __future__ import annotations

from bot.console.markup import Html, el
from bot.console.pages import View, frame
from bot.officers.charts import Chart

PERIODS = (30, 90, 365)
"""The periods offered, in days; the first of the address's `days` that is one of them."""
DEFAULT_DAYS = 90


def period_days(text: str) -> int:
    """The period asked for, or the default."""
    return int(text) if text.isdigit() and int(text) in PERIODS else DEFAULT_DAYS


def stats_page(view: View, charts: list[Chart], days: int) -> Html:
    """The page with every chart."""
    t = view.t
    periods = el(
        "nav",
        el("span", t("stats_period") + ":"),
        [
            el(
                "a",
                t("days", days=choice),
                href=f"?days={choice}",
                aria_current="page" if choice == days else None,
            )
            for choice in PERIODS
        ],
        class_="periods",
    )
    figures = [_chart(view, chart) for chart in charts]
    return frame(
        view,
        t("stats_title"),
        el("h1", t("stats_title")),
        periods,
        el("p", t("stats_privacy"), class_="hint"),
        el("div", figures, class_="charts"),
    )


def _chart(view: View, chart: Chart) -> Html:
    rows = [el("tr", el("th", label, scope="row"), el("td", value)) for label, value in chart.rows]
    table = el("details", el("summary", view.t("figures")), el("table", el("tbody", rows)))
    return el(
        "figure",
        Html(chart.svg),  # drawn by bot.officers.charts (its title inside), text escaped there
        table,
        class_="chart",
        id=f"chart-{chart.key}",
        aria_label=chart.title,
    )
