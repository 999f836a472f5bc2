"""Bar charts as geometry for an inline SVG template: the server draws them, the browser runs no script.

Coordinates are in the SVG's viewBox; CSS scales the picture to the width of the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 400
HEIGHT = 160
_LEFT = 34  # room for the scale's figures
_BOTTOM = 22  # room for the dates
_TOP = 12
_GAP = 0.2  # share of each slot left between bars


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    """The tooltip: the day and its value."""


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str
    """SVG text-anchor: the first and last labels stay inside the picture."""


@dataclass(frozen=True)
class BarChart:
    title: str
    unit: str
    bars: list[Bar]
    ticks: list[Tick]
    peak: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = _LEFT
    top: int = _TOP
    baseline: int = HEIGHT - _BOTTOM


def bar_chart(title: str, unit: str, points: Sequence[tuple[date, int]]) -> BarChart:
    """One bar per day, scaled to the highest day; the first, middle and last days are labelled."""
    peak = max((value for _, value in points), default=0)
    plot_height = HEIGHT - _BOTTOM - _TOP
    slot = (WIDTH - _LEFT) / max(len(points), 1)
    bars = []
    for index, (day, value) in enumerate(points):
        height = plot_height * value / peak if peak else 0.0
        bars.append(
            Bar(
                x=round(_LEFT + index * slot + slot * _GAP / 2, 2),
                y=round(HEIGHT - _BOTTOM - height, 2),
                width=round(slot * (1 - _GAP), 2),
                height=round(height, 2),
                label=f"{day.isoformat()}: {value} {unit}",
            )
        )
    ticks: list[Tick] = []
    if points:
        middle = len(points) // 2
        ticks = [
            Tick(_LEFT, points[0][0].strftime("%b %d"), "start"),
            Tick(round(_LEFT + (middle + 0.5) * slot, 2), points[middle][0].strftime("%b %d"), "middle"),
            Tick(WIDTH, points[-1][0].strftime("%b %d"), "end"),
        ]
    return BarChart(title, unit, bars, ticks, peak, sum(value for _, value in points))
