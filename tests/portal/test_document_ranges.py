"""Documents are served with byte ranges (so videos seek), inline for video and captions."""

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model

import pytest

pytestmark = pytest.mark.django_db

BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def video(tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with tenant_a.activate():
        document = get_document_model()(title="Clip", file=ContentFile(BODY, name="clip.mp4"))
        document._set_document_file_metadata()
        document.save()
    return document


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_whole_document_is_inline_video_and_advertises_ranges(client_a, video):
    response = client_a.get(video.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert not response.get("Content-Disposition", "").startswith("attachment")
    assert _body(response) == BODY


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023)],
)
def test_range_request_gets_a_206_with_those_bytes(client_a, video, header, first, last):
    response = client_a.get(video.url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/1024"
    assert response["Content-Type"] == "video/mp4"
    assert _body(response) == BODY[first : last + 1]


def test_unsatisfiable_range_is_refused(client_a, video):
    response = client_a.get(video.url, HTTP_RANGE="bytes=5000-")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"
