"""The officers' statistics as one PNG picture, for Telegram's `/stats`: the same plots as
the web console's charts (`plots.py`), drawn with Pillow in panels side by side (Telegram
shrinks a photo to fit its longer side: a wide picture keeps its text readable), with the
font that Pillow bundles, so no system font is needed."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.figures import SMALL, Figures
from bot.officers.plots import Bar, Plot, Segment, plots

PANEL = 600  # a panel's width in pixels
GAP = 36
COLUMNS = 3
TEXT, SMALL_TEXT_SIZE, TITLE = 20, 17, 24
INK, GRID, PAPER = "#222222", "#bbbbbb", "#ffffff"
BAR, GROUPED_BAR = 22, 15
ROW_BESIDE = 34
LEGEND_LINE = 30
PLAIN = str.maketrans({"≥": ">=", "…": "...", "–": "-", "—": "-"})
"""Characters the bundled font may lack, as plain ones."""


def png_chart(figures: Figures, lang: str = "id") -> bytes:
    """Every chart of the statistics in one PNG image."""
    panels = [_panel(plot) for plot in plots(figures, lang)]
    heights = [0] * COLUMNS
    places = []
    for panel in panels:  # each into the shortest column, in order
        column = heights.index(min(heights))
        places.append((column, heights[column]))
        heights[column] += panel.height + GAP
    width = COLUMNS * PANEL + (COLUMNS + 1) * GAP
    image = Image.new("RGB", (width, max(heights) + GAP), PAPER)
    for panel, (column, top) in zip(panels, places, strict=True):
        image.paste(panel, (GAP + column * (PANEL + GAP), GAP + top))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _panel(plot: Plot) -> Image.Image:
    """One plot on a panel PANEL pixels wide, as tall as it needs."""
    image = Image.new("RGB", (PANEL, 4000), PAPER)
    draw = ImageDraw.Draw(image)
    y = _title(draw, plot.title)
    y = _legend(draw, plot.legend, y)
    if not plot.bars:
        draw.text((0, y), _plain(plot.empty), fill=INK, font=_font(TEXT))
        bottom = y + 30
    elif plot.shape == "columns":
        bottom = _columns(draw, plot.bars, y + 24)
    else:
        bottom = _bars(draw, plot.bars, y, plot.shape == "grouped")
    return image.crop((0, 0, PANEL, bottom + 8))


def _title(draw: ImageDraw.ImageDraw, title: str) -> int:
    font, lines = _font(TITLE), [""]
    for word in _plain(title).split():
        trial = f"{lines[-1]} {word}".strip()
        if lines[-1] and font.getlength(trial) > PANEL:
            lines.append(word)
        else:
            lines[-1] = trial
    for number, line in enumerate(lines):
        draw.text((0, number * 30), line, fill=INK, font=font)
    return len(lines) * 30 + 10


def _legend(draw: ImageDraw.ImageDraw, legend: list[tuple[str, str]], y: int) -> int:
    font, x = _font(SMALL_TEXT_SIZE), 0.0
    for name, colour in legend:
        width = 24 + font.getlength(_plain(name)) + 18
        if x and x + width > PANEL:
            x, y = 0.0, y + LEGEND_LINE
        draw.rectangle((x, y + 2, x + 16, y + 18), fill=colour)
        draw.text((x + 24, y), _plain(name), fill=INK, font=font)
        x += width
    return y + LEGEND_LINE if legend else y


def _bars(draw: ImageDraw.ImageDraw, bars: list[Bar], top: int, grouped: bool) -> int:
    font, small = _font(TEXT), _font(SMALL_TEXT_SIZE)
    longest = max(font.getlength(_plain(bar.label)) for bar in bars)
    beside = longest <= PANEL * 0.36
    label_room = longest + 12 if beside else 0
    parts = len(bars[0].segments)
    thickness = (GROUPED_BAR + 3) * parts if grouped else BAR
    row = max(ROW_BESIDE, thickness + 12) if beside else thickness + 34
    texts = [s.shown for b in bars for s in b.segments] if grouped else [b.shown for b in bars]
    value_room = max(font.getlength(_plain(text)) for text in texts) + 12
    scale = (PANEL - label_room - value_room) / max(SMALL, *(b.length(grouped) for b in bars))
    for number, bar in enumerate(bars):
        y = top + number * row
        bar_y = y + 6 if beside else y + 28
        draw.text(
            (0, y + 4), _fit(bar.label, font, longest if beside else PANEL), fill=INK, font=font
        )
        x = label_room
        for segment in bar.segments:
            length = (SMALL if segment.value is None else segment.value) * scale
            if grouped:
                _box(draw, label_room, bar_y, length, GROUPED_BAR, segment)
                draw.text(
                    (label_room + length + 6, bar_y - 2),
                    _plain(segment.shown),
                    fill=INK,
                    font=small,
                )
                bar_y += GROUPED_BAR + 3
            else:
                _box(draw, x, bar_y, length, BAR, segment)
                x += length
        if not grouped:
            draw.text((x + 6, bar_y), _plain(bar.shown), fill=INK, font=font)
    return top + len(bars) * row


def _columns(draw: ImageDraw.ImageDraw, columns: list[Bar], top: int) -> int:
    small, plot = _font(SMALL_TEXT_SIZE), 260
    step = PANEL / len(columns)
    every = max(1, -(-64 // int(step)) if step >= 1 else len(columns))
    scale = plot / max(SMALL, *(column.length() for column in columns))
    base = top + plot
    draw.line((0, base, PANEL, base), fill=GRID)
    for number, column in enumerate(columns):
        x, y = number * step, float(base)
        for segment in column.segments:
            height = (SMALL if segment.value is None else segment.value) * scale
            y -= height
            _box(draw, x + 1, y, step - 3, height, segment)
        if step >= 30:
            draw.text(
                (x + step / 2, y - 4), _plain(column.shown), fill=INK, font=small, anchor="md"
            )
        if number % every == 0:
            draw.text((x + step / 2, base + 6), column.label, fill=INK, font=small, anchor="ma")
    return base + 30


def _box(draw: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float, part: Segment) -> None:
    if part.value is not None:
        if w > 0 and h > 0:
            draw.rectangle((x, y, x + w, y + h), fill=part.colour)
        return
    # hidden ("< 5"): a dashed outline as long as SMALL would be, never the count's size
    w = max(w, 2)
    for start in range(0, int(w), 8):
        end = min(start + 5, w)
        draw.line((x + start, y, x + end, y), fill=part.colour, width=2)
        draw.line((x + start, y + h, x + end, y + h), fill=part.colour, width=2)
    draw.line((x, y, x, y + h), fill=part.colour, width=2)
    draw.line((x + w, y, x + w, y + h), fill=part.colour, width=2)


def _plain(text: str) -> str:
    return text.translate(PLAIN)


def _fit(label: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, room: float) -> str:
    label = _plain(label)
    while len(label) > 4 and font.getlength(label) > room:
        label = label[:-4].rstrip() + "..."
    return label
