"""Drawing a `Plot` as inline SVG, by hand: horizontal bars (one per label, stacked or
grouped when there are several series) and columns (one per week, stacked).

The picture is text that a page embeds as it is: `viewBox` and `width="100%"` make it fit a
phone or a wide screen; no script, no style sheet, no font or image from elsewhere; every
label escaped. A hidden count ("< 5") is drawn as a dashed box as long as 5 would be, never
as its size.
"""

from __future__ import annotations

from html import escape

from bot.figures import SMALL, SMALL_TEXT
from bot.officers.plots import Bar, Plot, Segment

WIDTH = 400
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
TEXT_SIZE = 13
SMALL_SIZE = 11
CHAR_WIDTH = 7.2  # a character's width at TEXT_SIZE (wide side of average), to fit labels
INK = "#222222"
GRID = "#bbbbbb"
TITLE_LINE = 18
LEGEND_HEIGHT = 20
BAR = 14  # a bar's thickness (a grouped bar's: GROUPED_BAR)
GROUPED_BAR = 10


def draw_svg(plot: Plot) -> str:
    """The plot as a complete inline <svg> element."""
    if plot.shape == "columns":
        return column_chart(plot.title, plot.bars, plot.legend, plot.empty)
    return bar_chart(plot.title, plot.bars, plot.legend, plot.empty, plot.shape == "grouped")


def bar_chart(
    title: str,
    bars: list[Bar],
    legend: list[tuple[str, str]],
    empty: str,
    grouped: bool = False,
) -> str:
    """Horizontal bars, one row per label (the label above its bar when labels are long);
    `grouped`: each part of a bar is a thin bar of its own, one under the other."""
    if not bars:
        return _empty(title, empty)
    longest = max(len(bar.label) for bar in bars) * CHAR_WIDTH
    beside = longest <= WIDTH * 0.36
    label_room = longest + 8 if beside else 0
    thickness = (GROUPED_BAR + 2) * len(bars[0].segments) if grouped else BAR
    row = max(22, thickness + 8) if beside else thickness + 22
    shown = [s.shown for bar in bars for s in bar.segments] if grouped else [b.shown for b in bars]
    value_room = max(len(text) for text in shown) * CHAR_WIDTH + 8
    parts, head = _heading(title)
    legend_parts, legend_height = _legend(legend, head)
    parts += legend_parts
    top = head + legend_height
    longest_bar = max(SMALL, *(bar.length(grouped) for bar in bars))
    scale = (WIDTH - label_room - value_room) / longest_bar
    for number, bar in enumerate(bars):
        y = top + number * row
        bar_y = y + 4 if beside else y + 18
        parts.append(_text(0, y + 15, _fit(bar.label, longest if beside else WIDTH)))
        x = label_room
        for segment in bar.segments:
            length = (SMALL if segment.value is None else segment.value) * scale
            if grouped:
                parts.append(_box(label_room, bar_y, length, GROUPED_BAR, segment))
                parts.append(_text(label_room + length + 4, bar_y + 9, segment.shown, SMALL_SIZE))
                bar_y += GROUPED_BAR + 2
            else:
                parts.append(_box(x, bar_y, length, BAR, segment))
                x += length
        if not grouped:
            parts.append(_text(x + 4, bar_y + 12, bar.shown))
    return _svg(title, top + len(bars) * row + 6, parts)


def column_chart(title: str, columns: list[Bar], legend: list[tuple[str, str]], empty: str) -> str:
    """Vertical stacked columns, one per label (a week), labels under them where they fit."""
    if not columns:
        return _empty(title, empty)
    parts, head = _heading(title)
    legend_parts, legend_height = _legend(legend, head)
    parts += legend_parts
    top = head + legend_height + 16
    plot = 180
    left, gap = 4, 2
    step = (WIDTH - left) / len(columns)
    every = max(1, int(40 // step) + (1 if 40 % step else 0))  # a label every 40 units at most
    scale = plot / max(SMALL, *(column.length() for column in columns))
    base = top + plot
    parts.append(_line(0, base, WIDTH, base))
    for number, column in enumerate(columns):
        x = left + number * step
        y: float = base
        for segment in column.segments:
            height = (SMALL if segment.value is None else segment.value) * scale
            y -= height
            parts.append(_box(x + gap / 2, y, step - gap, height, segment))
        if step >= 22 or column.shown == SMALL_TEXT:
            parts.append(_text(x + step / 2, y - 4, column.shown, SMALL_SIZE, "middle"))
        if number % every == 0:
            parts.append(_text(x + step / 2, base + 14, column.label, SMALL_SIZE, "middle"))
    return _svg(title, base + 22, parts)


def _heading(title: str) -> tuple[list[str], float]:
    """The title in bold, in as many lines as it needs; and the height it takes."""
    most = int(WIDTH / (CHAR_WIDTH * 1.2 * (TEXT_SIZE + 1) / TEXT_SIZE))  # bold: wider
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    parts = [
        _text(0, 16 + number * TITLE_LINE, line, TEXT_SIZE + 1, weight="bold")
        for number, line in enumerate(lines)
    ]
    return parts, len(lines) * TITLE_LINE + 8


def _svg(title: str, height: float, parts: list[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" font-family="{escape(FONT)}" font-size="{TEXT_SIZE}" '
        f'fill="{INK}"><title>{escape(title)}</title>{body}</svg>'
    )


def _empty(title: str, empty: str) -> str:
    parts, head = _heading(title)
    return _svg(title, head + 24, [*parts, _text(0, head + 16, empty)])


def _legend(legend: list[tuple[str, str]], y: float) -> tuple[list[str], float]:
    """The series' names with their colours, in lines as wide as the chart; and the
    height they take."""
    parts: list[str] = []
    x, line = 0.0, 0
    for name, colour in legend:
        width = 16 + len(name) * CHAR_WIDTH * SMALL_SIZE / TEXT_SIZE + 14
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * LEGEND_HEIGHT
        parts.append(
            f'<rect x="{x:.1f}" y="{top + 2:.1f}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(_text(x + 16, top + 12, name, SMALL_SIZE))
        x += width
    return parts, (line + 1) * LEGEND_HEIGHT if legend else 0


def _box(x: float, y: float, width: float, height: float, segment: Segment) -> str:
    if segment.value is None:  # hidden: a dashed outline as long as SMALL, not the count
        return (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" height="{height:.1f}" '
            f'fill="#ffffff" stroke="{segment.colour}" stroke-width="1.5" '
            f'stroke-dasharray="3 2"/>'
        )
    if width <= 0 or height <= 0:
        return ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{segment.colour}"/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{GRID}"/>'


def _text(
    x: float,
    y: float,
    text: str,
    size: int = TEXT_SIZE,
    anchor: str = "start",
    weight: str = "normal",
) -> str:
    attributes = f'x="{x:.1f}" y="{y:.1f}"'
    if size != TEXT_SIZE:
        attributes += f' font-size="{size}"'
    if anchor != "start":
        attributes += f' text-anchor="{anchor}"'
    if weight != "normal":
        attributes += f' font-weight="{weight}"'
    return f"<text {attributes}>{escape(text)}</text>"


def _fit(label: str, room: float) -> str:
    """The label cut to fit `room` units (the full label is in the chart's table)."""
    most = max(4, int(room / CHAR_WIDTH))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"
