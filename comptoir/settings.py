"""Comptoir settings: one file, driven by environment variables.

Variables (all optional; defaults give a local demo shop on SQLite):
  SECRET_KEY, DEBUG, ALLOWED_HOSTS (comma separated), SITE_URL (absolute base URL used in emails),
  DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/comptoir; default SQLite in var/),
  EMAIL_URL (smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…; default: console),
  DEFAULT_FROM_EMAIL, MEDIA_ROOT, TASKS_BACKEND (database | rq | immediate),
  PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_MODE (sandbox | live), PAYPAL_WEBHOOK_ID,
  PAYPAL_API_BASE (overrides the base URL, e.g. the local simulator),
  SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM_NUMBER, SMS_API_BASE (Twilio-compatible API),
  TRUSTED_PROXY_COUNT (reverse proxies that append the client's address to X-Forwarded-For),
  SECRET_KEY_FILE, HTTPS, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD,
  SERVE_MEDIA, MEDIA_URL (see README.md « Configuration »).

Yes/no and numeric values are read strictly (comptoir/core/env.py): a value that is not
understood stops the start-up with a message naming the variable.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from comptoir.core.env import env_bool, env_choice, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# SECRET_KEY, else the file SECRET_KEY_FILE (default var/secret_key, which ./scripts/demo writes);
# with DEBUG off, a missing or publicly known key stops the start-up.
SECRET_KEY = secret_key(
    debug=DEBUG, default_file=VAR_DIR / "secret_key",
    development_key="django-insecure-comptoir-development-only",
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "comptoir.core",
    "comptoir.merchant",
    "comptoir.catalog",
    "comptoir.customers",
    "comptoir.security",
    "comptoir.shipping",
    "comptoir.taxes",
    "comptoir.promotions",
    "comptoir.checkout",
    "comptoir.orders",
    "comptoir.invoicing",
    "comptoir.payments",
    "comptoir.paypal",
    "comptoir.banking",
    "comptoir.fulfilment",
    "comptoir.notifications",
    "comptoir.reports",
    "comptoir.storefront",
    "comptoir.dashboard",
    "comptoir.configuration",
    "comptoir.operations",
    # Two-factor sign-in for staff; after Comptoir's apps so that their translations win.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "comptoir.core.middleware.PrivatePagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "comptoir" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.storefront.context_processors.storefront",
            ],
            "builtins": ["comptoir.core.templatetags.money"],
            # Django's ``i18n`` library whose ``{% translate %}`` keeps a constant text per language.
            "libraries": {"i18n": "comptoir.core.template_i18n"},
        },
    }
]
# ``i18n`` above replaces Django's library of that name on purpose, which Django's check of
# template libraries that share a name reports (templates.W003); a test checks that no other
# name is shared (core/tests/test_template_i18n.py).
SILENCED_SYSTEM_CHECKS = ["templates.W003"]
# Django's form renderer, with its field, label, error and widget templates written in Python.
FORM_RENDERER = "comptoir.core.form_rendering.QuickRenderer"

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "comptoir.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
# Django's ModelBackend, reading the signed-in account with SQL written once. Sessions record
# this path: a session signed in under another backend's path is signed out.
AUTHENTICATION_BACKENDS = ["comptoir.security.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "storefront:login"
DASHBOARD_LOGIN_URL = "dashboard:login"


def _otp_issuer(device):
    """Two-factor sign-in for staff (django-otp): the authenticator app shows the shop's name."""
    from comptoir.security.two_factor import issuer_name

    return issuer_name(device)


OTP_TOTP_ISSUER = _otp_issuer

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "comptoir" / "locale"]
FORMAT_MODULE_PATH = ["comptoir.formats"]  # Canadian English dates (2026-11-26)
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
# An absolute MEDIA_URL (https://cdn.example.com/media/) when another server or object storage
# serves the media: the Content-Security-Policy then allows images from its origin.
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded pictures and the logo (the public part of the media) are served by Django only with
# DEBUG or SERVE_MEDIA=true (the demo); in production the front server serves them (docs).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # With DEBUG off (the demo, production) the hashed, compressed files that
        # ``collectstatic`` writes, served with a one-year cache (comptoir/core/staticfiles.py);
        # the test suite, which does not run ``collectstatic``, uses plain files (conftest.py).
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "comptoir.core.staticfiles.ManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG  # production serves the collected files only
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Comptoir <boutique@comptoir.test>")
# Seconds the SMTP client waits for each reply. RFC 5321 §4.5.3.2 asks a client to wait up to
# 10 minutes for the reply to the end of DATA (5 for the other commands): giving up earlier on
# a slow server that then accepts the message would send it twice at the next attempt.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 600, minimum=1)


def _email_settings(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl") or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:port (or smtp+tls://…, smtp+ssl://…)."
        )
    try:
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: the port is not a number.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "127.0.0.1",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
    }


if env_str("EMAIL_URL"):
    globals().update(_email_settings(os.environ["EMAIL_URL"]))
else:
    # No SMTP server configured: messages are still recorded in the outbox (readable in the
    # back-office) and printed on the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Background tasks -----------------------------------------------------------------------
# database (default): the task queue is a table, run by ``manage.py run_worker``; rq: Redis
# (REDIS_URL) through django-tasks-rq, run by the same command on any number of nodes (see the
# several-web-nodes block below); immediate: each task runs in the process that enqueues it.
TASKS_BACKEND = env_choice("TASKS_BACKEND", "database", ("database", "rq", "immediate"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_BACKEND == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": [],
    }
}

