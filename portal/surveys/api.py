"""What other parts of the portal read of surveys (the staff dashboard's NPS trend)."""

from __future__ import annotations

from datetime import date


def nps_series(*, start: date, end: date) -> list[dict]:
    """The Net Promoter Score of every 0-10 "would you recommend" answer (course feedback and
    surveys), one row per ISO week from ``start`` to ``end`` (Mondays):
    ``{"week": date, "responses": int, "promoters": int, "detractors": int, "nps": int | None}``
    (``nps`` None for a week without answers). At most two queries.
    """
    raise NotImplementedError  # built with the survey builder (portal/surveys)
