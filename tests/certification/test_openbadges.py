"""Open Badges 2.0 hosted documents: issuer, badge classes, assertions, revocation list, images
and the baked badge, through real requests on each portal's host."""

import hashlib
import io
import json
from datetime import timedelta
from http import HTTPStatus

from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Image

import pytest
from openbadges_bakery import unbake
from PIL import Image as PILImage

from certification.award_services import award_revoke
from certification.models import Award, Badge, BadgeAward
from certification.openbadges_views import REVOKED_NO_BADGE
from portal.models import BrandSettings
from tests.certification.conftest import START
from tests.factories.certification import make_certification, take_exam

pytestmark = pytest.mark.django_db

OB_CONTEXT = "https://w3id.org/openbadges/v2"
ASSERTION_BUDGET = 6
REVOCATIONS_BUDGET = 4


def assertion_path(public_id) -> str:
    return f"/badges/assertions/{public_id}.json"


def baked_path(public_id) -> str:
    return f"/verify/{public_id}/badge.png"


def certify(member, *, name: str = "Cloud Practitioner", **fields) -> Award:
    """``member`` passes the exam of a new certification ``name``: its award."""
    certification = make_certification(name=name, **fields)
    take_exam(member=member, exam=certification.exam)
    return Award.objects.select_related("certification__exam").get(
        member=member, certification=certification, current=True
    )


def make_badge(*, kind: str = "expert", name: str = "Networking Expert", **fields) -> Badge:
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("description", f"Holders are recognised as {name}.")
    return Badge.objects.create(kind=kind, name=name, **fields)


def badge_award(member, badge: Badge, **fields) -> BadgeAward:
    """A badge award as the Expert rule or an MVP approval would make it (test data)."""
    return BadgeAward.objects.create(member=member, badge=badge, **fields)


def revoke_badge_award(award: BadgeAward, reason: str) -> None:
    BadgeAward.objects.filter(pk=award.pk).update(
        revoked_at=award.issued_at + timedelta(days=1), revocation_reason=reason, current=False
    )


def ob_json(response) -> dict:
    assert response["Content-Type"].startswith("application/ld+json"), response["Content-Type"]
    return json.loads(response.content)


@pytest.fixture
def staff_a(tenant_a, member_factory):
    return member_factory(tenant_a, staff=True)


@pytest.fixture
def award(tenant_a, learner, clock):
    with tenant_a.activate():
        return certify(learner, validity_months=12)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


# --- Assertions -------------------------------------------------------------------------------


def test_an_assertion_is_a_hosted_badge_for_the_members_hashed_email(client_a, award, learner):
    response = client_a.get(assertion_path(award.public_id))

    assert response.status_code == HTTPStatus.OK
    document = ob_json(response)
    assert document == {
        "@context": OB_CONTEXT,
        "id": f"http://a.localhost/badges/assertions/{award.public_id}.json",
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": award.recipient_salt,
            "identity": "sha256$"
            + hashlib.sha256((learner.email + award.recipient_salt).encode()).hexdigest(),
        },
        "badge": "http://a.localhost/badges/classes/certification/cloud-practitioner.json",
        "verification": {"type": "HostedBadge"},
        "issuedOn": "2030-05-06T09:00:00Z",
        "expires": "2031-05-06T09:00:00Z",
        "image": f"http://a.localhost/verify/{award.public_id}/badge.png",
    }
    assert learner.email not in response.text
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in response["Cache-Control"]


def test_an_award_that_never_expires_has_no_expiry_in_its_assertion(client_a, tenant_a, learner):
    with tenant_a.activate():
        award = certify(learner, name="Lifetime", validity_months=0)
    document = ob_json(client_a.get(assertion_path(award.public_id)))
    assert "expires" not in document
    assert document["badge"].endswith("/badges/classes/certification/lifetime.json")