# --- Payments and SMS providers (credentials from the environment only) ----------------------
PAYPAL_CLIENT_ID = os.environ.get("PAYPAL_CLIENT_ID", "")
PAYPAL_CLIENT_SECRET = os.environ.get("PAYPAL_CLIENT_SECRET", "")
PAYPAL_MODE = env_choice("PAYPAL_MODE", "sandbox", ("sandbox", "live"))
PAYPAL_WEBHOOK_ID = os.environ.get("PAYPAL_WEBHOOK_ID", "")
PAYPAL_API_BASE = os.environ.get("PAYPAL_API_BASE", "")
SMS_ACCOUNT_SID = os.environ.get("SMS_ACCOUNT_SID", "")
SMS_AUTH_TOKEN = os.environ.get("SMS_AUTH_TOKEN", "")
SMS_FROM_NUMBER = os.environ.get("SMS_FROM_NUMBER", "")
SMS_API_BASE = os.environ.get("SMS_API_BASE", "")

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form refused for its security token gets a translated « La page a expiré » page.
CSRF_FAILURE_VIEW = "comptoir.dashboard.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Reverse proxies in front of the application that append the client's address to
# X-Forwarded-For (0: the connection's own address is the client's).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Never send the address of a page (an order's or a payment link's, which are secret links) to
# another site; keep other sites' windows out of ours.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/DEPLOY.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)/?$"]  # probes on the server itself, over HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list is the operator's decision (hard to undo): off by
        # default, so ``check --deploy``'s reminder about it is silenced.
        SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]


def _origin_of(url: str) -> list[str]:
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


# Content-Security-Policy on every page (django-csp): scripts, styles and images of the shop's
# own origin only; an inline script or style runs only with the page's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_origin_of(MEDIA_URL)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        # The « Payer la facture » page adds PayPal's checkout (comptoir/paypal/views.py).
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "WARNING", LOG_LEVELS)},
    "loggers": {"comptoir": {"level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS)}},
}

# --- Several web nodes: shared cache and sessions, housekeeping, metrics and logs ----------------
# REDIS_URL (e.g. redis://127.0.0.1:6379/0): the cache and the sessions are shared by every web
# process through Redis; the shop's settings and navigation are then cached there too (a version
# key bumped when the merchant changes them). Without it, each process keeps Django's local
# memory cache and database sessions, and reads the shop's settings at each request.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "comptoir"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Django's database sessions, their rows read by a prepared query (comptoir.core.sessions).
    SESSION_ENGINE = "comptoir.core.sessions"
    # Each process's own memory; room for the storefront pages kept for visitors
    # (core.page_cache: a few kB each) of a catalogue of a few thousand products.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "3000"))},
        }
    }
# TASKS_BACKEND=rq: the tasks (message delivery, webhook processing) go to the RQ queue "default"
# on REDIS_URL; the outbox and webhook rows stay in the database and remain what counts (the
# worker's sweep enqueues again whatever Redis lost). RQ_TIMEOUT: seconds a task may run.
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (e.g. redis://127.0.0.1:6379/0).")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": env_int("RQ_TIMEOUT", 3600, minimum=1)}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
# Housekeeping (manage.py housekeeping): carts untouched for this many days are deleted, and
# finished background task rows older than this many days.
HOUSEKEEPING_CART_DAYS = int(os.environ.get("HOUSEKEEPING_CART_DAYS", "30"))
HOUSEKEEPING_TASK_DAYS = int(os.environ.get("HOUSEKEEPING_TASK_DAYS", "14"))
# PERIODIC_JOBS=false: this process's task worker runs no periodic job (PayPal reconciliation,
# payment reminders, daily summaries, housekeeping); see comptoir/operations/periodic.py.
PERIODIC_JOBS = env_bool("PERIODIC_JOBS", True)
# METRICS_TOKEN: /metrics answers Prometheus with "Authorization: Bearer <token>"; without a
# token the endpoint does not exist. PROMETHEUS_MULTIPROC_DIR (read by prometheus-client): an
# empty folder shared by gunicorn's worker processes, so /metrics counts every process.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, request_id), plus an
# access line per request; the request id is the proxy's X-Request-ID when well formed.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
MIDDLEWARE = [
    "comptoir.operations.observability.RequestIdMiddleware",
    "comptoir.operations.observability.MetricsMiddleware",
    *MIDDLEWARE,
]
if LOG_FORMAT == "json":
    from comptoir.core.logs import json_logging_config

    LOGGING = json_logging_config(os.environ.get("LOG_LEVEL", "INFO"))
# MEDIA_STORAGE_URL (s3://bucket?endpoint_url=…&region=…): uploads and stored PDFs go to an
# S3-compatible object store (comptoir.core.storage: public pictures, private PDFs).
MEDIA_STORAGE_URL = os.environ.get("MEDIA_STORAGE_URL", "")
if MEDIA_STORAGE_URL:
    from comptoir.core.storage_url import storage_options

    STORAGES["default"] = {"BACKEND": "comptoir.core.storage.MediaStorage",
                           "OPTIONS": storage_options(MEDIA_STORAGE_URL)}
# --- End of the several-web-nodes block ---------------------------------------------------------
