"""Fixtures of the community tests: a frozen clock, established members (past the new-account
limits), a certified member, and clients signed in on portal A."""

from datetime import UTC, datetime

import pytest

START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    """Time frozen at ``START``; ``clock.shift(timedelta)`` moves it on (never sleeps)."""
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def asker(tenant_a):
    """A member of 30 days' standing on portal A (not rate limited as a new account)."""
    from tests.factories.community import community_member

    return community_member(tenant_a, display_name="Ada Asker")


@pytest.fixture
def expert(tenant_a):
    """A member of portal A holding a valid certification (a real passed exam)."""
    from tests.factories.community import certified_member

    return certified_member(tenant_a, display_name="Grace Certified")


def signed_in_client(client, tenant, member):
    with tenant.activate():
        client.force_login(member)
    return client


@pytest.fixture
def asker_client(client_a, tenant_a, asker):
    return signed_in_client(client_a, tenant_a, asker)
