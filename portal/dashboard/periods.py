"""Weeks as the dashboard counts them: Monday 00:00 to the next Monday 00:00 in the portal's
time zone (Django's current time zone, ``TIME_ZONE``), the same weeks as PostgreSQL's
``date_trunc('week', ...)`` and ``portal.surveys.api.nps_series``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.utils import timezone

WEEK = timedelta(days=7)
#: The periods staff can choose, in weeks (the selector's options).
PERIOD_WEEKS = (8, 12, 26)
DEFAULT_WEEKS = 8


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def day_label(day: date) -> str:
    """ "6 Jan 2025"."""
    return f"{day.day} {day:%b %Y}"


def local_midnight(day: date, zone: tzinfo | None = None) -> datetime:
    """``day`` at 00:00 in ``zone`` (the current time zone by default), as an aware datetime;
    correct across daylight-saving changes."""
    return timezone.make_aware(
        datetime.combine(day, time.min), zone or timezone.get_current_timezone()
    )


@dataclass(frozen=True)
class Span:
    """``weeks`` consecutive weeks starting on the Monday ``first``."""

    first: date
    weeks: int

    @classmethod
    def ending(cls, *, last: date, weeks: int) -> Span:
        """The ``weeks`` weeks whose last one contains the day ``last``."""
        return cls(first=monday_of(last) - WEEK * (weeks - 1), weeks=weeks)

    @property
    def mondays(self) -> list[date]:
        return [self.first + WEEK * number for number in range(self.weeks)]

    @property
    def last(self) -> date:
        """The Monday of the last week."""
        return self.first + WEEK * (self.weeks - 1)

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The end of the last week (exclusive)."""
        return local_midnight(self.last + WEEK)

    def week_end(self, monday: date, *, now: datetime) -> datetime:
        """When the week of ``monday`` ends, or ``now`` for the week in progress: the moment at
        which states ("valid", "waiting") are counted for that week."""
        return min(local_midnight(monday + WEEK), now)

    def label(self) -> str:
        sunday = self.last + timedelta(days=6)
        return f"{day_label(self.first)} to {day_label(sunday)}"


def normalise_weeks(value: object) -> int | None:
    """The period asked for (``?weeks=``) if it is one of ``PERIOD_WEEKS``, else None."""
    try:
        weeks = int(str(value))
    except (TypeError, ValueError):
        return None
    return weeks if weeks in PERIOD_WEEKS else None


def dashboard_span(*, weeks: int, now: datetime | None = None) -> Span:
    """The last ``weeks`` weeks, this one (in progress) included."""
    return Span.ending(last=timezone.localdate(now), weeks=weeks)


def summary_span(*, now: datetime | None = None) -> Span:
    """Last week and the week before (both complete): what the weekly e-mail compares."""
    this_monday = monday_of(timezone.localdate(now))
    return Span.ending(last=this_monday - WEEK, weeks=2)
