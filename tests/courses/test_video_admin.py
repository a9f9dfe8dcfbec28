"""Staff side of lesson videos: the warning after saving a video without captions, the report
Videos without captions, and external videos (Wagtail embeds) that fall back to a plain link."""

from http import HTTPStatus

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.base import EmbedFinder
from wagtail.test.utils.form_data import nested_form_data, streamfield

import pytest

from courses.staff.videos import NO_CAPTIONS, REPORT_TITLE
from tests.courses.test_video import EN_VTT, make_captions, make_media, video_value
from tests.factories.courses import make_course, make_lesson

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12
REPORT = "/admin/reports/videos-without-captions/"
PLAYER_HTML = '<iframe title="Provider player" src="https://player.example/embed/1"></iframe>'


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _login(client, tenant, user):
    with tenant.activate():
        client.force_login(user)


@pytest.fixture
def staff_client(client_a, tenant_a, member_factory):
    _login(client_a, tenant_a, member_factory(tenant_a, staff=True, mfa=True))
    return client_a


def _edit_form(lesson, *, media, captions=None) -> dict:
    """The admin's edit form for ``lesson`` with one uploaded video, as the browser posts it."""
    tracks = [
        {"type": "item", "value": {"language": "en", "label": "English", "file": document.pk}}
        for document in captions or []
    ]
    caption_data = {"count": str(len(tracks))}
    for number, track in enumerate(tracks):
        caption_data[str(number)] = {
            "value": track["value"],
            "deleted": "",
            "order": str(number),
            "id": "",
        }
    return nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "section": "",
            "body": streamfield(
                [
                    (
                        "video",
                        {
                            "title": "Deploying <live>",
                            "video": media.pk,
                            "url": "",
                            "poster": "",
                            "captions": caption_data,
                        },
                    )
                ]
            ),
            "action-publish": "publish",
        }
    )


def test_saving_a_lesson_with_a_video_without_captions_warns_the_editor(staff_client, tenant_a):
    with tenant_a.activate():
        lesson = make_lesson(make_course(title="Deploy", lessons=0), title="Watch")
        media = make_media()
    response = staff_client.post(
        f"/admin/pages/{lesson.pk}/edit/", _edit_form(lesson, media=media), follow=True
    )
    assert response.status_code == HTTPStatus.OK
    texts = [str(message) for message in response.context["messages"]]
    assert NO_CAPTIONS.format(title="Deploying <live>") in texts
    assert "Deploying &lt;live&gt;” has no captions" in response.text  # shown, escaped
    assert "Deploying <live>" not in response.text
    with tenant_a.activate():
        lesson.refresh_from_db()
    assert lesson.body[0].value["video"] == media  # saved: captions are not required


