"""The officers' statistics as charts people look at rather than read, for the web console:
each chart an inline SVG drawn on the server, with its figures as rows (label, value) for a
table that screen readers read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.figures import Figures
from bot.officers.plots import plots
from bot.officers.svg import draw_svg


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
    return [Chart(p.key, p.title, draw_svg(p), p.rows) for p in plots(figures, lang)]
