"""The shapes of the dashboard's figures: columns of numbers by week, the charts drawn from them,
and a section per measure. Plain data, shared by the page, the CSV files and the weekly e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.dashboard.periods import day_label

COUNT, HOURS, PERCENT, SCORE = "count", "hours", "percent", "score"
LINE, BARS = "line", "bars"
NO_VALUE = "—"


@dataclass(frozen=True)
class Column:
    """One figure per week: ``kind`` says how it is written (a count, hours, a percentage, an
    NPS from -100 to 100)."""

    key: str
    label: str
    kind: str = COUNT

    def display(self, value: float | None) -> str:
        if value is None:
            return NO_VALUE
        if self.kind == HOURS:
            return f"{value:.1f} h"
        if self.kind == PERCENT:
            return f"{value:.0f}%"
        if self.kind == SCORE:
            return f"{value:+.0f}" if value else "0"
        return f"{value:,.0f}"

    def csv(self, value: float | None) -> object:
        """As a spreadsheet cell: empty for no value, numbers unformatted."""
        if value is None:
            return ""
        if self.kind in (HOURS, PERCENT):
            return round(float(value), 2)
        return int(value)


@dataclass(frozen=True)
class Chart:
    """What to draw: the columns ``keys`` of a section's rows, as lines or bars.

    ``bounds`` fixes the vertical axis (0-100 for shares, -100-100 for NPS); otherwise it runs
    from 0 to a round number above the highest value. ``note`` tells readers what an empty week
    looks like on this chart.
    """

    title: str
    kind: str
    keys: tuple[str, ...]
    axis: str
    note: str
    bounds: tuple[float, float] | None = None


@dataclass(frozen=True)
class Fact:
    """A figure of now rather than of a week (e.g. certifications expiring within 30 days)."""

    label: str
    value: int


@dataclass(frozen=True)
class Breakdown:
    """A table of the whole period by group (e.g. per product area), and the same groups week
    by week for the CSV file."""

    caption: str
    group_label: str
    columns: list[Column]
    totals: list[tuple[str, dict]]
    weekly: list[tuple[str, list[dict]]] = field(default_factory=list)

    def display(self) -> list[tuple[str, list[str]]]:
        return [
            (group, [column.display(values.get(column.key)) for column in self.columns])
            for group, values in self.totals
        ]


@dataclass
class Section:
    """One measure of the dashboard: its figures for every week of the period (``rows``, each
    ``{"week": date, <column key>: value}``, oldest first), the charts drawn from them, facts
    of now, an optional breakdown, and which columns the weekly e-mail compares."""

    key: str
    title: str
    intro: str
    columns: list[Column]
    rows: list[dict]
    charts: list[Chart]
    headline: tuple[str, ...]
    facts: list[Fact] = field(default_factory=list)
    breakdown: Breakdown | None = None

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    @property
    def has_data(self) -> bool:
        """Whether any week has a figure other than zero (else the page says so)."""
        return any(row.get(column.key) for row in self.rows for column in self.columns)

    def table(self) -> list[tuple[str, list[str]]]:
        """The rows as shown in the page's data table: a week label, then each column."""
        return [
            (
                week_label(row["week"]),
                [column.display(row.get(column.key)) for column in self.columns],
            )
            for row in self.rows
        ]

    def csv_table(self) -> tuple[list[str], list[list]]:
        """The header and rows of the section's CSV file; with a breakdown, one block of weeks
        for all groups, then one per group."""
        columns = self.columns
        if self.breakdown is None:
            header = ["Week starting", *[column.label for column in columns]]
            rows = [
                [row["week"].isoformat(), *[column.csv(row.get(column.key)) for column in columns]]
                for row in self.rows
            ]
            return header, rows
        header = ["Week starting", self.breakdown.group_label, *[c.label for c in columns]]
        blocks = [("All", self.rows), *self.breakdown.weekly]
        rows = [
            [
                row["week"].isoformat(),
                group,
                *[column.csv(row.get(column.key)) for column in columns],
            ]
            for group, weekly in blocks
            for row in weekly
        ]
        return header, rows


def week_label(monday: date) -> str:
    return f"Week of {day_label(monday)}"
