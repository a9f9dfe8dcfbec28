import pytest

from portal.accounts.api import mfa_required, public_profile

pytestmark = pytest.mark.django_db


def test_public_profile_shows_the_display_name_and_never_the_email(tenant_a, member_factory):
    member = member_factory(
        tenant_a, display_name="Lin", country="NZ", languages=["en", "zh-hans"], bio="Hi"
    )

    with tenant_a.activate():
        profile = public_profile(member)

    assert profile.name == "Lin"
    assert (profile.country_code, profile.country_name) == ("NZ", "New Zealand")
    assert profile.languages == ("English", "Simplified Chinese")
    assert profile.avatar_url == ""
    assert member.email not in repr(profile)


def test_member_without_a_display_name_is_shown_by_number(tenant_a, member_factory):
    member = member_factory(tenant_a, display_name="")

    assert public_profile(member).name == f"Member {member.pk}"


@pytest.mark.parametrize(("staff", "required"), [(True, True), (False, False)])
def test_only_staff_must_use_mfa(tenant_a, member_factory, staff, required):
    assert mfa_required(member_factory(tenant_a, staff=staff)) is required
