"""Enrolment, progress pings and completion rules (courses.services)."""

import math

import pytest

from courses.models import Enrollment, LessonProgress
from courses.services import (
    INVALID_NUMBER,
    NEGATIVE_NUMBER,
    NO_DURATION,
    NOT_ENROLLED,
    VIDEO_LESSON,
    CourseError,
    enrollment_create,
    lesson_complete,
    progress_record,
)
from tests.concurrency import race
from tests.factories.courses import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_course(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Video course", lessons=2, video=True)
        enrollment_create(member=member, course=course)
        lessons = list(course.get_children().specific())
    return member, course, lessons


def test_enrolling_twice_keeps_one_enrolment(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(lessons=1)
        first = enrollment_create(member=member, course=course)
        second = enrollment_create(member=member, course=course)
        assert first.pk == second.pk
        assert Enrollment.objects.filter(member=member).count() == 1


def test_position_beyond_the_video_is_clamped_to_its_length(tenant_a, video_course):
    member, _, (lesson, _) = video_course
    with tenant_a.activate():
        row = progress_record(member=member, lesson=lesson, position=500, duration=100)
    assert row.position_seconds == row.furthest_seconds == 100
    assert row.completed_at is not None


@pytest.mark.parametrize(
    ("position", "duration", "message"),
    [
        ("abc", 100, INVALID_NUMBER),
        (None, 100, INVALID_NUMBER),
        ("nan", 100, INVALID_NUMBER),
        (math.inf, 100, INVALID_NUMBER),
        (10, "inf", INVALID_NUMBER),
        (-1, 100, NEGATIVE_NUMBER),
        (10, -5, NEGATIVE_NUMBER),
        (10, 0, NO_DURATION),
        (True, 100, INVALID_NUMBER),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    tenant_a, video_course, position, duration, message
):
    member, _, (lesson, _) = video_course
    with tenant_a.activate():
        progress_record(member=member, lesson=lesson, position=20, duration=100)
        with pytest.raises(CourseError, match=message):
            progress_record(member=member, lesson=lesson, position=position, duration=duration)
        row = LessonProgress.objects.get(member=member, lesson=lesson)
    assert (row.position_seconds, row.furthest_seconds, row.duration_seconds) == (20, 20, 100)


def test_late_pings_do_not_reduce_the_furthest_position(tenant_a, video_course):
    member, _, (lesson, _) = video_course
    with tenant_a.activate():
        for position in (10, 60, 30, 60, 5):
            row = progress_record(member=member, lesson=lesson, position=position, duration=100)
    assert row.furthest_seconds == 60
    assert row.position_seconds == 5
    assert row.completed_at is None


def test_a_video_lesson_completes_at_90_percent_watched(tenant_a, video_course):
    member, _, (lesson, _) = video_course
    with tenant_a.activate():
        row = progress_record(member=member, lesson=lesson, position=89.9, duration=100)
        assert row.completed_at is None
        row = progress_record(member=member, lesson=lesson, position=90, duration=100)
        completed_at = row.completed_at
        assert completed_at is not None
        row = progress_record(member=member, lesson=lesson, position=95, duration=100)
    assert row.completed_at == completed_at  # completing again keeps the first date


def test_rewinding_after_90_percent_keeps_the_lesson_complete(tenant_a, video_course):
    member, _, (lesson, _) = video_course
    with tenant_a.activate():
        progress_record(member=member, lesson=lesson, position=95, duration=100)
        row = progress_record(member=member, lesson=lesson, position=3, duration=100)
    assert row.completed_at is not None and row.furthest_seconds == 95


def test_progress_needs_an_enrolment(tenant_a, member_factory, video_course):
    _, _, (lesson, _) = video_course
    stranger = member_factory(tenant_a)
    with tenant_a.activate():
        with pytest.raises(CourseError, match=NOT_ENROLLED):
            progress_record(member=stranger, lesson=lesson, position=1, duration=10)
        assert not LessonProgress.objects.filter(member=stranger).exists()


def test_video_lessons_cannot_be_marked_done(tenant_a, video_course):
    member, _, (lesson, _) = video_course
    with tenant_a.activate(), pytest.raises(CourseError, match=VIDEO_LESSON):
        lesson_complete(member=member, lesson=lesson)


def test_the_course_completes_with_its_last_lesson(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(lessons=2)
        enrollment = enrollment_create(member=member, course=course)
        first, second = course.get_children().specific()
        lesson_complete(member=member, lesson=first)
        enrollment.refresh_from_db()
        assert enrollment.completed_at is None
        lesson_complete(member=member, lesson=second)
        lesson_complete(member=member, lesson=second)  # twice is harmless
        enrollment.refresh_from_db()
        assert enrollment.completed_at is not None
        assert enrollment.last_lesson_id == second.pk
        assert LessonProgress.objects.filter(member=member, completed_at__isnull=False).count() == 2


def test_mixed_course_completes_by_watching_and_marking(tenant_a, member_factory):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(lessons=1)
        from tests.factories.courses import make_lesson

        video = make_lesson(course, title="Watch", video=True)
        text = course.get_children().specific().first()
        enrollment = enrollment_create(member=member, course=course)
        lesson_complete(member=member, lesson=text)
        progress_record(member=member, lesson=video, position=100, duration=100)
        enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_enrolments_make_one_row(fresh_tenant):
    from tests.factories.accounts import make_member

    tenant = fresh_tenant()
    with tenant.activate():
        member = make_member(email="racer@example.com")
        course = make_course(title="Race", lessons=1)
    errors = race(tenant, [lambda: enrollment_create(member=member, course=course)] * 2)
    assert errors == []
    with tenant.activate():
        assert Enrollment.objects.filter(member=member, course=course).count() == 1
