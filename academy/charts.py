"""Charts drawn on the server as SVG: no JavaScript, nothing fetched, readable in print.

A chart is geometry computed here and drawn by the `chart` macro of templates/_charts.html,
which also gives it a text alternative; pages show the data table beside it. Bars are
vertical (a few categories with short labels, such as months) or horizontal (many categories
or long labels, such as academies), with one or more series told apart by pattern as well as
colour, so they read in black-and-white print.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 40, 36, 12
LABEL_WIDTH, ROW, BAR, LEGEND = 300, 8, 14, 22  # horizontal charts
WIDE = 840  # horizontal charts: room for long names
LABEL_CHARACTERS = 48


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    series: int = 0
    series_name: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    x: float
    y: float
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, float]]  # (value, y) on vertical charts, (value, x) on horizontal
    labels: list[Text]
    legend: list[Text]  # one per series when there are several; x, y place its swatch
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM  # the axis: y on vertical charts, x on horizontal ones
    horizontal: bool = False
    top: float = TOP  # where the plot starts (below the legend)


def _nice_max(value: float) -> float:
    """A round top for the axis at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _ticks(top: float, start: float, length: float, sign: int) -> list[tuple[float, float]]:
    steps = next((d for d in (4, 5, 2) if (top / d).is_integer()), 1)  # whole-number ticks
    return [(top * k / steps, start + sign * length * k / steps) for k in range(steps + 1)]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def grouped_chart(labels: list[str], series: list[tuple[str, list[float]]], *,
                  horizontal: bool = False, maximum: float | None = None) -> Chart:
    """Bars for each label, one per series: `series` is [(name, values in label order)].
    `maximum` fixes the top of the axis (100 for percentages); otherwise it is rounded up
    from the largest value."""
    top = maximum or _nice_max(max((v for _name, values in series for v in values), default=0))
    legend_height = LEGEND if len(series) > 1 else 0
    if horizontal:
        return _horizontal(labels, series, top, legend_height)
    plot_top = TOP + legend_height
    baseline = HEIGHT - BOTTOM
    plot_height = baseline - plot_top
    slot = (WIDTH - LEFT) / max(1, len(labels))
    width = slot * 0.7 / max(1, len(series))
    bars, texts = [], []
    for index, label in enumerate(labels):
        x0 = LEFT + index * slot + slot * 0.15
        for number, (name, values) in enumerate(series):
            height = plot_height * values[index] / top
            bars.append(Bar(label, values[index], x0 + number * width, baseline - height,
                            width, height, number, name))
        texts.append(Text(_short(label), LEFT + index * slot + slot / 2, baseline + 14))
    return Chart(bars, _ticks(top, baseline, plot_height, -1), texts, _legend(series),
                 baseline=baseline, top=plot_top)


def _horizontal(labels, series, top, legend_height) -> Chart:
    row = ROW + BAR * len(series)
    plot_top = TOP + legend_height
    height = int(plot_top + row * max(1, len(labels)) + BOTTOM)
    plot_width = WIDE - LABEL_WIDTH - 24
    bars, texts = [], []
    for index, label in enumerate(labels):
        y0 = plot_top + index * row + ROW / 2
        for number, (name, values) in enumerate(series):
            bars.append(Bar(label, values[index], LABEL_WIDTH, y0 + number * BAR,
                            plot_width * values[index] / top, BAR - 2, number, name))
        texts.append(Text(_short(label), LABEL_WIDTH - 6, y0 + BAR * len(series) / 2 + 2, "end"))
    bottom = plot_top + row * max(1, len(labels))
    return Chart(bars, _ticks(top, LABEL_WIDTH, plot_width, 1), texts, _legend(series),
                 width=WIDE, height=height, left=LABEL_WIDTH, baseline=bottom, horizontal=True,
                 top=plot_top)


def _legend(series) -> list[Text]:
    if len(series) < 2:
        return []
    return [Text(name, LEFT + 150 * number, TOP, "start")
            for number, (name, _values) in enumerate(series)]


def bar_chart(data: list[tuple[str, float]]) -> Chart:
    """Vertical bars of (label, value) pairs, scaled to the largest value."""
    return grouped_chart([label for label, _v in data], [("", [v for _l, v in data])])
