"""What every new portal starts with: its Wagtail site, home page, course catalog, brand and
first staff account.

Called by ``portal.tenants.services.portal_create`` inside the new schema, in its transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from wagtail.models import Page, Site

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str

from courses.models import CourseIndexPage
from portal.accounts.models import User
from portal.models import AnnouncementIndexPage, BrandSettings, HomePage


def portal_url(domain: str, path: str = "/") -> str:
    """An absolute URL on a portal's domain, with the scheme and port of this deployment."""
    port = f":{settings.PORTAL_PORT}" if settings.PORTAL_PORT else ""
    return f"{settings.PORTAL_SCHEME}://{domain}{port}{path}"


def set_password_url(*, user: User, domain: str) -> str:
    """allauth's password-reset-from-key URL: it lets a new account choose its password."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return portal_url(domain, path)


def seed_new_portal(*, organization, domain: str, admin_email: str) -> str:
    """Replace Wagtail's placeholder site with the portal's own: a home page with its
    announcements and its course catalog (so /courses/ and the hero's link work at once).

    Returns the staff member's set-password URL.
    """
    root = Page.get_first_root_node()
    # Wagtail's initial migration made a "Welcome" page and a localhost Site in the template.
    Site.objects.all().delete()
    for child in root.get_children():
        child.delete()
    home = root.add_child(
        instance=HomePage(
            title=organization.name,
            slug="home",
            intro=f"Learn, get certified and get answers from the {organization.name} community.",
            body=[
                (
                    "hero",
                    {
                        "heading": f"Welcome to {organization.name}",
                        "text": "Free courses, certifications and a community of experts.",
                        "call_to_action": {
                            "label": "Browse courses",
                            "page": None,
                            "url": "/courses/",
                        },
                    },
                ),
                ("latest_announcements", {"heading": "News", "count": 3}),
            ],
        )
    )
    home.add_child(
        instance=AnnouncementIndexPage(
            title="Announcements", slug="announcements", intro="News and service status."
        )
    )
    home.add_child(
        instance=CourseIndexPage(
            title="Courses",
            slug="courses",
            intro="Self-paced courses and live sessions with experts. Enrol for free, "
            "learn at your pace and pick up where you left off.",
        )
    )
    site = Site.objects.create(
        hostname=domain,
        port=int(settings.PORTAL_PORT or 80),
        root_page=home,
        is_default_site=True,
        site_name=organization.name,
    )
    BrandSettings.objects.create(site=site, portal_name=organization.name)
    from portal.surveys.api import course_feedback_survey_ensure

    course_feedback_survey_ensure()  # the course feedback survey is one of the portal's surveys
    staff = User.objects.create_user(
        email=admin_email,
        password=None,
        is_staff=True,
        is_superuser=True,
        display_name=f"{organization.name} team",
    )
    EmailAddress.objects.create(user=staff, email=admin_email, primary=True, verified=True)
    return set_password_url(user=staff, domain=domain)
