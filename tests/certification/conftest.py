"""Fixtures of the certification tests: a member signed in on portal A, and a clock to freeze."""

from datetime import UTC, datetime

import pytest

START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    """Time frozen at ``START``; ``clock.shift(timedelta)`` moves it on (never sleeps)."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def learner(tenant_a, member_factory):
    return member_factory(tenant_a)


@pytest.fixture
def signed_in(client_a, tenant_a, learner):
    """``client_a`` signed in as ``learner``."""
    with tenant_a.activate():
        client_a.force_login(learner)
    return client_a
