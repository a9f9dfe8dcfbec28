"""Demo data for ideas (a step of ``portal.demo.SEED_STEPS``)."""

from __future__ import annotations


def seed(*, staff_email: str, password: str) -> list[str]:
    """Create the demo's ideas; return lines to print. Running it again changes nothing."""
    return []