def test_an_expired_award_is_still_served_with_its_past_expiry(client_a, award, clock):
    clock.shift(timedelta(days=400))
    response = client_a.get(assertion_path(award.public_id))
    assert response.status_code == HTTPStatus.OK
    assert ob_json(response)["expires"] == "2031-05-06T09:00:00Z"


def test_a_renewed_award_stays_valid_until_its_expiry_and_the_renewal_runs_on(
    client_a, tenant_a, award, learner, clock
):
    clock.shift(timedelta(days=365 - 30))  # inside the 90-day renewal window
    with tenant_a.activate():
        take_exam(member=learner, exam=award.certification.exam)
        renewal = Award.objects.get(renewed_from=award)

    old = client_a.get(assertion_path(award.public_id))
    new = client_a.get(assertion_path(renewal.public_id))

    assert old.status_code == new.status_code == HTTPStatus.OK
    assert ob_json(old)["expires"] == "2031-05-06T09:00:00Z"
    assert ob_json(new)["expires"] == "2032-05-06T09:00:00Z"
    assert ob_json(new)["issuedOn"] == "2031-04-06T09:00:00Z"


def test_a_revoked_award_answers_gone_with_its_reason(client_a, tenant_a, award, staff_a):
    with tenant_a.activate():
        award_revoke(award=award, reason="Exam answers were shared.", revoked_by=staff_a)

    response = client_a.get(assertion_path(award.public_id))

    assert response.status_code == HTTPStatus.GONE
    assert ob_json(response) == {
        "@context": OB_CONTEXT,
        "id": f"http://a.localhost/badges/assertions/{award.public_id}.json",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Exam answers were shared.",
    }
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("kind", ["expert", "mvp"])
def test_badges_and_mvp_titles_are_assertions_of_their_badge_class(
    client_a, tenant_a, learner, clock, kind
):
    with tenant_a.activate():
        badge = make_badge(kind=kind, name="Community MVP" if kind == "mvp" else "Network Expert")
        held = badge_award(learner, badge, expires_at=START + timedelta(days=365))

    document = ob_json(client_a.get(assertion_path(held.public_id)))

    assert document["badge"] == f"http://a.localhost/badges/classes/{kind}/{badge.slug}.json"
    assert document["recipient"]["identity"] == held.recipient_identity
    assert document["recipient"]["identity"].startswith("sha256$")
    assert document["expires"] == "2031-05-06T09:00:00Z"


@pytest.mark.parametrize(
    "path",
    [
        "/badges/assertions/00000000-0000-0000-0000-000000000000.json",
        "/badges/assertions/not-a-uuid.json",
        "/verify/00000000-0000-0000-0000-000000000000/badge.png",
    ],
)
def test_an_unknown_assertion_is_not_found(client_a, path):
    assert client_a.get(path).status_code == HTTPStatus.NOT_FOUND


def test_the_documents_are_read_only(client_a, award):
    response = client_a.post(assertion_path(award.public_id))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client_a.post("/badges/issuer.json").status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- Issuer, badge classes, revocation list -------------------------------------------------------


def test_the_issuer_is_the_portal_with_its_contact_and_revocation_list(client_a, settings):
    settings.DEFAULT_FROM_EMAIL = "Alpha Academy <badges@alpha.example>"
    response = client_a.get("/badges/issuer.json")
    assert response.status_code == HTTPStatus.OK
    assert ob_json(response) == {
        "@context": OB_CONTEXT,
        "id": "http://a.localhost/badges/issuer.json",
        "type": "Issuer",
        "name": "Alpha Academy",
        "url": "http://a.localhost/",
        "email": "badges@alpha.example",
        "revocationList": "http://a.localhost/badges/revocations.json",
    }
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_issuer_takes_the_brand_name_and_logo(client_a, tenant_a, media):
    with tenant_a.activate():
        brand = BrandSettings.objects.get()
        brand.portal_name = "Alpha Cloud Academy"
        brand.logo = _image("Alpha logo", colour="navy")
        brand.save()
    document = ob_json(client_a.get("/badges/issuer.json"))
    assert document["name"] == "Alpha Cloud Academy"
    assert document["image"].startswith("http://a.localhost/media/")
    assert document["image"].endswith(".jpg")


