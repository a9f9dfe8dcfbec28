"""Steps the accounts tests share: signing in through the real forms, TOTP codes, mail links."""

import re
import time
from http import HTTPStatus

from django.test import Client

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.conftest import PASSWORD

LOGIN_URL = "/accounts/login/"
MFA_AUTHENTICATE_URL = "/accounts/2fa/authenticate/"
PROFILE_URL = "/accounts/profile/"
REAUTHENTICATE_URL = "/accounts/reauthenticate/"


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def totp_code(secret: str) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def log_in_with_totp(client: Client, user) -> None:
    """Password, then the authenticator code; the session then counts as freshly signed in."""
    response = log_in(client, user.email)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == MFA_AUTHENTICATE_URL
    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(user.totp_secret)})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def reauthenticate(client: Client, password: str = PASSWORD) -> None:
    """Confirm the password again, as allauth asks before changing two-factor settings."""
    response = client.post(REAUTHENTICATE_URL, {"password": password})
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]


def current_user(client: Client):
    """Who the portal thinks is signed in with this client (AnonymousUser if nobody)."""
    return client.get(PROFILE_URL).wsgi_request.user


def link_in(body: str, path_prefix: str) -> str:
    """The first URL in an email body whose path starts with ``path_prefix``."""
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S*)", body)
    assert match, f"no {path_prefix} link in:\n{body}"
    return match.group(1)
