"""Accounts tests: a private media folder and an empty cache.

allauth keeps its rate-limit counters and used TOTP codes in the cache, so every test starts with
it empty; avatars land in a temporary MEDIA_ROOT (still one folder per portal's schema).
"""

from django.core.cache import cache

import pytest


@pytest.fixture(autouse=True)
def _accounts_test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # django-tenants' storage caches its root until this setting changes.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    cache.clear()
    yield
    cache.clear()