def test_a_certification_is_a_badge_class_with_its_criteria_in_words(client_a, tenant_a, award):
    exam = award.certification.exam
    response = client_a.get("/badges/classes/certification/cloud-practitioner.json")
    assert response.status_code == HTTPStatus.OK
    assert ob_json(response) == {
        "@context": OB_CONTEXT,
        "id": "http://a.localhost/badges/classes/certification/cloud-practitioner.json",
        "type": "BadgeClass",
        "name": "Cloud Practitioner",
        "description": f"Holders passed “{exam.title}”.",
        "image": "http://a.localhost/badges/classes/certification/cloud-practitioner.png",
        "criteria": {"narrative": f"Pass the exam “{exam.title}” (pass mark 70%)."},
        "issuer": "http://a.localhost/badges/issuer.json",
    }
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_expert_badge_class_states_its_rule_and_the_mvp_its_selection(client_a, tenant_a):
    with tenant_a.activate():
        certification = make_certification(name="Network Pro")
        make_badge(
            name="Network Expert",
            required_certification=certification,
            answer_tag="networking",
            min_accepted_answers=10,
        )
        make_badge(kind="mvp", name="Community MVP", criteria="")
    expert = ob_json(client_a.get("/badges/classes/expert/network-expert.json"))
    mvp = ob_json(client_a.get("/badges/classes/mvp/community-mvp.json"))
    assert expert["criteria"]["narrative"] == (
        "Earned by members who hold a valid “Network Pro” certification and have 10 accepted "
        "community answers tagged “networking”."
    )
    assert expert["description"] == "Holders are recognised as Network Expert."
    assert mvp["criteria"]["narrative"].startswith("Nominated by the community")
    assert mvp["image"] == "http://a.localhost/badges/classes/mvp/community-mvp.png"


@pytest.mark.parametrize(
    "path",
    [
        "/badges/classes/mvp/network-expert.json",  # an Expert badge under the MVP kind
        "/badges/classes/expert/cloud-practitioner.json",  # a certification under "expert"
        "/badges/classes/certification/network-expert.json",
        "/badges/classes/gold/cloud-practitioner.json",
        "/badges/classes/certification/nothing-here.json",
        "/badges/classes/gold/cloud-practitioner.png",
        "/badges/classes/mvp/network-expert.png",
    ],
)
def test_a_badge_class_under_the_wrong_kind_is_not_found(client_a, tenant_a, award, path):
    with tenant_a.activate():
        make_badge(name="Network Expert")
    assert client_a.get(path).status_code == HTTPStatus.NOT_FOUND


def test_the_revocation_list_names_every_revoked_award_and_badge(
    client_a, tenant_a, learner, award, staff_a
):
    with tenant_a.activate():
        kept = certify(learner, name="Kept")
        award_revoke(award=award, reason="Shared answers.", revoked_by=staff_a)
        held = badge_award(learner, make_badge())
        revoke_badge_award(held, "Answers were copied.")
        badge_award(learner, make_badge(name="Other Expert"))

    response = client_a.get("/badges/revocations.json")

    assert response.status_code == HTTPStatus.OK
    document = ob_json(response)
    assert document["type"] == "RevocationList"
    assert document["id"] == "http://a.localhost/badges/revocations.json"
    assert document["issuer"] == "http://a.localhost/badges/issuer.json"
    assert document["revokedAssertions"] == [
        {
            "id": f"http://a.localhost/badges/assertions/{award.public_id}.json",
            "revocationReason": "Shared answers.",
        },
        {
            "id": f"http://a.localhost/badges/assertions/{held.public_id}.json",
            "revocationReason": "Answers were copied.",
        },
    ]
    assert str(kept.public_id) not in response.text
    assert "max-age=300" in response["Cache-Control"]


# --- Images and the baked badge ------------------------------------------------------------------


