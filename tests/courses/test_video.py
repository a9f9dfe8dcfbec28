"""Lesson videos: wagtailmedia uploads served by the lesson with byte ranges, caption checks,
transcripts (parsed with webvtt-py, shown and searchable), external embeds, and the server's
own video length for progress."""

from dataclasses import dataclass
from html import unescape
from http import HTTPStatus

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.blocks import StructBlockValidationError
from wagtail.documents import get_document_model

import pytest
import webvtt
from wagtailmedia import get_media_model

from courses.blocks import SOURCE_REQUIRED, CaptionTrackBlock, VideoBlock
from courses.models import LessonPage
from courses.services import enrollment_create, progress_record
from courses.transcripts import BAD_CUE, NO_CUES, NOT_UTF8, NOT_WEBVTT
from tests.factories.courses import make_course, make_lesson

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
VIDEO_BYTES = bytes(range(256)) * 8  # 2,048 bytes standing in for an MP4
EN_VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Welcome to <b>the</b> deployment lesson.

00:00:04.000 --> 00:01:05.500
Open the console &amp; choose New service.
"""
FR_VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
Bienvenue dans la leçon sur le déploiement.
"""


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_captions(text: str, name: str = "captions.vtt"):
    document = get_document_model()(title=name, file=ContentFile(text.encode(), name=name))
    document._set_document_file_metadata()
    document.save()
    return document


def make_media(*, duration: float = 24.0, thumbnail: bool = True):
    media = get_media_model()(title="Clip", type="video", duration=duration)
    media.file.save("clip.mp4", ContentFile(VIDEO_BYTES), save=False)
    if thumbnail:
        media.thumbnail.save("clip.png", ContentFile(b"\x89PNG fake poster"), save=False)
    media.save()
    return media


def video_value(media=None, *, title="Deploying", captions=(), url=""):
    return {
        "title": title,
        "video": media.pk if media else None,
        "url": url,
        "poster": None,
        "captions": [
            {"language": language, "label": label, "file": document.pk}
            for language, label, document in captions
        ],
    }


def video_lesson(course, *, title="Watch", videos=1, captions=True, **fields):
    """A lesson with ``videos`` uploaded videos, each with en and fr captions if ``captions``."""
    tracks = []
    if captions:
        tracks = [
            ("en", "English", make_captions(EN_VTT, "en.vtt")),
            ("fr", "Français", make_captions(FR_VTT, "fr.vtt")),
        ]
    body = [
        {"type": "video", "value": video_value(make_media(), title=f"Video {n}", captions=tracks)}
        for n in range(videos)
    ]
    return make_lesson(course, title=title, body=body, **fields)


def _login(client, tenant, user):
    with tenant.activate():
        client.force_login(user)


@dataclass
class Enrolled:
    member: object
    lesson: LessonPage
    url: str
    media: object

    block_id: str

    @property
    def video_url(self) -> str:
        return f"{self.url}video/{self.block_id}/"


@pytest.fixture
def enrolled(client_a, tenant_a, member_factory) -> Enrolled:
    """A learner signed in on A and enrolled in a course whose second lesson has a video."""
    member = member_factory(tenant_a)
    with tenant_a.activate():
        course = make_course(title="Deploy", lessons=1)
        lesson = video_lesson(course)
        enrollment_create(member=member, course=course)
        url, media = lesson.url, lesson.body[0].value["video"]
        media.path_on_disk = media.file.path
    _login(client_a, tenant_a, member)
    return Enrolled(member=member, lesson=lesson, url=url, media=media, block_id=lesson.body[0].id)


# --- Blocks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Just some text\n", NOT_WEBVTT),
        ("WEBVTT\n\nnot a time --> at all\nHello\n", BAD_CUE.split("{")[0]),
        ("WEBVTT\n", NO_CUES),
    ],
)
def test_a_caption_file_that_is_not_webvtt_gets_a_clear_block_error(tenant_a, content, message):
    with tenant_a.activate():
        document = make_captions(content)
        with pytest.raises(StructBlockValidationError) as error:
            CaptionTrackBlock().clean({"language": "en", "label": "English", "file": document})
    assert message in str(error.value.block_errors["file"])


