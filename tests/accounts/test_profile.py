import io
from http import HTTPStatus
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image

from portal.accounts import services
from portal.accounts.models import User
from tests.accounts.journeys import PROFILE_URL

pytestmark = pytest.mark.django_db


def png(name: str = "me.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def profile_data(**overrides) -> dict:
    data = {
        "display_name": "Grace H.",
        "bio": "Compilers and COBOL.",
        "country": "US",
        "languages": ["en", "es"],
        "time_zone": "America/New_York",
    }
    data.update(overrides)
    return data


@pytest.fixture
def member_a(tenant_a, member_factory, client_a):
    member = member_factory(tenant_a)
    with tenant_a.activate():
        client_a.force_login(member)
    return member


def _reload(tenant, member) -> User:
    with tenant.activate():
        return User.objects.get(pk=member.pk)


def test_profile_page_needs_a_signed_in_member(client_a, tenant_a):
    response = client_a.get(PROFILE_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_profile_page_shows_the_member_s_profile_within_its_query_budget(
    client_a, tenant_a, member_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client_a.get(PROFILE_URL)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert member_a.display_name in html
    assert member_a.email in html
    assert 'aria-describedby="id_display_name_helptext"' in html


def test_member_updates_their_profile(client_a, tenant_a, member_a):
    response = client_a.post(PROFILE_URL, profile_data(avatar=png()))

    assert response.status_code == HTTPStatus.FOUND
    member = _reload(tenant_a, member_a)
    assert member.display_name == "Grace H."
    assert member.bio == "Compilers and COBOL."
    assert member.country.code == "US"
    assert member.languages == ["en", "es"]
    assert member.time_zone == "America/New_York"
    assert member.avatar.name.startswith(f"avatars/{member.pk}/")
    with tenant_a.activate():
        assert Path(member.avatar.path).is_file()
        assert f"/{tenant_a.schema}/" in member.avatar.path


def test_replacing_the_avatar_removes_the_old_file(
    client_a, tenant_a, member_a, django_capture_on_commit_callbacks
):
    client_a.post(PROFILE_URL, profile_data(avatar=png("first.png")))
    with tenant_a.activate():
        old_path = Path(_reload(tenant_a, member_a).avatar.path)

    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(PROFILE_URL, profile_data(avatar=png("second.png")))

    assert not old_path.exists()
    assert _reload(tenant_a, member_a).avatar.name.endswith("second.png")


def test_member_can_remove_their_avatar(client_a, tenant_a, member_a):
    client_a.post(PROFILE_URL, profile_data(avatar=png()))

    client_a.post(PROFILE_URL, profile_data(**{"avatar-clear": "on"}))

    assert not _reload(tenant_a, member_a).avatar


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png"),
            "Upload a valid image",
        ),
        (
            SimpleUploadedFile(
                "huge.png", b"\x89PNG" + b"0" * services.AVATAR_MAX_BYTES, content_type="image/png"
            ),
            services.ERROR_AVATAR_TOO_LARGE,
        ),
    ],
    ids=["not-an-image", "over-2-mb"],
)
def test_bad_avatar_is_refused_with_a_clear_error_and_nothing_changes(
    client_a, tenant_a, member_a, upload, message
):
    response = client_a.post(PROFILE_URL, profile_data(avatar=upload))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert message in html
    assert 'id="id_avatar_error"' in html
    member = _reload(tenant_a, member_a)
    assert member.display_name == member_a.display_name
    assert not member.avatar


def test_image_in_an_unsupported_format_is_refused(client_a, tenant_a, member_a):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="TIFF")
    upload = SimpleUploadedFile("me.tiff", buffer.getvalue(), content_type="image/tiff")

    response = client_a.post(PROFILE_URL, profile_data(avatar=upload))

    assert services.ERROR_AVATAR_NOT_IMAGE in response.content.decode()
    assert not _reload(tenant_a, member_a).avatar


@pytest.mark.parametrize(
    "overrides",
    [
        {"time_zone": "Mars/Olympus_Mons"},
        {"country": "XX"},
        {"languages": ["klingon"]},
        {"display_name": "x" * 61},
        {"display_name": ""},
        {"bio": "b" * 501},
    ],
    ids=["time-zone", "country", "language", "long-name", "empty-name", "long-bio"],
)
def test_bad_profile_values_give_form_errors_not_500(client_a, tenant_a, member_a, overrides):
    response = client_a.post(PROFILE_URL, profile_data(**overrides))

    assert response.status_code == HTTPStatus.OK
    assert 'class="errorlist"' in response.content.decode()
    assert _reload(tenant_a, member_a).display_name == member_a.display_name


def test_profile_update_service_refuses_a_non_image(tenant_a, member_factory):
    member = member_factory(tenant_a)
    upload = SimpleUploadedFile("me.png", b"GIF89a-but-not-really", content_type="image/gif")

    with tenant_a.activate(), pytest.raises(services.AccountError) as error:
        services.profile_update(user=member, display_name="Ok", avatar=upload)

    assert str(error.value) == services.ERROR_AVATAR_NOT_IMAGE


def test_profile_page_on_another_portal_does_not_show_this_member(
    client_a, client_b, tenant_a, tenant_b, member_a
):
    client_b.cookies = client_a.cookies

    response = client_b.get(PROFILE_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")
