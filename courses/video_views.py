"""Lesson videos served at the lesson's own URL: the file, its poster and caption tracks.

``LessonPage`` routes ``<lesson>/video/<block id>/…`` here. Only files the lesson's video blocks
use are served, only to those who may read the lesson, from the current portal's storage, with
byte ranges so the player can seek.
"""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from wagtailmedia import get_media_model

from courses.models import CoursePage, Enrollment, LessonPage
from portal.documents import ranged_file_response


def _may_watch(request: HttpRequest, lesson: LessonPage) -> bool:
    """Who may load a lesson's video: whoever may read the lesson, and staff previewing it."""
    user = request.user
    if lesson.is_preview or user.has_perm("wagtailadmin.access_admin"):
        return True
    if not user.is_authenticated:
        return False
    course = getattr(lesson, "_cached_parent_obj", None)
    if isinstance(course, CoursePage) and hasattr(course, "enrollment_id"):
        return course.enrollment_id is not None  # annotated by the lesson's route query
    return Enrollment.objects.filter(
        member=user, course__path=lesson.path[: -lesson.steplen]
    ).exists()


def _video_file(raw: dict, *, part: str, track: int | None):
    """The file behind a video block's ``part`` (its raw value holds the ids), or None."""
    if part == "captions":
        tracks = [item.get("value", item) for item in raw.get("captions") or []]
        if track is None or not 0 <= track < len(tracks) or not tracks[track].get("file"):
            return None
        document = get_document_model().objects.filter(pk=tracks[track]["file"]).first()
        return document and document.file
    if part == "poster" and raw.get("poster"):
        image = get_image_model().objects.filter(pk=raw["poster"]).first()
        return image and image.get_rendition("width-1280").file
    media = get_media_model().objects.filter(pk=raw.get("video") or 0, type="video").first()
    if media is None:
        return None
    return media.thumbnail if part == "poster" else media.file


def lesson_video(
    request: HttpRequest, *, lesson: LessonPage, block_id: str, part: str, track: int | None = None
) -> HttpResponse:
    """A lesson video's file, poster or caption track, with byte ranges so the player can seek.

    Served at the lesson's own URL (``<lesson>/video/<block id>/…``): only files the lesson's
    video blocks use, only to those who may read the lesson, from the current portal's storage.
    """
    raw = next(
        (
            block["value"]
            for block in lesson.body.raw_data
            if block["type"] == "video" and str(block.get("id")) == block_id
        ),
        None,
    )
    if not isinstance(raw, dict):
        raise Http404
    if not _may_watch(request, lesson):
        raise PermissionDenied
    file = _video_file(raw, part=part, track=track)
    if not file:
        raise Http404
    if part == "captions":
        content_type = "text/vtt; charset=utf-8"
    else:
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return ranged_file_response(request, file, content_type=content_type)
