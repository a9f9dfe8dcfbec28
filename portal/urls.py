"""URLs of a tenant's portal; Wagtail's page tree serves everything not matched before it."""

from django.conf import settings
from django.urls import include, path, re_path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import documents, feeds, health

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's own serve URL (same address): adds byte ranges so videos can seek.
    re_path(r"^documents/(\d+)/(.*)$", documents.serve_document),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("r/", include("portal.accounts.referral_urls")),  # referral links: /r/<code>/
    path("announcements/feed/", feeds.AnnouncementFeed(), name="announcement_feed"),
    path("", include("courses.urls")),
    path("certification/", include("certification.urls")),
    path("", include("certification.public_urls")),
    path("community/", include("community.urls")),
    path("healthz", health.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
