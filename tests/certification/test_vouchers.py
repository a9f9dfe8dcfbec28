"""Vouchers: generated in batches, exported as CSV, redeemed once (even in a race), expiring."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

from django.core import mail
from django.utils import timezone

import pytest

from certification.models import Attempt, Voucher, VoucherBatch
from certification.selectors import NO_ATTEMPTS_LEFT, exam_standing
from certification.voucher_services import (
    ALPHABET,
    EXPIRED_CODE,
    FINISH_OPEN_ATTEMPT,
    UNKNOWN_CODE,
    USED_CODE,
    WRONG_EXAM,
    WRONG_SESSION,
    VoucherError,
    batch_create,
    code_display,
    code_normalise,
    voucher_redeem_for_exam,
)
from courses.models import LiveSessionPage, SessionRegistration
from courses.session_services import redeem_voucher_for_seat, session_register
from tests.concurrency import race
from tests.factories.certification import make_exam, take_exam
from tests.factories.courses import make_session

pytestmark = pytest.mark.django_db

VOUCHERS = "/admin/certification/vouchers/"
ROOM = {"kind": LiveSessionPage.CLASSROOM, "location": "Room 3"}


def _exam_batch(count=3, **fields):
    exam = fields.pop("exam", None) or make_exam(title="Voucher exam", max_attempts=1)
    return batch_create(
        name="Summit", purpose="exam", exam=exam, count=count, created_by=None, **fields
    )


def _code(batch) -> str:
    return batch.vouchers.order_by("pk").first().code


def test_a_batch_has_the_asked_number_of_unique_unambiguous_codes(tenant_a):
    with tenant_a.activate():
        batch = _exam_batch(count=500)
        codes = list(batch.vouchers.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 500 == batch.count
    assert all(len(code) == 12 and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01OI") & set(ALPHABET)


@pytest.mark.parametrize("count", [0, 5001])
def test_a_batch_outside_1_to_5000_is_refused(tenant_a, count):
    with tenant_a.activate(), pytest.raises(VoucherError, match="between 1 and 5000"):
        _exam_batch(count=count)


def test_codes_are_normalised_from_what_members_type():
    assert code_normalise(" abcd-efgh jkmn ") == "ABCDEFGHJKMN"
    assert code_display("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_an_exam_voucher_starts_an_extra_attempt_once(tenant_a, learner, clock):
    with tenant_a.activate():
        batch = _exam_batch()
        exam = batch.exam
        take_exam(member=learner, exam=exam, passing=False)
        assert exam_standing(exam=exam, member=learner).refusal == NO_ATTEMPTS_LEFT
        code = code_display(_code(batch)).lower()
        attempt = voucher_redeem_for_exam(member=learner, exam=exam, code=code)
        assert attempt.is_open
        voucher = Voucher.objects.get(attempt=attempt)
        assert voucher.redeemed_by == learner and voucher.redeemed_at == timezone.now()
        with pytest.raises(VoucherError, match=FINISH_OPEN_ATTEMPT):
            voucher_redeem_for_exam(member=learner, exam=exam, code=batch.vouchers.last().code)
        from certification.services import attempt_submit

        attempt_submit(attempt=attempt)
        with pytest.raises(VoucherError, match=USED_CODE):
            voucher_redeem_for_exam(member=learner, exam=exam, code=code)
        assert exam_standing(exam=exam, member=learner).used == 1  # the voucher's is extra


def test_unknown_expired_and_other_exam_codes_are_refused_clearly(tenant_a, learner, clock):
    with tenant_a.activate():
        batch = _exam_batch(expires_at=timezone.now() + timedelta(days=1))
        other = make_exam(title="Other exam")
        with pytest.raises(VoucherError, match=UNKNOWN_CODE):
            voucher_redeem_for_exam(member=learner, exam=batch.exam, code="NOPE-NOPE-NOPE")
        with pytest.raises(VoucherError, match=WRONG_EXAM):
            voucher_redeem_for_exam(member=learner, exam=other, code=_code(batch))
        clock.shift(timedelta(days=1))
        with pytest.raises(VoucherError, match=EXPIRED_CODE):
            voucher_redeem_for_exam(member=learner, exam=batch.exam, code=_code(batch))
        assert not Voucher.objects.filter(redeemed_at__isnull=False).exists()
        assert not Attempt.objects.exists()


def test_the_exam_page_form_redeems_a_voucher(signed_in, tenant_a, learner):
    with tenant_a.activate():
        batch = _exam_batch()
    page = signed_in.get(f"/certification/exams/{batch.exam.slug}/")
    assert "Have a voucher?" in page.text
    url = f"/certification/exams/{batch.exam.slug}/voucher/"
    empty = signed_in.post(url, {"code": " "}, follow=True)
    assert "Enter the voucher code." in empty.text
    bad = signed_in.post(url, {"code": "ZZZZ"}, follow=True)
    assert bad.status_code == HTTPStatus.OK and "does not exist" in bad.text
    response = signed_in.post(url, {"code": code_display(_code(batch))})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/certification/attempts/")


@pytest.mark.django_db(transaction=True)
def test_two_members_racing_for_one_code_one_wins(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        members = [make_member(email=f"racer{n}@example.com") for n in range(2)]
        batch = _exam_batch(count=1)
        code = _code(batch)
        exam = batch.exam
    errors = race(
        tenant,
        [lambda m=m: voucher_redeem_for_exam(member=m, exam=exam, code=code) for m in members],
    )
    assert [str(error) for error in errors] == [USED_CODE]
    with tenant.activate():
        (voucher,) = Voucher.objects.all()
        assert voucher.redeemed_by_id in {m.pk for m in members}
        assert Attempt.objects.count() == 1
        assert Attempt.objects.get().member_id == voucher.redeemed_by_id


def _seat_batch(session=None, **fields):
    return batch_create(
        name="Lab seats", purpose="seat", session=session, count=2, created_by=None, **fields
    )


def test_a_seat_voucher_confirms_a_requested_seat_from_the_session_page(
    signed_in, tenant_a, learner, django_capture_on_commit_callbacks
):
    with tenant_a.activate():
        session = make_session(title="Lab", **ROOM)
        session_register(member=learner, session=session)
        batch = _seat_batch()
    page = signed_in.get(f"/learning/sessions/{session.pk}/")
    assert "Have a voucher?" in page.text
    url = f"/learning/sessions/{session.pk}/voucher/"
    unknown = signed_in.post(url, {"code": "ABCD"}, follow=True)
    assert "This code cannot pay for a seat." in unknown.text
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(url, {"code": code_display(_code(batch)).lower()}, follow=True)
    assert "your seat is confirmed" in response.text
    with tenant_a.activate():
        registration = SessionRegistration.objects.get(member=learner)
        assert registration.status == SessionRegistration.Status.REGISTERED
        assert Voucher.objects.get(redeemed_by=learner).registration == registration
    assert any("Your seat is confirmed" in m.subject for m in mail.outbox)


def test_a_seat_voucher_for_another_session_or_a_used_one_is_refused(tenant_a, member_factory):
    from courses.services import CourseError

    first, second = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        lab = make_session(title="Lab", **ROOM)
        other = make_session(title="Other lab", **ROOM)
        for member in (first, second):
            session_register(member=member, session=lab)
        batch = _seat_batch(session=other)
        code = _code(batch)
        with pytest.raises(CourseError, match=WRONG_SESSION):
            redeem_voucher_for_seat(member=first, session=lab, code=code)
        any_batch = _seat_batch()
        code = _code(any_batch)
        redeem_voucher_for_seat(member=first, session=lab, code=code)
        with pytest.raises(CourseError, match=USED_CODE):
            redeem_voucher_for_seat(member=second, session=lab, code=code)
        exam_code = _code(_exam_batch())
        with pytest.raises(CourseError, match="cannot pay for a seat"):
            redeem_voucher_for_seat(member=second, session=lab, code=exam_code)


def test_a_full_session_rolls_the_seat_voucher_back(tenant_a, member_factory):
    from courses.services import CourseError
    from courses.session_services import session_confirm

    first, second = member_factory(tenant_a), member_factory(tenant_a)
    with tenant_a.activate():
        lab = make_session(title="Lab", capacity=1, **ROOM)
        session_register(member=first, session=lab)
        session_register(member=second, session=lab)
        session_confirm(member=first, session=lab)
        batch = _seat_batch()
        with pytest.raises(CourseError, match="Every seat"):
            redeem_voucher_for_seat(member=second, session=lab, code=_code(batch))
        assert not Voucher.objects.filter(redeemed_at__isnull=False).exists()


@pytest.fixture
def staff_client(client_a, tenant_a, member_factory):
    staff = member_factory(tenant_a, staff=True, mfa=True)
    with tenant_a.activate():
        client_a.force_login(staff)
    return client_a


def test_staff_generate_a_batch_and_download_it_as_safe_csv(staff_client, tenant_a):
    with tenant_a.activate():
        exam = make_exam(title="Voucher exam")
    assert staff_client.get(VOUCHERS).status_code == HTTPStatus.OK
    bad = staff_client.post(VOUCHERS, {"name": "x", "purpose": "exam", "count": "9999"})
    assert bad.status_code == HTTPStatus.OK and "less than or equal to 5000" in bad.text
    missing = staff_client.post(VOUCHERS, {"name": "x", "purpose": "exam", "count": "3"})
    assert "Choose the exam" in missing.text
    data = {"name": "=HYPERLINK(evil)", "purpose": "exam", "exam": exam.pk, "count": "25"}
    assert staff_client.post(VOUCHERS, data).status_code == HTTPStatus.FOUND
    with tenant_a.activate():
        batch = VoucherBatch.objects.get()
        assert batch.vouchers.count() == 25
    response = staff_client.get(f"{VOUCHERS}{batch.pk}/codes.csv")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["code", "batch", "expires_at", "redeemed_at"]
    assert len(rows) == 26
    assert all(len(row[0]) == 14 and row[0][4] == "-" for row in rows[1:])
    assert {row[1] for row in rows[1:]} == {"'=HYPERLINK(evil)"}


def test_learners_cannot_open_the_voucher_screens(client_a, tenant_a, member_factory):
    learner = member_factory(tenant_a, mfa=True)
    with tenant_a.activate():
        batch = _exam_batch()
        client_a.force_login(learner)
    for url in (VOUCHERS, f"{VOUCHERS}{batch.pk}/codes.csv"):
        response = client_a.get(url)
        assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]


def test_a_batch_and_codes_of_a_are_not_found_on_b(client_b, tenant_a, tenant_b, member_factory):
    with tenant_a.activate():
        batch = _exam_batch()
        code = _code(batch)
        session_a = make_session(title="Alpha lab", **ROOM)
    staff_b = member_factory(tenant_b, staff=True, mfa=True)
    with tenant_b.activate():
        client_b.force_login(staff_b)
        exam_b = make_exam(title="Voucher exam")
        with pytest.raises(VoucherError, match=UNKNOWN_CODE):
            voucher_redeem_for_exam(member=staff_b, exam=exam_b, code=code)
    assert client_b.get(f"{VOUCHERS}{batch.pk}/codes.csv").status_code == HTTPStatus.NOT_FOUND
    assert "Summit" not in client_b.get(VOUCHERS).text
    exam_url = f"/certification/exams/{batch.exam.slug}/voucher/"
    if batch.exam.slug != exam_b.slug:
        assert client_b.post(exam_url, {"code": code}).status_code == HTTPStatus.NOT_FOUND
    session_url = f"/learning/sessions/{session_a.pk}/voucher/"
    assert client_b.post(session_url, {"code": code}).status_code == HTTPStatus.NOT_FOUND
    with tenant_a.activate():
        assert not Voucher.objects.filter(redeemed_at__isnull=False).exists()


def test_an_exam_voucher_url_of_a_is_not_found_on_b(client_b, tenant_a, tenant_b, member_factory):
    with tenant_a.activate():
        batch = _exam_batch(exam=make_exam(title="Alpha only exam"))
        code = _code(batch)
    member_b = member_factory(tenant_b)
    with tenant_b.activate():
        client_b.force_login(member_b)
    url = f"/certification/exams/{batch.exam.slug}/voucher/"
    assert client_b.post(url, {"code": code}).status_code == HTTPStatus.NOT_FOUND


def test_the_voucher_screen_costs_the_same_for_1_or_4_batches(
    staff_client, tenant_a, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    with tenant_a.activate():
        exam = make_exam(title="Budget exam")
    for extra in (1, 3):
        with tenant_a.activate():
            for _ in range(extra):
                _exam_batch(count=2, exam=exam)
        staff_client.get(VOUCHERS)
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            assert staff_client.get(VOUCHERS).status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert counts[0] == counts[1]
    print(f"voucher screen: {counts[0]} queries")