def _image(title: str, *, colour: str = "red", size=(800, 600)) -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="JPEG")
    return Image.objects.create(title=title, file=ImageFile(buffer, name=f"{title}.jpg"))


def test_without_an_image_a_badge_is_drawn_in_the_portals_colour(client_a, tenant_a, award):
    with tenant_a.activate():
        BrandSettings.objects.update(accent_colour="#7c2d12")

    response = client_a.get("/badges/classes/certification/cloud-practitioner.png")

    assert response.status_code == HTTPStatus.OK
    picture = PILImage.open(io.BytesIO(response.content))
    assert response["Content-Type"] == "image/png"
    assert picture.format == "PNG"
    assert picture.size == (400, 400)
    assert picture.convert("RGBA").getpixel((200, 40)) == (0x7C, 0x2D, 0x12, 255)
    assert picture.convert("RGBA").getpixel((2, 2))[3] == 0  # transparent outside the circle
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_editors_image_is_served_as_png_of_at_most_400_pixels(client_a, tenant_a, award, media):
    with tenant_a.activate():
        award.certification.badge_image = _image("Cloud badge", colour="red")
        award.certification.save()

    response = client_a.get("/badges/classes/certification/cloud-practitioner.png")

    assert response.status_code == HTTPStatus.OK
    picture = PILImage.open(io.BytesIO(response.content))
    assert (picture.format, picture.size) == ("PNG", (400, 300))
    red, green, blue = picture.convert("RGB").getpixel((200, 150))
    assert red > 240 and green < 20 and blue < 20


def test_an_image_whose_file_is_missing_falls_back_to_a_drawn_badge(
    client_a, tenant_a, award, media
):
    with tenant_a.activate():
        image = _image("Lost badge")
        image.file.storage.delete(image.file.name)
        award.certification.badge_image = image
        award.certification.save()
    response = client_a.get("/badges/classes/certification/cloud-practitioner.png")
    assert response.status_code == HTTPStatus.OK
    assert PILImage.open(io.BytesIO(response.content)).size == (400, 400)


def test_the_baked_badge_carries_its_assertion_round_trip(client_a, award):
    response = client_a.get(baked_path(award.public_id))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        'attachment; filename="cloud-practitioner-badge.png"'
    )
    baked = json.loads(unbake(io.BytesIO(response.content)))
    assert baked["id"] == f"http://a.localhost/badges/assertions/{award.public_id}.json"
    assert baked == ob_json(client_a.get(assertion_path(award.public_id)))
    picture = PILImage.open(io.BytesIO(response.content))
    assert (picture.format, picture.size) == ("PNG", (400, 400))


def test_a_badge_awards_baked_badge_is_its_badge_class_image(client_a, tenant_a, learner):
    with tenant_a.activate():
        held = badge_award(learner, make_badge(kind="mvp", name="Community MVP"))
    response = client_a.get(baked_path(held.public_id))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="community-mvp-badge.png"'
    assert json.loads(unbake(io.BytesIO(response.content)))["badge"].endswith(
        "/badges/classes/mvp/community-mvp.json"
    )


def test_a_revoked_credential_has_no_baked_badge(client_a, tenant_a, award, learner, staff_a):
    with tenant_a.activate():
        award_revoke(award=award, reason="Shared answers.", revoked_by=staff_a)
        held = badge_award(learner, make_badge())
        revoke_badge_award(held, "Copied.")
    for public_id in (award.public_id, held.public_id):
        response = client_a.get(baked_path(public_id))
        assert response.status_code == HTTPStatus.GONE
        assert response.content.decode() == REVOKED_NO_BADGE


# --- Tenant isolation ----------------------------------------------------------------------------


