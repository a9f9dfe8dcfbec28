"""The courses app's additions to the Wagtail admin, one module per concern."""

from courses.staff import reports, sessions, videos  # noqa: F401  (registers their hooks)
