"""The PDF certificate of a credential: what it says, its QR code, and none once revoked."""

from collections import Counter
from datetime import timedelta
from http import HTTPStatus
from io import BytesIO

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import qrcode
from pypdf import PdfReader
from pypdf.generic import ContentStream

from certification.award_services import award_revoke
from certification.certificate_pdf import VerificationQr, verification_qr
from certification.models import Award
from certification.verify_views import REVOKED_NO_CERTIFICATE
from tests.factories.badges import give_badge, make_badge
from tests.factories.certification import make_certification, take_exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(tenant_a, member_factory, clock):
    """Ada Lovelace's "Cloud Pro", issued 6 May 2030 for a year."""
    member = member_factory(tenant_a, display_name="Ada Lovelace")
    with tenant_a.activate():
        certification = make_certification(name="Cloud Pro", validity_months=12)
        take_exam(member=member, exam=certification.exam)
        return Award.objects.select_related("member").get(member=member)


def _pdf(client, public_id) -> PdfReader:
    response = client.get(f"/verify/{public_id}/certificate.pdf")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _links(reader: PdfReader) -> list[tuple[str, list[float]]]:
    """The (address, rectangle) of every link on the first page."""
    links = []
    for annotation in reader.pages[0].get("/Annots", []):
        annotation = annotation.get_object()
        if annotation.get("/Subtype") == "/Link" and "/A" in annotation:
            links.append((annotation["/A"]["/URI"], [float(n) for n in annotation["/Rect"]]))
    return links


def _qr_modules(reader: PdfReader) -> list[list[bool]]:
    """The QR code as drawn on the first page: its dark modules, read back from the page's
    rectangles (the modules are the many rectangles of one height, runs of dark modules in a
    row)."""
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    rects = [[float(n) for n in operands] for operands, op in operations if op == b"re"]
    size = Counter(round(height, 3) for *_, height in rects).most_common(1)[0][0]
    modules = [rect for rect in rects if abs(rect[3] - size) < 0.01]
    left = min(x for x, *_ in modules)
    top = max(y for _, y, *_ in modules)
    count = round((max(x + width for x, _, width, _ in modules) - left) / size)
    grid = [[False] * count for _ in range(count)]
    for x, y, width, _ in modules:
        row, column = round((top - y) / size), round((x - left) / size)
        for dark in range(column, column + round(width / size)):
            grid[row][dark] = True
    return grid


def _encodes(grid: list[list[bool]], value: str) -> bool:
    """Whether ``grid`` is the QR code of ``value`` as another encoder (python-qrcode, already
    installed with allauth's MFA) makes it, with any of the eight masks: a decoder's check
    without a decoder."""
    for mask in range(8):
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=mask
        )
        code.add_data(value, optimize=0)
        code.make(fit=True)
        if code.get_matrix() == grid:
            return True
    return False


def test_anyone_downloads_the_certificate_of_a_valid_award(client_a, award):
    response = client_a.get(f"/verify/{award.public_id}/certificate.pdf")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == 'attachment; filename="cloud-pro-certificate.pdf"'
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4
    text = _text(reader)
    verify_url = f"http://a.localhost/verify/{award.public_id}/"
    for expected in (
        "Alpha Academy",
        "Certificate",
        "Ada Lovelace",
        "has earned the certification",
        "Cloud Pro",
        "6 May 2030",
        "6 May 2031",
        str(award.public_id),
        verify_url,
    ):
        assert expected in text, expected
    assert award.member.email not in text
    assert reader.metadata.title == "Certificate: Cloud Pro"
    assert reader.metadata.author == "Alpha Academy"


def test_the_qr_code_encodes_the_verify_address_and_links_to_it(client_a, award):
    verify_url = f"http://a.localhost/verify/{award.public_id}/"
    assert verification_qr(verify_url).value == verify_url
    flowable = VerificationQr(verify_url)
    assert flowable.widget.value == verify_url
    reader = _pdf(client_a, award.public_id)
    links = _links(reader)
    assert {url for url, _ in links} == {verify_url}  # the printed address and the QR code
    squares = [rect for _, rect in links if abs((rect[2] - rect[0]) - (rect[3] - rect[1])) < 1]
    assert squares, "the QR code is a square link to the verify page"
    grid = _qr_modules(reader)
    assert _encodes(grid, verify_url)
    assert not _encodes(grid, verify_url.replace("http://", "https://"))


def test_an_expired_award_still_has_its_certificate(client_a, award, clock):
    clock.shift(timedelta(days=400))
    assert "6 May 2031" in _text(_pdf(client_a, award.public_id))


def test_a_revoked_award_has_no_certificate(client_a, tenant_a, award):
    with tenant_a.activate():
        award_revoke(award=award, reason="Misconduct", revoked_by=None)
    response = client_a.get(f"/verify/{award.public_id}/certificate.pdf")
    assert response.status_code == HTTPStatus.GONE
    assert response["Content-Type"].startswith("text/plain")
    verify_url = f"http://a.localhost/verify/{award.public_id}/"
    assert response.text == REVOKED_NO_CERTIFICATE.format(url=verify_url)


def test_a_badge_award_has_a_certificate_named_after_its_badge(
    client_a, tenant_a, member_factory, clock
):
    member = member_factory(tenant_a, display_name="Grace Hopper")
    with tenant_a.activate():
        badge = make_badge(name="Kubernetes Expert")
        badge_award = give_badge(member=member, badge=badge)
    response = client_a.get(f"/verify/{badge_award.public_id}/certificate.pdf")
    assert response["Content-Disposition"] == (
        'attachment; filename="kubernetes-expert-certificate.pdf"'
    )
    text = _text(PdfReader(BytesIO(response.content)))
    assert "Grace Hopper" in text and "has earned the Expert badge" in text
    assert "Kubernetes Expert" in text and "Never expires" in text


def test_names_are_printed_as_written_not_read_as_markup(client_a, tenant_a, member_factory):
    member = member_factory(tenant_a, display_name="Ada <b>Lovelace</b> & Co")
    with tenant_a.activate():
        certification = make_certification(name="Ops <i>&</i> Cloud", slug="ops-cloud")
        take_exam(member=member, exam=certification.exam)
        award = Award.objects.get(member=member)
    text = _text(_pdf(client_a, award.public_id))
    assert "Ada <b>Lovelace</b> & Co" in text and "Ops <i>&</i> Cloud" in text


def test_the_certificate_stays_within_the_query_budget(
    client_a, award, django_assert_max_num_queries
):
    url = f"/verify/{award.public_id}/certificate.pdf"
    client_a.get(url)  # warm the per-portal caches
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
        assert client_a.get(url).status_code == HTTPStatus.OK
    print(f"certificate: {len(queries)} queries")
