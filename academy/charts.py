"""Charts drawn on the server as SVG: no JavaScript, nothing fetched, readable in print.

A chart is geometry computed here and drawn by the `bar_chart` macro of templates/_charts.html,
which also gives it a text alternative; pages show the data table beside it.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 40, 36, 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    ticks: list[tuple[float, float]]  # (value, y)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def _nice_max(value: float) -> float:
    """A round top for the axis at or above `value` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(data: list[tuple[str, float]]) -> BarChart:
    """Vertical bars of (label, value) pairs, scaled to the largest value."""
    top = _nice_max(max((value for _label, value in data), default=0))
    plot_height, baseline = HEIGHT - BOTTOM - TOP, HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(1, len(data))
    bars = []
    for index, (label, value) in enumerate(data):
        height = plot_height * value / top
        bars.append(Bar(label, value, LEFT + index * slot + slot * 0.15, baseline - height,
                        slot * 0.7, height))
    steps = next((d for d in (4, 5, 2) if (top / d).is_integer()), 1)  # whole-number ticks
    ticks = [(top * k / steps, baseline - plot_height * k / steps) for k in range(steps + 1)]
    return BarChart(bars, ticks)
