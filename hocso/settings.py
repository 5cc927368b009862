"""Settings, 12-factor style: everything that differs between machines comes from the environment.

HOCSO_DEMO=1   demo/developer mode: DEBUG on, a throwaway SECRET_KEY, SQLite under var/.
DATABASE_URL   e.g. postgres://user:pass@127.0.0.1:5432/hocso (default: sqlite:///var/hocso.sqlite3)
SECRET_KEY     required unless HOCSO_DEMO=1 or DEBUG=1
ALLOWED_HOSTS  comma-separated (default: localhost,127.0.0.1 in demo/debug)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("HOCSO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO = env_bool("HOCSO_DEMO")
DEBUG = env_bool("DEBUG", default=DEMO)
TESTING = env_bool("HOCSO_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Commands that sign nothing (migrate, makemigrations, check) run without a key; serving refuses to start
# without one outside demo/debug (hocso/wsgi.py), and `check --deploy` flags the placeholder (security.W009).
SECRET_KEY_REQUIRED = not SECRET_KEY and not (DEBUG or DEMO or TESTING)
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-placeholder-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or DEMO or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Học Số's apps, bottom layer first (docs/architecture.md): each imports only those above it in this list.
    "hocso.core",
    "hocso.org",
    "hocso.access",
    "hocso.people",
    "hocso.identity",
    "hocso.assessment",
    "hocso.training",
    "hocso.campaigns",
    "hocso.events",
    "hocso.site",
    "hocso.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hocso.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hocso.core.middleware.LanguageMiddleware",
    # Refuses a NUL in the path, query, form fields, cookies or headers (a 500 on PostgreSQL) before anything
    # reads the session or the database.
    "hocso.core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    # DEBUG only: the product's 404 page rather than Django's technical one (after CommonMiddleware, whose
    # APPEND_SLASH redirect then still applies).
    "hocso.core.middleware.ProductNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hocso.identity.signin.SignInGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hocso.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hocso.site.urls"
WSGI_APPLICATION = "hocso.wsgi.application"
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "identity:login"
AUTHENTICATION_BACKENDS = [
    "hocso.identity.throttling.AxesBackend",  # refuses locked-out accounts first
    "hocso.identity.backends.AccountBackend",  # ModelBackend, the account read as one plain query
]
# Sessions signed in under an older backend's name are read as signed in under the new one's (hocso.identity.sessions).
HOCSO_RENAMED_AUTH_BACKENDS = {"django.contrib.auth.backends.ModelBackend": "hocso.identity.backends.AccountBackend"}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hocso.site.context_processors.navigation",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hocso.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        # A health check costs a round trip per request; worth it only behind a proxy that drops idle connections.
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer commits; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The statements of the exam's hot paths run as prepared statements on PostgreSQL (hocso.core.prepared): psycopg
# prepares a statement at its fifth run on a connection, only for cursors that bind on the server (Django's own
# bind on the client, so nothing else is prepared). HOCSO_PREPARED_STATEMENTS=0 behind a PgBouncer older than 1.21 in
# transaction mode, which cannot keep prepared statements (HOCSO_EXAM_SAVE_PREPARED, its former name, still works).
HOCSO_PREPARED_STATEMENTS = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "HOCSO_PREPARED_STATEMENTS", env_bool("HOCSO_EXAM_SAVE_PREPARED", True)
)
if HOCSO_PREPARED_STATEMENTS:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "hocso.identity.passwords.LettersAndOthersValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "hocso_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING

SESSION_COOKIE_SECURE = not (DEBUG or TESTING) and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, each row with its account: the session and the account read with one statement.
SESSION_ENGINE = "hocso.identity.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and env_bool("SECURE_SSL_REDIRECT", False):
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A shared office computer must not stay signed in once the browser is closed.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Content-Security-Policy and friends (hocso/core/security.py). The public widget may be framed by these sites.
HOCSO_WIDGET_FRAME_ANCESTORS = os.environ.get("HOCSO_WIDGET_FRAME_ANCESTORS", "*")
HOCSO_CSP_REPORT_URI = os.environ.get("HOCSO_CSP_REPORT_URI", "")
HOCSO_PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"

# Single sign-on with the provincial digital identity (OpenID Connect; docs/security.md). Off while OIDC_ISSUER is
# empty. The provider must offer the authorization code flow with PKCE (S256).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")  # default: <issuer>/.well-known/openid-configuration
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_TOKEN_AUTH_METHOD = os.environ.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "Thái Nguyên ID")
OIDC_CCCD_CLAIM = os.environ.get("OIDC_CCCD_CLAIM", "cccd")
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
OIDC_NAME_CLAIM = os.environ.get("OIDC_NAME_CLAIM", "name")
OIDC_ALLOW_SIGNUP = env_bool("OIDC_ALLOW_SIGNUP", False)
OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))

# Local sign-in: lock-out after repeated failures (django-axes; hocso/identity/throttling.py).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))  # per account
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "50"))  # per address (offices share one)
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "hocso.identity.throttling.AxesHandler"
AXES_CLIENT_IP_CALLABLE = "hocso.identity.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "hocso.identity.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = False  # the sign-in view resets the account's count itself, after the second factor
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (for the lock-out), successful sign-ins are not: less personal data
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code"]
# Two-step verification (TOTP) is optional for everyone; this makes it compulsory for province administrators.
HOCSO_TOTP_REQUIRED_FOR_ADMINS = env_bool("HOCSO_TOTP_REQUIRED_FOR_ADMINS", False)

# E-mail (password reset). Demo/debug: printed to the console. Production: SMTP from these variables.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.%s.EmailBackend" % ("console" if (DEBUG or DEMO) else "smtp"),
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Học Số <no-reply@localhost>")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(2 * 3600)))

# Organisation-wide names shown in the UI and on demo data.
HOCSO_PROVINCE_NAME = os.environ.get("HOCSO_PROVINCE_NAME", "Tỉnh Thái Nguyên")
HOCSO_PAGE_SIZE = 50

# Published results (docs/integration.md): on every public or keyed output, the figures of a group of fewer than
# this many people are withheld ("< 5"), with the cells needed so that subtraction cannot give them back.
HOCSO_MIN_GROUP_SIZE = max(1, int(os.environ.get("HOCSO_MIN_GROUP_SIZE", "5")))
# The agency ranking (docs/campaigns.md) puts agencies where fewer than this share of the audience took part (%)
# after the others, unranked: their pass rate says more about who chose to sit than about the agency.
HOCSO_RANKING_MIN_PARTICIPATION = min(100, max(0, int(os.environ.get("HOCSO_RANKING_MIN_PARTICIPATION", "50"))))

# Awareness programmes (docs/bridge-sites.md): how long a check-in QR code stays valid, and the video system's
# webhook (BigBlueButton's bbb-webhooks): its shared secret, the callback URL as registered there (the checksum covers
# it; empty: the URL this server sees) and its checksum algorithm.
HOCSO_EVENT_QR_SECONDS = int(os.environ.get("HOCSO_EVENT_QR_SECONDS", "120"))
HOCSO_BBB_WEBHOOK_SECRET = os.environ.get("HOCSO_BBB_WEBHOOK_SECRET", "")
HOCSO_BBB_CALLBACK_URL = os.environ.get("HOCSO_BBB_CALLBACK_URL", "")
HOCSO_BBB_CHECKSUM_ALGORITHM = os.environ.get("HOCSO_BBB_CHECKSUM_ALGORITHM", "sha1")

# Background work (DESIGN §4): the database backend and its `hocso db_worker` in production; the immediate
# backend (tasks run inside the request) in tests and the demo. HOCSO_TASKS_BACKEND overrides either.
_TASKS_DEFAULT = "django_tasks.backends.immediate.ImmediateBackend" if (DEMO or TESTING) else (
    "django_tasks_db.DatabaseBackend"
)
TASKS = {"default": {"BACKEND": os.environ.get("HOCSO_TASKS_BACKEND", _TASKS_DEFAULT)}}

# Staff import (docs/import.md): files over these limits are refused before anything is read or written.
HOCSO_IMPORT_MAX_BYTES = int(os.environ.get("HOCSO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
HOCSO_IMPORT_MAX_ROWS = int(os.environ.get("HOCSO_IMPORT_MAX_ROWS", "50000"))
# Files larger than this are read in a background task (with a progress bar); smaller ones within the request.
HOCSO_IMPORT_BACKGROUND_BYTES = int(os.environ.get("HOCSO_IMPORT_BACKGROUND_BYTES", str(256 * 1024)))
# Every uploaded spreadsheet (staff lists, class lists, question banks; hocso.core.uploads) is checked against these
# before it is read: a sheet's real extent and merged cells, an .xlsx's unpacked size and compression ratio.
HOCSO_UPLOAD_MAX_ROWS = int(os.environ.get("HOCSO_UPLOAD_MAX_ROWS", "100000"))
HOCSO_UPLOAD_MAX_COLUMNS = int(os.environ.get("HOCSO_UPLOAD_MAX_COLUMNS", "200"))
HOCSO_UPLOAD_MAX_CELLS = int(os.environ.get("HOCSO_UPLOAD_MAX_CELLS", "3000000"))
HOCSO_UPLOAD_MAX_MERGED_CELLS = int(os.environ.get("HOCSO_UPLOAD_MAX_MERGED_CELLS", "1000000"))
HOCSO_UPLOAD_MAX_CELL_CHARS = int(os.environ.get("HOCSO_UPLOAD_MAX_CELL_CHARS", "32767"))
HOCSO_UPLOAD_MAX_MEMBERS = int(os.environ.get("HOCSO_UPLOAD_MAX_MEMBERS", "1000"))
HOCSO_UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("HOCSO_UPLOAD_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
HOCSO_UPLOAD_MAX_RATIO = int(os.environ.get("HOCSO_UPLOAD_MAX_RATIO", "100"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # CCCD numbers are masked in every log line, whichever code wrote it.
    "formatters": {"masked": {"()": "hocso.core.logmask.MaskingFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "masked"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
