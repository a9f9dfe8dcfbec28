"""Configuration from the environment: production checks, secrets, and a tenant-aware cache."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import connection

import pytest
from django_tenants.utils import schema_context

ROOT = Path(__file__).resolve().parents[2]


# Variables of the test run that a production process would not have.
_TEST_ONLY_ENV = {"DEBUG", "SECRET_KEY", "GUILDHALL_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_ENV}
    db = settings.DATABASES["default"]
    base.setdefault(
        "DATABASE_URL",
        f"postgres://{db['USER']}@{db['HOST'].replace('/', '%2F')}:{db['PORT']}/{db['NAME']}",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_values():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="learn.example.com,.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_stops_with_a_clear_message():
    result = _manage("check", DEBUG="0")
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "Guildhall: SECRET_KEY must be set when DEBUG is off (see docs/deploy.md)."
    )


def test_redis_url_switches_the_cache_to_redis_with_tenant_keys():
    code = (
        "from django.conf import settings; c = settings.CACHES['default'];"
        "print(c['BACKEND'], c['LOCATION'], c['KEY_FUNCTION'])"
    )
    result = _manage("shell", "-c", code, REDIS_URL="redis://127.0.0.1:6379/15", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/15",
        "django_tenants.cache.make_key",
    ]


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_a_key_written_by_one_portal_is_invisible_to_another_in_shared_redis(tenant_a, tenant_b):
    options = {k: v for k, v in settings.CACHES["default"].items() if k != "BACKEND"}
    options.pop("LOCATION", None)
    cache = RedisCache("redis://127.0.0.1:6379/15", {**options, "KEY_PREFIX": "isolation-test"})
    try:
        with schema_context(tenant_a.schema):
            cache.set("wagtail_site_root_paths", "alpha's pages")
        with schema_context(tenant_b.schema):
            assert cache.get("wagtail_site_root_paths") is None
            cache.set("wagtail_site_root_paths", "beta's pages")
        with schema_context(tenant_a.schema):
            assert cache.get("wagtail_site_root_paths") == "alpha's pages"
    finally:
        for schema in (tenant_a.schema, tenant_b.schema):
            with schema_context(schema):
                cache.delete("wagtail_site_root_paths")
        connection.set_schema_to_public()


def test_every_configured_cache_uses_the_tenant_key_function():
    for alias, config in settings.CACHES.items():
        assert config["KEY_FUNCTION"] == "django_tenants.cache.make_key", alias
