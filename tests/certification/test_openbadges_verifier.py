"""The Open Badges reference verifier (``openbadges`` 1.1.2) run on our assertions, served by
the live test server, as a badge backpack would check them.

The verifier runs in its own virtual environment (``make obverify``; ``make test`` builds it)
through ``tests/obverify/verify.py``. It fetches the assertion, its BadgeClass, the Issuer and
the badge image over HTTP, validates every document and checks that the assertion is hosted on
the issuer's origin. The portal is reached on 127.0.0.1, the one test host Python's resolver
knows besides localhost (``*.localhost`` does not resolve here).
"""

import json
import os
import subprocess
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

import pytest
import time_machine

from certification.award_services import award_revoke
from certification.models import Award, Badge, BadgeAward
from portal.tenants.models import Domain
from portal.tenants.services import platform_ensure
from tests.factories.accounts import make_member
from tests.factories.certification import make_certification, take_exam

ROOT = Path(__file__).resolve().parents[2]
VERIFIER_PYTHON = ROOT / ".venv-obverify" / "bin" / "python"
SCRIPT = ROOT / "tests" / "obverify" / "verify.py"
LOOPBACK = "127.0.0.1"
EMAIL = "ada@example.com"


def run_verifier(badge: str, email: str | None = None) -> dict:
    """The verifier's report on ``badge`` (a URL or a PNG file), checking ``email`` if given."""
    if not VERIFIER_PYTHON.exists():
        pytest.fail(
            f"The Open Badges verifier is not installed ({VERIFIER_PYTHON} is missing): "
            "run `make obverify` (`make test` builds it)."
        )
    env = {**os.environ, "NO_PROXY": "*", "PYTHONWARNINGS": "ignore"}
    completed = subprocess.run(
        [str(VERIFIER_PYTHON), str(SCRIPT), badge, *([email] if email else [])],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)["report"]


def errors(report: dict) -> list[str]:
    return [m["result"] for m in report["messages"] if m["messageLevel"] == "ERROR"]


@pytest.fixture
def portal(fresh_tenant, live_server):
    """A new portal answering on 127.0.0.1 at the live server: (TenantInfo, base address).

    127.0.0.1 is one of the operator's hosts: it points at this portal for the test only. (The
    row may be missing: a live-server test's flush can run after the rows were put back.)
    """
    tenant = fresh_tenant(name="Verified Academy")
    Domain.objects.update_or_create(
        domain=LOOPBACK, defaults={"tenant": tenant.organization, "is_primary": False}
    )
    port = live_server.url.rsplit(":", 1)[1]
    try:
        yield tenant, f"http://{LOOPBACK}:{port}"
    finally:
        connection.set_schema_to_public()
        Domain.objects.filter(domain=LOOPBACK).delete()
        platform_ensure()


def _certified(tenant, *, email: str = EMAIL, name: str = "Cloud Practitioner") -> Award:
    with tenant.activate():
        member = make_member(email=email)
        certification = make_certification(name=name, validity_months=12)
        take_exam(member=member, exam=certification.exam)
        return Award.objects.get(member=member, certification=certification)


def test_a_valid_assertion_passes_the_verifier_for_its_recipient_only(portal, tmp_path):
    tenant, base = portal
    award = _certified(tenant)
    url = f"{base}/badges/assertions/{award.public_id}.json"

    report = run_verifier(url, EMAIL)
    assert errors(report) == []
    assert report["valid"] is True
    assert report["errorCount"] == 0
    assert report["recipientProfile"] == {"email": EMAIL}

    wrong = run_verifier(url, "someone.else@example.com")
    assert wrong["valid"] is False
    assert any("did not match" in message for message in errors(wrong))

    baked = tmp_path / "badge.png"
    with urllib.request.urlopen(f"{base}/verify/{award.public_id}/badge.png") as response:  # noqa: S310 - the live test server
        baked.write_bytes(response.read())
    from_file = run_verifier(str(baked), EMAIL)
    assert errors(from_file) == []
    assert from_file["valid"] is True


def test_badges_and_mvp_titles_pass_the_verifier(portal):
    tenant, base = portal
    with tenant.activate():
        member = make_member(email=EMAIL)
        held = [
            BadgeAward.objects.create(
                member=member,
                badge=Badge.objects.create(
                    kind=kind, name=name, slug=slug, description=f"Holders are {name}."
                ),
            )
            for kind, name, slug in (
                ("expert", "Network Expert", "network-expert"),
                ("mvp", "Community MVP", "community-mvp"),
            )
        ]
    for award in held:
        report = run_verifier(f"{base}/badges/assertions/{award.public_id}.json", EMAIL)
        assert errors(report) == [], award.badge.kind
        assert report["valid"] is True


def test_the_verifier_rejects_revoked_and_expired_assertions(portal):
    tenant, base = portal
    revoked = _certified(tenant, email="revoked@example.com", name="Revoked")
    with time_machine.travel(datetime(2020, 1, 6, 9, 0, tzinfo=UTC), tick=False):
        expired = _certified(tenant, email="expired@example.com", name="Expired")
    with tenant.activate():
        staff = make_member(email="staff@example.com", staff=True)
        award_revoke(award=revoked, reason="Exam answers were shared.", revoked_by=staff)

    report = run_verifier(f"{base}/badges/assertions/{revoked.public_id}.json")
    assert report["valid"] is False
    assert errors(report)

    report = run_verifier(f"{base}/badges/assertions/{expired.public_id}.json")
    assert report["valid"] is False
    assert any("expired on 2021-01-06" in message for message in errors(report)), errors(report)
