"""Charts drawn on the server: the geometry of an inline SVG (axes, ticks, lines or bars) for a
section's weekly figures. Templates draw it (``dashboard/_chart.html``), so every label is
escaped like any other text and the page needs no JavaScript.

Lines break where a week has no value (a gap, not a drop to zero); a lone point between gaps is
drawn as its marker. Series differ by colour, dash and marker shape, so colour is never the
only cue. Each chart also has a text description (``desc``) and the page a data table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portal.dashboard.figures import BARS, Chart, Section, week_label
from portal.dashboard.periods import day_label

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44
#: Per series: colour, dash pattern and marker ("circle" or "square"). Both colours keep a
#: contrast of at least 3:1 against the admin's light and dark backgrounds.
STYLES = [("#2f6fb6", "", "circle"), ("#c0561a", "6 4", "square")]
MAX_LABELS = 9
MARKER = 4  # half the width of a marker


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str

    @property
    def box_x(self) -> float:
        """Left edge of a square marker centred on the point."""
        return round(self.x - MARKER, 1)

    @property
    def box_y(self) -> float:
        return round(self.y - MARKER, 1)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Series:
    label: str
    colour: str
    dash: str
    marker: str
    paths: list[str]
    points: list[Point]
    bars: list[Bar]


@dataclass(frozen=True)
class Drawing:
    """Everything ``dashboard/_chart.html`` needs to draw one chart."""

    id: str
    title: str
    desc: str
    note: str
    axis: str
    kind: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    ticks: list[Tick]
    x_labels: list[XLabel]
    series: list[Series]
    zero_y: float

    @property
    def tick_x(self) -> int:
        return self.plot_left - 6

    @property
    def label_y(self) -> int:
        return self.plot_bottom + 18

    @property
    def axis_y(self) -> int:
        return self.plot_top + 4


def _nice_ceiling(value: float) -> float:
    """1, 2, 2.5, 5 or 10 times a power of ten, at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _bounds(chart: Chart, values: list[float]) -> tuple[float, float]:
    if chart.bounds is not None:
        return chart.bounds
    return 0, _nice_ceiling(max(values, default=0))


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _describe(chart: Chart, section: Section) -> str:
    """What a screen reader hears for the chart: the period, and per series its latest value,
    its range and how many weeks had nothing to measure."""
    rows = section.rows
    parts = [
        f"{chart.title}, weekly, {day_label(rows[0]['week'])} to {day_label(rows[-1]['week'])}."
    ]
    for key in chart.keys:
        column = section.column(key)
        values = [row[key] for row in rows if row.get(key) is not None]
        if not values:
            parts.append(f"{column.label}: no data in this period.")
            continue
        text = (
            f"{column.label}: latest {column.display(rows[-1].get(key))}, lowest "
            f"{column.display(min(values))}, highest {column.display(max(values))}"
        )
        missing = len(rows) - len(values)
        if missing:
            text += f"; {missing} week{'s' if missing != 1 else ''} without data"
        parts.append(text + ".")
    parts.append("The data table below has every value.")
    return " ".join(parts)


def draw(section: Section, chart: Chart, number: int) -> Drawing:
    """The drawing of ``chart`` (one of ``section.charts``, the ``number``-th)."""
    rows = section.rows
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    values = [float(row[key]) for row in rows for key in chart.keys if row.get(key) is not None]
    low, high = _bounds(chart, values)
    span = (high - low) or 1

    def y_of(value: float) -> float:
        return round(TOP + plot_h * (1 - (value - low) / span), 1)

    slot = plot_w / len(rows)

    def x_of(index: int) -> float:
        return round(LEFT + slot * (index + 0.5), 1)

    ticks = [Tick(y_of(low + span * step / 4), _number(low + span * step / 4)) for step in range(5)]
    every = max(1, math.ceil(len(rows) / MAX_LABELS))
    x_labels = [
        XLabel(x_of(index), f"{row['week'].day} {row['week']:%b}")
        for index, row in enumerate(rows)
        if index % every == 0
    ]
    series = []
    for position, key in enumerate(chart.keys):
        column = section.column(key)
        colour, dash, marker = STYLES[position % len(STYLES)]
        paths, points, bars, current = [], [], [], []
        for index, row in enumerate(rows):
            value = row.get(key)
            label = f"{week_label(row['week'])}: {column.label} {column.display(value)}"
            if chart.kind == BARS:
                width = slot * 0.8 / len(chart.keys)
                x = LEFT + slot * index + slot * 0.1 + width * position
                top = y_of(float(value or 0))
                bars.append(Bar(round(x, 1), top, round(width, 1), round(y_of(0) - top, 1), label))
                continue
            if value is None:
                if current:
                    paths.append(current)
                current = []
                continue
            point = Point(x_of(index), y_of(float(value)), label)
            current.append(point)
            points.append(point)
        if current:
            paths.append(current)
        series.append(
            Series(
                label=column.label,
                colour=colour,
                dash=dash,
                marker=marker,
                paths=[
                    "M " + " L ".join(f"{p.x} {p.y}" for p in path)
                    for path in paths
                    if len(path) > 1
                ],
                points=points,
                bars=bars,
            )
        )
    return Drawing(
        id=f"chart-{section.key}-{number}",
        title=chart.title,
        desc=_describe(chart, section),
        note=chart.note,
        axis=chart.axis,
        kind=chart.kind,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=HEIGHT - BOTTOM,
        ticks=ticks,
        x_labels=x_labels,
        series=series,
        zero_y=y_of(max(low, 0)) if low <= 0 <= high else y_of(low),
    )