def test_a_caption_file_that_is_not_utf8_is_refused(tenant_a):
    with tenant_a.activate():
        document = get_document_model()(
            title="Latin-1", file=ContentFile("WEBVTT\n\ncafé".encode("latin-1"), name="l1.vtt")
        )
        document.save()
        with pytest.raises(StructBlockValidationError) as error:
            CaptionTrackBlock().clean({"language": "fr", "label": "Français", "file": document})
    assert NOT_UTF8 in str(error.value.block_errors["file"])


def test_a_valid_caption_file_passes(tenant_a):
    with tenant_a.activate():
        document = make_captions(EN_VTT)
        value = CaptionTrackBlock().clean({"language": "en", "label": "English", "file": document})
    assert value["file"] == document


def test_a_video_needs_an_upload_or_an_address_but_not_captions(tenant_a):
    block = VideoBlock()
    with tenant_a.activate():
        empty = block.to_python(video_value())
        with pytest.raises(StructBlockValidationError) as error:
            block.clean(empty)
        assert SOURCE_REQUIRED in str(error.value.block_errors["url"])
        media = make_media()
        assert block.clean(block.to_python(video_value(media)))["video"] == media


# --- Transcripts and duration ---------------------------------------------------------------


def test_saving_a_lesson_stores_the_transcript_parsed_from_its_captions(tenant_a):
    with tenant_a.activate():
        course = make_course(title="Deploy", lessons=0)
        lesson = video_lesson(course)
        block_id = lesson.body[0].id
        expected = webvtt.from_string(EN_VTT).captions
    transcript = lesson.transcripts[block_id]
    assert transcript["language"] == "en"
    assert [cue["text"] for cue in transcript["cues"]] == [
        " ".join(unescape(caption.text).split()) for caption in expected
    ]
    assert [cue["label"] for cue in transcript["cues"]] == ["0:00", "0:04"]
    assert transcript["cues"][1]["start"] == 4.0
    assert lesson.video_duration == 24.0


def test_the_transcript_is_the_track_in_the_course_language(tenant_a):
    with tenant_a.activate():
        course = make_course(title="Déployer", lessons=0, language="fr")
        lesson = video_lesson(course)
    (transcript,) = lesson.transcripts.values()
    assert transcript["language"] == "fr"
    assert transcript["cues"][0]["text"].startswith("Bienvenue")


def test_a_video_without_captions_has_no_transcript_and_an_address_has_no_duration(tenant_a):
    with tenant_a.activate():
        course = make_course(title="Plain", lessons=0)
        lesson = make_lesson(
            course,
            title="Link",
            body=[{"type": "video", "value": video_value(url="https://v.example/a.mp4")}],
        )
    assert lesson.transcripts == {}
    assert lesson.video_duration is None


def test_the_transcript_is_shown_under_the_video_with_seek_buttons(client_a, enrolled):
    html = client_a.get(enrolled.url).text
    assert "<summary>Transcript (English)</summary>" in html
    assert 'data-seek="4.000" aria-label="Play from 0:04">0:04</button>' in html
    assert "Open the console &amp; choose New service." in html  # escaped, never marked safe
    assert '<label for="video-' in html and "data-playback-speed" in html
    assert f'src="{enrolled.video_url}"' in html
    assert f'poster="{enrolled.video_url}poster/"' in html
    assert html.count('<track kind="captions"') == 2


@pytest.mark.parametrize(("query", "found"), [("console", True), ("bienvenue", False)])
def test_the_catalog_search_finds_a_course_by_what_its_video_says(client_a, tenant_a, query, found):
    with tenant_a.activate():
        course = make_course(title="Deploy", lessons=0, summary="Ship it.")
        lesson = video_lesson(course, title="Watch")
        lesson.save_revision().publish()
        url = course.url
    html = client_a.get(f"/courses/?q={query}").text
    assert (f'href="{url}"' in html) is found


# --- Serving the uploaded video -------------------------------------------------------------