def test_a_portals_credentials_are_not_found_on_another_portal(client_b, tenant_a, award, learner):
    with tenant_a.activate():
        held = badge_award(learner, make_badge())
    for path in (
        assertion_path(award.public_id),
        assertion_path(held.public_id),
        baked_path(award.public_id),
        baked_path(held.public_id),
        "/badges/classes/certification/cloud-practitioner.json",
        "/badges/classes/certification/cloud-practitioner.png",
        "/badges/classes/expert/networking-expert.json",
        "/badges/classes/expert/networking-expert.png",
    ):
        assert client_b.get(path).status_code == HTTPStatus.NOT_FOUND, path


def test_each_portal_issues_under_its_own_name_and_revocation_list(
    client_b, tenant_a, award, staff_a
):
    with tenant_a.activate():
        award_revoke(award=award, reason="Shared answers.", revoked_by=staff_a)
    issuer = ob_json(client_b.get("/badges/issuer.json"))
    assert issuer["name"] == "Beta Learning"
    assert issuer["id"] == "http://b.localhost/badges/issuer.json"
    assert ob_json(client_b.get("/badges/revocations.json"))["revokedAssertions"] == []


def test_a_drawn_badge_is_cached_per_portal(client_a, client_b, tenant_a, tenant_b):
    """Same kind and slug on two portals, different colours: each portal sees its own."""
    for tenant, colour in ((tenant_a, "#7c2d12"), (tenant_b, "#14532d")):
        with tenant.activate():
            make_certification(name="Shared Name")
            BrandSettings.objects.update(accent_colour=colour)
    path = "/badges/classes/certification/shared-name.png"
    for client, rgb in ((client_a, (0x7C, 0x2D, 0x12)), (client_b, (0x14, 0x53, 0x2D))):
        for _ in range(2):  # the second answer comes from the cache
            picture = PILImage.open(io.BytesIO(client.get(path).content)).convert("RGB")
            assert picture.getpixel((200, 40)) == rgb


# --- Query budgets -------------------------------------------------------------------------------


def _queries(client, path: str, status: int = HTTPStatus.OK) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == status, path
    return len(queries)


@pytest.mark.parametrize("kind", ["certification", "expert"])
def test_an_assertion_and_its_baked_badge_stay_within_budget(
    client_a, tenant_a, learner, award, django_assert_max_num_queries, kind
):
    with tenant_a.activate():
        public_id = (
            award.public_id
            if kind == "certification"
            else badge_award(learner, make_badge(name="Budget Expert")).public_id
        )
    for path in (assertion_path(public_id), baked_path(public_id)):
        with django_assert_max_num_queries(ASSERTION_BUDGET):
            count = _queries(client_a, path)
        print(f"{kind} {path.rsplit('/', 1)[-1]}: {count} queries")


def test_the_revocation_list_costs_the_same_for_1_or_12_revocations(
    client_a, tenant_a, learner, staff_a, django_assert_max_num_queries
):
    counts = []
    for revoked in (1, 12):
        with tenant_a.activate():
            while Award.objects.filter(revoked_at__isnull=False).count() < revoked:
                number = Award.objects.count()
                award_revoke(
                    award=certify(learner, name=f"Revoked {number}"),
                    reason="Test.",
                    revoked_by=staff_a,
                )
                held = badge_award(learner, make_badge(name=f"Revoked badge {number}"))
                revoke_badge_award(held, "Test.")
        with django_assert_max_num_queries(REVOCATIONS_BUDGET):
            counts.append(_queries(client_a, "/badges/revocations.json"))
        document = ob_json(client_a.get("/badges/revocations.json"))
        assert len(document["revokedAssertions"]) == 2 * revoked
    assert counts[0] == counts[1]
    print(f"revocations: {counts[0]} queries")


@pytest.mark.parametrize(
    "path",
    [
        "/badges/issuer.json",
        "/badges/classes/certification/cloud-practitioner.json",
        "/badges/classes/certification/cloud-practitioner.png",
    ],
)
def test_the_issuer_and_badge_class_documents_stay_within_budget(
    client_a, award, django_assert_max_num_queries, path
):
    with django_assert_max_num_queries(ASSERTION_BUDGET):
        count = _queries(client_a, path)
    print(f"{path}: {count} queries")
