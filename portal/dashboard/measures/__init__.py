"""The dashboard's measures, one function each: ``measure(span, now) -> (querysets, build)``.

Each returns the aggregate querysets it needs (named, so that ``selectors.fetch`` can run every
measure's in one statement) and a function that turns their rows into a ``Section``. Grouped by
theme: ``community`` (answers, ideas, testimonials), ``learning`` (enrolments, exams,
certifications), ``growth`` (NPS, referrals).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from portal.dashboard.measures import community, growth, learning
from portal.dashboard.measures.base import Plan
from portal.dashboard.periods import Span

#: The measures in the order shown: key -> plan.
MEASURES: dict[str, Callable[[Span, datetime], Plan]] = {
    "community": community.community,
    "ideas": community.ideas,
    "learning": learning.learning,
    "exams": learning.exams,
    "certifications": learning.certifications,
    "nps": growth.nps,
    "referrals": growth.referrals,
    "testimonials": community.testimonials,
}
