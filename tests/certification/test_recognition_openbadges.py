"""A recognition award's hosted assertion (with its citation as ``narrative``) and its baked
badge pass the Open Badges reference verifier, as a backpack would check them."""

import urllib.request

import pytest

from certification.recognition_services import award_recognition
from tests.certification.test_openbadges_verifier import (  # noqa: F401 - the portal fixture
    EMAIL,
    errors,
    portal,
    run_verifier,
)
from tests.factories.accounts import make_member
from tests.factories.recognition import make_recognition_badge

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_recognition_award_passes_the_verifier(portal, tmp_path):  # noqa: F811
    tenant, base = portal
    with tenant.activate():
        member = make_member(email=EMAIL)
        staff = make_member(email="staff@example.com", staff=True)
        badge = make_recognition_badge(name="Member of the month", validity_months=12)
        award = award_recognition(
            staff=staff, member=member, badge=badge, citation="For 40 helpful answers in May."
        )
    report = run_verifier(f"{base}/badges/assertions/{award.public_id}.json", EMAIL)
    assert errors(report) == []
    assert report["valid"] is True

    baked = tmp_path / "badge.png"
    with urllib.request.urlopen(f"{base}/verify/{award.public_id}/badge.png") as response:  # noqa: S310 - the live test server
        baked.write_bytes(response.read())
    from_file = run_verifier(str(baked), EMAIL)
    assert errors(from_file) == []
    assert from_file["valid"] is True
