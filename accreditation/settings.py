"""Settings for the anti-bullying accreditation portal.

Everything comes from the environment (see the README's table). With nothing set, the portal runs
embedded: SQLite under var/, tasks run eagerly, evidence in a private local folder, email to the
console. Production switches by environment variables only.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Safe by default (issue 24): DEBUG is off unless asked for; `make run`, `make test` and the test
# settings turn it on. With it off the portal refuses to start without a real SECRET_KEY and
# ALLOWED_HOSTS.
DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-for-local-use-never-in-production-0123456789"  # noqa: S105 - DEBUG only
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))". '
            "On a developer's machine set DEBUG=true instead (make run and make test do)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (
    SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith(("django-insecure", "insecure-", "change-me"))
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development or example key and DEBUG is off: set a secret of your own. Generate one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
# Keys retired by a rotation: sessions and links signed with them still work until they expire.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off: the host names the portal answers to, comma-separated "
        "(e.g. ALLOWED_HOSTS=accreditation.example.gov.uk). Health probes by IP address need no entry."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# What the portal calls itself and whose it is; a council service, not GOV.UK.
SERVICE_NAME = env.str("SERVICE_NAME", default="Anti-bullying Accreditation")
COUNCIL_NAME = env.str("COUNCIL_NAME", default="Hertfordshire County Council")
HW_TEAM_EMAIL = env.str("HW_TEAM_EMAIL", default="healthandwellbeing@example.org")
DATA_PROTECTION_EMAIL = env.str("DATA_PROTECTION_EMAIL", default="dataprotection@example.org")
# Absolute base URL for links in emails and certificates.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Local authority codes whose schools are "ours" (919 is Hertfordshire).
LOCAL_AUTHORITY_CODES = env.list("LOCAL_AUTHORITY_CODES", cast=int, default=[919])

INSTALLED_APPS = [
    "accreditation.apps.AccreditationConfig",
    "schools.apps.SchoolsConfig",
    "portfolios.apps.PortfoliosConfig",
    "validation.apps.ValidationConfig",
    "insight.apps.InsightConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "django_celery_beat",
]

MIDDLEWARE = [
    # First: a body larger than the portal ever accepts is refused before anything reads it.
    "accreditation.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may change the body; HTML only (see the class).
    "accreditation.middleware.HTMLGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, reading the device with SQL compiled once (issue 20).
    "accreditation.middleware.PortalOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accreditation.middleware.SessionTimeoutMiddleware",
    "accreditation.middleware.SecondFactorMiddleware",
    "accreditation.middleware.RequestContextMiddleware",
    # The school a person in several schools' teams is working as (issue 17).
    "schools.working.WorkingSchoolMiddleware",
    "accreditation.middleware.PrivacyHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy's text built once (issue 20).
    "accreditation.middleware.PortalCSPMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "accreditation.urls"
WSGI_APPLICATION = "accreditation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accreditation.context_processors.service",
            ],
        },
    },
    # Plain-text emails (subjects and bodies): never HTML-escaped, so "St Mary's & St John's"
    # arrives as written. HTML emails use the engine above, which escapes every value.
    {
        "NAME": "email_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": False},
    },
]

VAR_DIR_DEFAULT_DB = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=VAR_DIR_DEFAULT_DB)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The reads every signed-in request makes are prepared once per connection
    # (accreditation.compiled.read_rows). Django's own cursors bind client-side and never prepare,
    # whatever this says; psycopg prepares only when this is set. Off behind a pooler in
    # transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
    PREPARED_READS = env.bool("PREPARED_READS", default=True)
    if PREPARED_READS:
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for rate limits; give every web process the same one in production (Redis).
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    # Cached pages (schools.versions) in a cache of their own, so they can never push the rate
    # limits' counters out of "default". In production a Redis of its own (PAGE_CACHE_URL), or the
    # same one as CACHE_URL with a key prefix (then size Redis so nothing is evicted).
    "pages": env.cache_url("PAGE_CACHE_URL", default=os.environ.get("CACHE_URL") or "locmemcache://pages"),
}
CACHES["pages"].setdefault("KEY_PREFIX", "pages")
if CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
    CACHES["pages"]["LOCATION"] = "pages"
    CACHES["pages"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)
else:
    # In front of a shared "pages" cache, each web process keeps its own copies of the pages it
    # served lately (schools.versions.pages): a visit it can answer from them makes no round trip
    # to Redis. A copy lasts no longer than the shared entry it came from. About 500 pages of
    # 10-30 KB: under 15 MB a process.
    CACHES["pages_local"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages-local",
        "OPTIONS": {"MAX_ENTRIES": 500},
    }
# The school pages drawn from one school's data (task list, evidence library, readiness, action plan)
# are cached whole under the school's version (schools.versions) for at most this long: the bound on
# anything a version does not cover, such as another person's changed name. 0 turns it off.
SCHOOL_PAGE_CACHE_SECONDS = env.int("SCHOOL_PAGE_CACHE_SECONDS", default=300)
# Public registrations a single address may send in an hour (each one emails the school).
REGISTRATIONS_PER_HOUR = env.int("REGISTRATIONS_PER_HOUR", default=10)
# A signed-in person refused this many pages (another school's objects) within the window alerts
# the H&W team, once per window (accreditation.probes).
PROBE_ALERT_THRESHOLD = env.int("PROBE_ALERT_THRESHOLD", default=10)
PROBE_ALERT_WINDOW = timedelta(minutes=env.int("PROBE_ALERT_WINDOW_MINUTES", default=60))

# ----------------------------------------------------------------------------- accounts
AUTH_USER_MODEL = "accreditation.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out sign-in never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the person with the second-factor gate's answers (issue 20).
    "accreditation.backends.PortalModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "first_name", "last_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 2)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# A school may start its renewal this many months before its award ends (portfolios.dates).
RENEWAL_WINDOW_MONTHS = env.int("RENEWAL_WINDOW_MONTHS", default=12)

# Validating group meetings: defaults for the six meetings proposed for each academic year.
MEETING_CUTOFF_DAYS = env.int("MEETING_CUTOFF_DAYS", default=21)
MEETING_DEFAULT_CAPACITY = env.int("MEETING_DEFAULT_CAPACITY", default=12)
MEETING_DEFAULT_START = env.str("MEETING_DEFAULT_START", default="13:30")
MEETING_DEFAULT_LENGTH_MINUTES = env.int("MEETING_DEFAULT_LENGTH_MINUTES", default=150)
MEETING_DEFAULT_LOCATION = env.str("MEETING_DEFAULT_LOCATION", default="County Hall, Pegs Lane, Hertford SG13 8DQ")
# A decision needs this many members present, not recused, from at least this many teams.
VALIDATION_QUORUM_MEMBERS = env.int("VALIDATION_QUORUM_MEMBERS", default=3)
VALIDATION_QUORUM_TEAMS = env.int("VALIDATION_QUORUM_TEAMS", default=2)

# Lock out repeated failures for the pair (email, IP address), for a while, not for good: an
# attacker elsewhere cannot lock a head teacher out, and a locked-out person can try again later
# or reset their password.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accreditation.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
# A locked account's cool-off runs from the attempt that locked it: attempts during the cool-off
# (even with the right password) are refused without restarting it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Password spraying (one address, many accounts): see accreditation.throttle.sign_in_wait_seconds.
SIGN_IN_FAILURES_PER_ADDRESS = env.int("SIGN_IN_FAILURES_PER_ADDRESS", default=30)
SIGN_IN_SLOWDOWN_AFTER = env.int("SIGN_IN_SLOWDOWN_AFTER", default=10)
SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=env.int("SIGN_IN_ADDRESS_WINDOW_MINUTES", default=60))
AXES_LOCKOUT_CALLABLE = "accreditation.views.locked_out"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the header is
# ignored). One function reads it (accreditation.middleware.client_ip) for axes and the audit;
# django-ipware is not installed, so axes' own AXES_IPWARE_* settings would be ignored.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accreditation.middleware.client_ip"

# Two-factor sign-in (TOTP authenticator apps, with one-time recovery codes).
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_TOLERANCE = 1
RECOVERY_CODE_COUNT = 10

# Sessions: idle timeout 30 minutes, absolute 12 hours (SessionTimeoutMiddleware).
# Django's database sessions, read by SQL compiled once (accreditation/sessions.py, issue 20).
SESSION_ENGINE = "accreditation.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accreditation.error_pages.csrf_failure"

# ----------------------------------------------------------------------------- security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# ----------------------------------------------------------------------------- i18n
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]

# ----------------------------------------------------------------------------- files
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

# Evidence is private: kept outside static/, never given a URL, only streamed by views that
# check who is asking.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private-media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "region_name": env.str("AWS_S3_REGION_NAME", default="eu-west-2"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
else:
    _file_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": "accreditation.staticstorage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Nothing is routed at MEDIA_URL: evidence has no public URL (storage base_url is None). Django's
# test live server serves MEDIA_ROOT, so it points at an empty folder, never at the evidence.
MEDIA_ROOT = str(VAR_DIR / "no-public-media")
MEDIA_URL = "/no-public-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Files in one request (the upload page takes several at once); more get a clear 400 page.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=25 * 1024 * 1024)
# The largest request body the app reads at all (a few files at the limit at once); larger is
# refused on its Content-Length before reading (RequestBodyLimitMiddleware). Keep nginx's
# client_max_body_size at or below it.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=4 * EVIDENCE_MAX_FILE_BYTES + 1024 * 1024)
# Uploads are spooled to a private folder the portal cleans (accreditation.uploads_temp), never
# the shared system temp folder where a killed worker's file would stay.
FILE_UPLOAD_TEMP_DIR = str(env.path("UPLOAD_TEMP_DIR", default=VAR_DIR / "upload-tmp"))
FILE_UPLOAD_PERMISSIONS = 0o600
UPLOAD_TEMP_MAX_AGE_SECONDS = env.int("UPLOAD_TEMP_MAX_AGE_SECONDS", default=60 * 60)
# Every uploaded file is scanned by ClamAV (clamd) before anyone can download it
# (accreditation.virus_scan). Required in production; unset with DEBUG on, files are marked
# "not scanned" (embedded `make run` without clamd).
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_TIMEOUT_SECONDS = env.int("CLAMAV_TIMEOUT_SECONDS", default=60)
if not DEBUG and not CLAMAV_SOCKET:
    raise ImproperlyConfigured(
        "CLAMAV_SOCKET must be set when DEBUG is off: uploads are released only after ClamAV has scanned them. "
        "Install clamav-daemon and set CLAMAV_SOCKET=/run/clamav/clamd.ctl (or tcp://host:3310)."
    )
# Besides the bytes: files a school may upload in an hour, and files it may hold in all.
EVIDENCE_UPLOADS_PER_HOUR = env.int("EVIDENCE_UPLOADS_PER_HOUR", default=60)
EVIDENCE_SCHOOL_MAX_FILES = env.int("EVIDENCE_SCHOOL_MAX_FILES", default=3000)
EVIDENCE_SCHOOL_QUOTA_BYTES = env.int("EVIDENCE_SCHOOL_QUOTA_BYTES", default=2 * 1024 * 1024 * 1024)
# A portfolio PDF with more evidence links than this is produced in the background (a Celery task)
# with its progress shown, then downloaded when ready; smaller ones download at once (issue 20).
PORTFOLIO_PDF_INLINE_MAX_ITEMS = env.int("PORTFOLIO_PDF_INLINE_MAX_ITEMS", default=300)

# ----------------------------------------------------------------------------- email
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
for _key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
    if _key in _email:
        globals()[_key] = _email[_key]
# For filemail:// (used by the real-worker tests): where each message is written.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "sent-email"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# People told when a background task fails ("Name <email>, ..."), besides active H&W admins.
ADMINS = [tuple(part.strip().rstrip(">").split("<")) for part in env.list("ADMINS", default=[]) if "<" in part]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SERVICE_NAME} <no-reply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ----------------------------------------------------------------------------- tasks
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that was not acknowledged (its worker died) is handed out again after this long.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for tasks whose worker died (unacknowledged past the timeout).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_SECONDS", default=60),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 3,
    "socket_timeout": 5,
}
# django-celery-beat's database scheduler, writing a heartbeat for /healthz/ready (issue 24).
CELERY_BEAT_SCHEDULER = "accreditation.beat:HeartbeatScheduler"
# A message claimed for sending longer ago than this is taken to have died with its worker.
OUTBOX_STALE_CLAIM_SECONDS = env.int("OUTBOX_STALE_CLAIM_SECONDS", default=15 * 60)
CELERY_TIMEZONE = TIME_ZONE

# ----------------------------------------------------------------------------- forms
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# ----------------------------------------------------------------------------- logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Anonymous surveys (portfolios/surveys): answers one connection may send to one survey in a
# minute (a whole school may share one address, so not too few), answers one device may send to
# one survey (a class set of shared tablets), and survey codes one connection may try in an hour.
SURVEY_RESPONSES_PER_MINUTE = env.int("SURVEY_RESPONSES_PER_MINUTE", default=60)
SURVEY_RESPONSES_PER_DEVICE = env.int("SURVEY_RESPONSES_PER_DEVICE", default=60)
SURVEY_CODE_TRIES_PER_HOUR = env.int("SURVEY_CODE_TRIES_PER_HOUR", default=30)

# ----------------------------------------------------------------------------- operations (issue 24)
# Health probes first of all: a load balancer probing by IP over HTTP gets 200/503, never the
# HTTPS redirect or the host check. Then the request ID, before anything that logs or audits.
MIDDLEWARE.insert(0, "accreditation.middleware.HealthProbeMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "accreditation.middleware.RequestIdMiddleware",
)
SECURE_REDIRECT_EXEMPT = [r"^healthz/(live|ready)$"]

# Email outbox: a message is tried at most this many times, waiting OUTBOX_RETRY_BASE_SECONDS
# after the first failure and twice as long after each further one (10 minutes doubling 7 times:
# about 21 hours), then marked failed for the admins' mail page.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=600)

# /healthz/ready fails when beat's or every worker's heartbeat is older than this.
HEALTH_HEARTBEAT_MAX_AGE_SECONDS = env.int("HEALTH_HEARTBEAT_MAX_AGE_SECONDS", default=300)

# security.txt (RFC 9116): who to tell about a vulnerability, and the policy page if any.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default=f"mailto:{HW_TEAM_EMAIL}")
SECURITY_POLICY_URL = env.str("SECURITY_POLICY_URL", default="")

# Logs: one JSON object a line in production (LOG_FORMAT=json, the default with DEBUG off), plain
# lines in development; both carry the request ID. Celery's worker and beat log the same way.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING["filters"] = {"request_id": {"()": "accreditation.observability.RequestIdFilter"}}
LOGGING["formatters"] = {
    "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(process)d",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
LOGGING["handlers"]["console"].update(formatter=LOG_FORMAT, filters=["request_id"])
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error tracking: Sentry (or a compatible service) when SENTRY_DSN is set. No personal data: no
# default PII, no request bodies, cookies or query strings (accreditation.observability).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from accreditation.observability import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
