"""Members for tests; call inside a portal's schema (see the ``member_factory`` fixture)."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from portal.accounts.models import User

PASSWORD = "correct-horse-battery-staple-42"


def make_member(
    *,
    email: str,
    password: str = PASSWORD,
    staff: bool = False,
    verified: bool = True,
    mfa: bool = False,
    **fields,
) -> User:
    fields.setdefault("display_name", email.split("@")[0].title())
    user = User.objects.create_user(
        email=email, password=password, is_staff=staff, is_superuser=staff, **fields
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    if mfa:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user