def test_an_enrolled_learner_gets_the_video_with_byte_ranges(client_a, enrolled):
    whole = client_a.get(enrolled.video_url)
    assert whole.status_code == HTTPStatus.OK
    assert whole["Content-Type"] == "video/mp4"
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == VIDEO_BYTES
    part = client_a.get(enrolled.video_url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == HTTPStatus.PARTIAL_CONTENT
    assert part["Content-Range"] == f"bytes 100-199/{len(VIDEO_BYTES)}"
    assert b"".join(part.streaming_content) == VIDEO_BYTES[100:200]
    refused = client_a.get(enrolled.video_url, HTTP_RANGE="bytes=99999-")
    assert refused.status_code == HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE
    poster = client_a.get(f"{enrolled.video_url}poster/")
    assert poster.status_code == HTTPStatus.OK and poster["Content-Type"] == "image/png"
    captions = client_a.get(f"{enrolled.video_url}captions/1/")
    assert captions["Content-Type"].startswith("text/vtt")
    assert b"".join(captions.streaming_content).decode() == FR_VTT


def test_the_video_is_refused_to_those_who_may_not_read_the_lesson(
    client_a, tenant_a, member_factory, enrolled
):
    client_a.logout()
    assert client_a.get(enrolled.video_url).status_code == HTTPStatus.FORBIDDEN
    _login(client_a, tenant_a, member_factory(tenant_a))  # signed in, not enrolled
    assert client_a.get(enrolled.video_url).status_code == HTTPStatus.FORBIDDEN


def test_a_preview_lesson_video_is_open_to_anyone(client_a, tenant_a):
    with tenant_a.activate():
        lesson = video_lesson(make_course(title="Open", lessons=0), is_preview=True)
        url = f"{lesson.url}video/{lesson.body[0].id}/"
    assert client_a.get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "suffix", ["video/not-a-block/", "video/{block}/captions/2/", "video/{block}/captions/x/"]
)
def test_only_the_lessons_own_video_files_are_served(client_a, enrolled, suffix):
    path = enrolled.url + suffix.format(block=enrolled.block_id)
    assert client_a.get(path).status_code == HTTPStatus.NOT_FOUND


def test_a_video_of_one_portal_is_not_found_on_another(client_b, tenant_a, enrolled):
    assert f"/{tenant_a.schema}/media/" in enrolled.media.path_on_disk  # the portal's own folder
    assert client_b.get(enrolled.video_url).status_code == HTTPStatus.NOT_FOUND
    assert client_b.get(enrolled.url).status_code == HTTPStatus.NOT_FOUND


# --- Progress against the stored length -------------------------------------------------------


def test_progress_is_clamped_to_the_stored_video_length(tenant_a, enrolled):
    with tenant_a.activate():
        row = progress_record(
            member=enrolled.member, lesson=enrolled.lesson, position=500, duration=9999
        )
    assert (row.position_seconds, row.duration_seconds) == (24.0, 24.0)
    assert row.completed_at is not None


def test_a_client_duration_that_disagrees_is_ignored(client_a, tenant_a, enrolled):
    response = client_a.post(
        "/learning/progress/",
        {"lesson": enrolled.lesson.pk, "position": 10, "duration": 10},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "position": 10.0,
        "furthest": 10.0,
        "duration": 24.0,
        "completed": False,
    }


def test_a_bad_position_is_still_refused_when_the_length_is_known(client_a, enrolled):
    response = client_a.post(
        "/learning/progress/",
        {"lesson": enrolled.lesson.pk, "position": "soon", "duration": 10},
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


# --- Query budget -----------------------------------------------------------------------------


def test_a_lesson_with_videos_stays_within_budget_whatever_their_number(
    client_a, tenant_a, member_factory, django_assert_max_num_queries
):
    member = member_factory(tenant_a)
    counts = []
    with tenant_a.activate():
        course = make_course(title="Many", lessons=0)
        enrollment_create(member=member, course=course)
    _login(client_a, tenant_a, member)
    for videos in (1, 4):
        with tenant_a.activate():
            url = video_lesson(course, title=f"Videos {videos}", videos=videos).url
        client_a.get(url)  # warm the per-portal caches (the incident banner, site root paths)
        with CaptureQueriesContext(connection) as queries:
            response = client_a.get(url)
        assert response.status_code == HTTPStatus.OK
        assert response.text.count("<summary>Transcript") == videos
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= QUERY_BUDGET
