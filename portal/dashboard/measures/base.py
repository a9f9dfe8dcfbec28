"""What the measures share: the plan each returns, weeks as dates in SQL, filling empty weeks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.db.models import DateField, Q, QuerySet, Value
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from portal.dashboard.figures import Column, Section
from portal.dashboard.periods import Span

#: What a measure sends to the database (name -> queryset) and how it reads the answers.
Plan = tuple[dict[str, QuerySet], Callable[[dict[str, list[dict]]], Section]]

GAP_NOTE = "A week with nothing to measure is a gap in the line and “—” in the table."
ZERO_NOTE = "A week with none shows as zero."


def week_of(field: str) -> Cast:
    """The Monday (a date) of the week holding ``field``, in the portal's time zone."""
    zone = timezone.get_current_timezone()
    return Cast(TruncWeek(field, tzinfo=zone, output_field=DateField()), DateField())


def in_span(field: str, span: Span) -> Q:
    return Q(**{f"{field}__gte": span.start, f"{field}__lt": span.end})


def one_row(queryset: QuerySet, **aggregates) -> QuerySet:
    """``aggregates`` over the whole of ``queryset`` as a one-row queryset (a row even when
    there are no rows), so that it can join ``fetch``."""
    return queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(**aggregates)


def ended_after(field: str, moment: datetime) -> Q:
    """``field`` is empty (not happened) or after ``moment``."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": moment})


def fill_weeks(span: Span, rows: Iterable[dict], columns: Iterable[Column]) -> list[dict]:
    """One row per week of ``span``, oldest first: counts of weeks without rows are 0, other
    figures None (nothing to measure)."""
    found = {date.fromisoformat(str(row["week"])[:10]): row for row in rows}
    weekly = []
    for monday in span.mondays:
        row = found.get(monday, {})
        weekly.append(
            {
                "week": monday,
                **{
                    column.key: row.get(column.key, 0 if column.kind == "count" else None)
                    for column in columns
                },
            }
        )
    return weekly


def percent(part: float | None, whole: float | None) -> float | None:
    return round(100 * part / whole, 1) if whole else None