def test_saving_a_lesson_whose_videos_have_captions_does_not_warn(staff_client, tenant_a):
    with tenant_a.activate():
        lesson = make_lesson(make_course(title="Deploy", lessons=0), title="Watch")
        media, captions = make_media(), make_captions(EN_VTT)
    response = staff_client.post(
        f"/admin/pages/{lesson.pk}/edit/",
        _edit_form(lesson, media=media, captions=[captions]),
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts and not any("has no captions" in text for text in texts)
    with tenant_a.activate():
        lesson.refresh_from_db()
    assert [cue["label"] for cue in next(iter(lesson.transcripts.values()))["cues"]] == [
        "0:00",
        "0:04",
    ]


def test_a_caption_file_that_is_not_webvtt_is_refused_in_the_editor(staff_client, tenant_a):
    with tenant_a.activate():
        lesson = make_lesson(make_course(title="Deploy", lessons=0), title="Watch")
        media, bad = make_media(), make_captions("1\n00:00:01,000 --> 00:00:02,000\nSRT\n")
    response = staff_client.post(
        f"/admin/pages/{lesson.pk}/edit/", _edit_form(lesson, media=media, captions=[bad])
    )
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert "This is not a WebVTT captions file" in response.text


def _lessons(course, *, count: int, start: int) -> None:
    for number in range(start, start + count):
        make_lesson(
            course,
            title=f"Uncaptioned {number}",
            body=[{"type": "video", "value": video_value(make_media(), title=f"V{number}")}],
        )


def test_the_report_lists_lessons_with_uncaptioned_videos_within_budget(staff_client, tenant_a):
    with tenant_a.activate():
        course = make_course(title="Deploy", lessons=0)
        captioned = make_lesson(
            course,
            title="Captioned lesson",
            body=[
                {
                    "type": "video",
                    "value": video_value(
                        make_media(), captions=[("en", "English", make_captions(EN_VTT))]
                    ),
                }
            ],
        )
    staff_client.get(REPORT)  # the first admin view after signing in also sets up the profile
    counts = []
    for count, start in ((1, 0), (5, 1)):
        with tenant_a.activate():
            _lessons(course, count=count, start=start)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(REPORT)
        assert response.status_code == HTTPStatus.OK
        counts.append(len(queries))
    assert REPORT_TITLE in response.text
    assert '<th scope="col">Videos without captions</th>' in response.text
    assert "<td>Deploy</td>" in response.text  # the lesson's course
    for number in range(6):
        assert f"Uncaptioned {number}" in response.text
    assert captioned.title not in response.text
    with tenant_a.activate():
        first = course.get_children().get(title="Uncaptioned 0")
    assert f"/admin/pages/{first.pk}/edit/" in response.text
    assert counts[0] == counts[1], counts
    assert counts[1] <= QUERY_BUDGET, counts


def test_the_report_is_in_the_reports_menu(staff_client):
    assert REPORT in staff_client.get("/admin/").text


def test_a_learner_cannot_open_the_report(client_a, tenant_a, member_factory):
    _login(client_a, tenant_a, member_factory(tenant_a))
    response = client_a.get(REPORT)
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert REPORT_TITLE not in response.text


def test_the_report_of_one_portal_does_not_list_another_portals_lessons(
    client_b, tenant_a, tenant_b, member_factory
):
    with tenant_a.activate():
        _lessons(make_course(title="Alpha", lessons=0), count=1, start=0)
    _login(client_b, tenant_b, member_factory(tenant_b, staff=True, mfa=True))
    response = client_b.get(REPORT)
    assert response.status_code == HTTPStatus.OK
    assert "Uncaptioned 0" not in response.text


# --- External videos ---------------------------------------------------------------------------


class UnreachableProvider(EmbedFinder):
    """Stands in for the provider when there is no network: what Wagtail's oEmbed finder raises."""

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        raise EmbedNotFoundException("Request failed: no network")


class BrokenConnection(UnreachableProvider):
    """A finder whose network error escapes it (a socket timeout, a refused connection)."""

    def find_embed(self, url, max_width=None, max_height=None):
        raise ConnectionRefusedError("no route to host")


class WorkingProvider(UnreachableProvider):
    def find_embed(self, url, max_width=None, max_height=None):
        return {
            "title": "Clip",
            "type": "video",
            "html": PLAYER_HTML,
            "provider_name": "Example",
            "width": 640,
            "height": 360,
        }


def _embed_lesson(tenant, url: str) -> str:
    with tenant.activate():
        lesson = make_lesson(
            make_course(title="Watch elsewhere", lessons=0),
            title="External",
            is_preview=True,
            body=[{"type": "embed_video", "value": {"title": "Deploy <demo>", "embed": url}}],
        )
        return lesson.url


@pytest.mark.parametrize("finder", [UnreachableProvider, BrokenConnection])
def test_an_external_video_that_cannot_be_fetched_shows_a_plain_link(
    client_a, tenant_a, settings, finder
):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": f"{__name__}.{finder.__name__}"}]
    url = _embed_lesson(tenant_a, f"https://video.example/watch?v={finder.__name__}")
    response = client_a.get(url)
    assert response.status_code == HTTPStatus.OK
    assert f'href="https://video.example/watch?v={finder.__name__}"' in response.text
    assert "Watch “Deploy &lt;demo&gt;” on its site" in response.text
    assert "<iframe" not in response.text


def test_an_external_video_shows_the_providers_player(
    client_a, tenant_a, settings, django_assert_max_num_queries
):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": f"{__name__}.WorkingProvider"}]
    url = _embed_lesson(tenant_a, "https://video.example/watch?v=ok")
    client_a.get(url)  # the first view fetches the embed and stores it
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client_a.get(url)
    assert PLAYER_HTML in response.text
    assert "on its site" not in response.text
