"""The staff dashboard's figures, week by week, for one portal.

Every measure (``portal.dashboard.measures``) is an aggregate query grouped by week
(``TruncWeek`` in the portal's time zone) or a row of filtered counts at each week's end;
medians are PostgreSQL's ``percentile_cont(0.5)``. ``dashboard()`` sends all of them to the
database as **one** statement (each query's rows come back as a JSON array), plus the NPS
series of ``portal.surveys.api``: two queries for the whole dashboard, whatever the number of
rows, weeks or product areas.

The portal wires the apps together, so the measures read their tables directly, as reports do;
nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from portal.dashboard.figures import Section
from portal.dashboard.measures import MEASURES
from portal.dashboard.periods import Span


def fetch(queries: dict[str, QuerySet]) -> dict[str, list[dict]]:
    """Run ``queries`` as one SQL statement: ``SELECT (rows of the first as JSON), (of the
    second), ...``; return each one's rows as dicts keyed by the names of its ``values()`` and
    annotations. Dates come back as ISO strings, numbers as numbers. One query, or none."""
    if not queries:
        return {}
    selects, params = [], []
    for name, queryset in queries.items():
        sql, query_params = queryset.query.sql_with_params()
        selects.append(
            f"(SELECT COALESCE(json_agg(row_to_json(r)), '[]'::json) FROM ({sql}) AS r) "
            f"AS {connection.ops.quote_name(name)}"
        )
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        values = cursor.fetchone()
    return {
        name: json.loads(value) if isinstance(value, str) else value
        for name, value in zip(queries, values, strict=True)
    }


def dashboard(
    *, span: Span, keys: Iterable[str] | None = None, now: datetime | None = None
) -> list[Section]:
    """The sections of ``keys`` (all by default, in ``MEASURES`` order) over ``span``.

    Two queries whatever the data: every measure's aggregates in one statement, and the NPS
    series (only when ``"nps"`` is asked for).
    """
    now = now or timezone.now()
    wanted = set(MEASURES if keys is None else keys)
    plans = [plan(span, now) for key, plan in MEASURES.items() if key in wanted]
    data = fetch({name: query for queries, _ in plans for name, query in queries.items()})
    return [build(data) for _, build in plans]
