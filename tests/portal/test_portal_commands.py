"""The operator's commands: create_portal prints the set-password link; delete_portal confirms."""

import io

from django.core.management import CommandError, call_command

import pytest
from django_tenants.utils import schema_exists

from portal.tenants.models import Organization

pytestmark = pytest.mark.django_db


def test_create_portal_prints_the_staff_set_password_link():
    out = io.StringIO()
    call_command(
        "create_portal",
        "acme",
        name="Acme Academy",
        domain="acme.localhost",
        admin_email="boss@acme.test",
        stdout=out,
    )
    text = out.getvalue()
    assert "Created portal 'Acme Academy' at acme.localhost" in text
    assert "boss@acme.test" in text
    assert "http://acme.localhost" in text and "/accounts/password/reset/key/" in text


def test_create_portal_with_bad_input_fails_with_the_message():
    with pytest.raises(CommandError, match="is not valid"):
        call_command(
            "create_portal", "Bad Slug", name="X", domain="x.localhost", admin_email="a@x.test"
        )


def test_delete_portal_without_confirmation_deletes_nothing(monkeypatch):
    call_command(
        "create_portal",
        "keep",
        name="Keep",
        domain="keep.localhost",
        admin_email="a@keep.test",
        stdout=io.StringIO(),
    )
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Not confirmed; nothing was deleted"):
        call_command("delete_portal", "keep", stdout=io.StringIO())
    assert schema_exists("keep")
    assert Organization.objects.filter(slug="keep").exists()


def test_delete_portal_after_typing_the_slug_removes_it(monkeypatch):
    call_command(
        "create_portal",
        "bye",
        name="Bye",
        domain="bye.localhost",
        admin_email="a@bye.test",
        stdout=io.StringIO(),
    )
    monkeypatch.setattr("builtins.input", lambda prompt: "bye")
    call_command("delete_portal", "bye", stdout=io.StringIO())
    assert not schema_exists("bye")
    assert not Organization.objects.filter(slug="bye").exists()


def test_delete_portal_of_an_unknown_slug_says_so():
    with pytest.raises(CommandError, match="no portal with the slug 'ghost'"):
        call_command("delete_portal", "ghost", interactive=False)
