"""Settings for the OCTIP Platform.

Everything a deployment changes comes from environment variables (see README). Development is
the default and needs nothing; ``OCTIP_ENV=production`` turns every safety switch on and refuses
to start without the secrets it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OCTIP_VAR_DIR", BASE_DIR / "var"))
# The database, uploads and the key file live here: no other user may enter (octip/core/private_files.py).
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


OCTIP_ENV = os.environ.get("OCTIP_ENV", "development").strip().lower()
if OCTIP_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("OCTIP_ENV must be development, production or test.")
PRODUCTION = OCTIP_ENV == "production"

if PRODUCTION:
    missing = [n for n in ("DJANGO_SECRET_KEY", "OCTIP_FIELD_KEYS", "OCTIP_BLIND_INDEX_KEY",
                           "OCTIP_AUDIT_SIGNING_KEY", "OCTIP_ALLOWED_HOSTS") if not os.environ.get(n)]
    if missing:
        raise ImproperlyConfigured(
            "Production refuses to start without: " + ", ".join(missing) + ". See README.")
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    # A malformed key ring stops every process here, not at the first encrypted write. (Development
    # and test are told by the system check octip.E001, octip/core/checks.py.)
    from octip.core.crypto import key_ring_problems

    _key_problems = key_ring_problems(os.environ["OCTIP_FIELD_KEYS"], os.environ["OCTIP_BLIND_INDEX_KEY"])
    if _key_problems:
        raise ImproperlyConfigured("Production refuses to start with a malformed key ring: "
                                   + " ".join(_key_problems) + " See README.")
    # Without a shared cache each worker process counts rate limits on its own (the public report of
    # concern's among them), so N workers allow N times the limit.
    _redis_url = os.environ.get("OCTIP_REDIS_URL", "")
    if not _redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "Production refuses to start without OCTIP_REDIS_URL (redis://, rediss:// or unix://): rate "
            "limits must be shared by every worker process. See README.")
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret-" + "x" * 40)

DEBUG = env_flag("OCTIP_DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("OCTIP_DEBUG cannot be on in production: error pages would show decrypted data.")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "OCTIP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("OCTIP_CSRF_TRUSTED_ORIGINS", "").split(",")
                        if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "octip.core",
    "octip.jobs",
    "octip.notifications",
    "octip.partners",
    "octip.site",
    "octip.cases",
    "octip.consent",
    "octip.screening",
    "octip.hotline",
    "octip.directory",
    "octip.referrals",
    "octip.home",
    "octip.stats",
    "octip.justice",
    "octip.prevention",
    "octip.situations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "octip.core.middleware.RequestContextMiddleware",
    "octip.core.middleware.PrivateCacheMiddleware",
    "octip.core.input_safety.RefuseUnsafeInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "octip.core.middleware.SessionIdleRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "octip.site.middleware.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "octip.partners.middleware.MFAEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "octip.core.middleware.AuditDenialMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "octip.urls"
WSGI_APPLICATION = "octip.wsgi.application"
ASGI_APPLICATION = "octip.asgi.application"

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
                "octip.core.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'octip.sqlite3'}", conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    })
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("OCTIP_TEST_SQLITE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "partners.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "app:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# MFA is on unless switched off explicitly (make run does so for the demo, and says so).
OCTIP_REQUIRE_MFA = env_flag("OCTIP_REQUIRE_MFA", True)
if PRODUCTION and not OCTIP_REQUIRE_MFA:
    raise ImproperlyConfigured("OCTIP_REQUIRE_MFA cannot be switched off in production.")
OTP_TOTP_ISSUER = "OCTIP Platform"

# Sessions end after inactivity: a session in use is renewed (saved with a fresh expiry) once a minute at
# most, by octip.core.middleware.SessionIdleRenewalMiddleware, rather than written on every request.
OCTIP_SESSION_IDLE_MINUTES = int(os.environ.get("OCTIP_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = OCTIP_SESSION_IDLE_MINUTES * 60
OCTIP_SESSION_RENEW_SECONDS = 60
#: How long the home page's open-case numbers are shared by readers who see the same cases (a
#: coordinator: every case), in seconds; 0 counts them on every visit. Each count reads every open
#: case such a reader sees: at a million cases, about a second.
OCTIP_HOME_COUNTS_SECONDS = int(os.environ.get("OCTIP_HOME_COUNTS_SECONDS", "60"))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Sign-in throttling (octip/partners/lockout.py). After OCTIP_LOCKOUT_DELAY_AFTER failures for one account
# from one client, that client waits 1, 2, 4... minutes (at most OCTIP_LOCKOUT_DELAY_MAX_MINUTES) between
# tries; attempts refused while it waits are not counted, so hammering locks nobody out. The account itself
# locks after OCTIP_LOCKOUT_ATTEMPTS failures from anywhere within OCTIP_LOCKOUT_HOURS, until that passes or
# an administrator unlocks it, and its organization's administrators are told. Counted by account, never by
# address alone: a shelter behind one shared address must not lose every worker (hence axes.W006 is silenced).
AXES_HANDLER = "octip.partners.lockout.ProgressiveLockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("OCTIP_LOCKOUT_ATTEMPTS", "50"))
AXES_COOLOFF_TIME = float(os.environ.get("OCTIP_LOCKOUT_HOURS", "1"))
OCTIP_LOCKOUT_DELAY_AFTER = int(os.environ.get("OCTIP_LOCKOUT_DELAY_AFTER", "5"))
OCTIP_LOCKOUT_DELAY_MAX_MINUTES = int(os.environ.get("OCTIP_LOCKOUT_DELAY_MAX_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "octip.partners.lockout.attempted_email"
AXES_CLIENT_IP_CALLABLE = "octip.partners.lockout.attempt_address"
AXES_LOCKOUT_CALLABLE = "octip.partners.lockout.refusal_response"
# models.W040: SQLite builds an index without its INCLUDE columns, which are for PostgreSQL's index-only
# scans (cases.CaseAccessGrant's live-grant indexes); the index still serves SQLite.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# The Django admin bypasses scope and audit: served only where this asks for it, never by default.
OCTIP_DJANGO_ADMIN = env_flag("OCTIP_DJANGO_ADMIN", False)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")),
             # The public site's further languages (octip/site/languages.py): its key pages and interface.
             ("pa", _("Punjabi")), ("zh-hans", _("Simplified Chinese")), ("zh-hant", _("Traditional Chinese")),
             ("tl", _("Tagalog")), ("es", _("Spanish")), ("ko", _("Korean")), ("vi", _("Vietnamese")),
             ("fa", _("Farsi")), ("ar", _("Arabic"))]
#: Staff pages (/app/, /accounts/, the API) speak English and French only (octip/site/middleware.py).
OCTIP_STAFF_LANGUAGES = ("en", "fr")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/Vancouver"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(VAR_DIR / "media")}},
    "staticfiles": {"BACKEND": (
        "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage")},
}

# Uploaded documents and exports: readable by the platform's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

EMAIL_BACKEND = os.environ.get(
    "OCTIP_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("OCTIP_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("OCTIP_EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_flag("OCTIP_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("OCTIP_FROM_EMAIL", "no-reply@octip.invalid")

# --- Several machines (docs/deployment.md): no state in a process or on a local disk -------------
# The cache holds the rate limits (public reports per client, duplicate checks per user) and the
# credential status list. It is Redis when OCTIP_REDIS_URL is set (production requires it), otherwise a
# table in the database (created by migration core 0004), never a process's memory: two processes, or
# two machines, then count one limit together even in development.
if os.environ.get("OCTIP_REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ["OCTIP_REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "octip_cache"}}
# Sessions are rows in the database (Django's default engine, named so a reader need not know it):
# any web node reads the session another wrote. octip.W011 warns of a file or process-local engine.
SESSION_ENGINE = os.environ.get("OCTIP_SESSION_ENGINE", "django.contrib.sessions.backends.db")

# Files written at run time (case documents, secure exports, prevention materials) go to the default
# storage: the local folder VAR_DIR/media unless OCTIP_STORAGE=s3, which sends them to an S3-compatible
# bucket through django-storages (octip/core/object_storage.py says what it promises: private objects,
# opaque names, server-side encryption on top of the app's own, downloads only through the app's views).
OCTIP_STORAGE = os.environ.get("OCTIP_STORAGE", "local").strip().lower()
if OCTIP_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured("OCTIP_STORAGE must be local or s3.")
if OCTIP_STORAGE == "s3":
    from octip.core.object_storage import StorageConfigurationError, s3_storage

    try:
        STORAGES["default"] = s3_storage(os.environ)
    except StorageConfigurationError as problem:
        raise ImproperlyConfigured(str(problem)) from problem

# An optional read replica (DATABASE_REPLICA_URL). Reads go to it only where replica lag cannot matter,
# by name (octip/core/db_router.py says which and why); everything else, and every write, stays primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60,
                                                 conn_health_checks=True)
    # Tests (and pytest-django) treat the replica as a mirror of the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["octip.core.db_router.ReplicaRouter"]
# --- end of several machines ---------------------------------------------------------------------

# Background jobs go through a queue in the database (django-tasks-db): `manage.py db_worker` runs
# them, `manage.py run_scheduler` enqueues the periodic ones (docs/operations.md says why and how).
TASKS = {"default": {"BACKEND": os.environ.get(
    "OCTIP_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# The periodic jobs: name -> the task's dotted path and how often it is due, in seconds. The
# scheduler records each job's next run in the database (jobs.PeriodicRun), so two schedulers or a
# restart never enqueue the same run twice.
OCTIP_PERIODIC_JOBS = {
    "referrals.overdue": {"task": "octip.referrals.tasks.notify_overdue_referrals", "every": 300},
    "cases.task_reminders": {"task": "octip.cases.tasks.remind_tasks", "every": 3600},
    "cases.duty_to_report": {"task": "octip.cases.tasks.remind_duty_to_report", "every": 3600},
    "consent.expiry": {"task": "octip.consent.tasks.warn_consents_expiring", "every": 3600 * 6},
    "notifications.escalations": {"task": "octip.notifications.tasks.escalate_unacknowledged", "every": 60},
    "notifications.digest": {"task": "octip.notifications.tasks.send_daily_digests", "every": 3600 * 24},
    "audit.checkpoint": {"task": "octip.core.tasks.write_audit_checkpoint", "every": 3600},
    "audit.verify_full": {"task": "octip.core.tasks.verify_audit_log_in_full", "every": 3600 * 24 * 7},
    "audit.verify_daily": {"task": "octip.core.tasks.verify_audit_log_since_checkpoint", "every": 3600 * 24},
    "audit.partitions": {"task": "octip.core.tasks.ensure_audit_partitions", "every": 3600 * 24},
    "justice.deadline_reminders": {"task": "octip.justice.tasks.remind_deadlines", "every": 3600 * 6},
    "cases.follow_up_cadence": {"task": "octip.cases.tasks.create_follow_up_tasks", "every": 3600 * 24},
    "hotline.target_breaches": {"task": "octip.hotline.tasks.alert_breached_targets", "every": 60},
}
# Overrides of the justice rules marked "verify" in octip/justice/data/rules.yaml (same keys), e.g.
# {"trp": {"periods": [...]}, "cvap": {"years_from_offence": 2}}. The pages show such values as to verify.
OCTIP_JUSTICE_RULES: dict = {}
# A failed job is tried again after 1, 4 then 16 minutes; after the last try it waits for a system
# administrator at /app/jobs/failed/.
OCTIP_JOB_RETRIES = int(os.environ.get("OCTIP_JOB_RETRIES", "3"))
OCTIP_JOB_RETRY_BASE_SECONDS = int(os.environ.get("OCTIP_JOB_RETRY_BASE_SECONDS", "60"))

# Field encryption: keys come from OCTIP_FIELD_KEYS / OCTIP_BLIND_INDEX_KEY, or in development
# from a key file generated under var/ (see octip/core/crypto.py).
OCTIP_FIELD_KEYS = os.environ.get("OCTIP_FIELD_KEYS", "")
OCTIP_BLIND_INDEX_KEY = os.environ.get("OCTIP_BLIND_INDEX_KEY", "")
OCTIP_KEY_FILE = VAR_DIR / "field_keys.json"

# Audit checkpoints (octip/core/checkpoints.py): the Ed25519 key that signs them lives outside the
# database (base64 of the 32-byte private key; in development a 0600 file under var/), and each
# checkpoint is exported to a folder that production keeps outside the database's reach.
OCTIP_AUDIT_SIGNING_KEY = os.environ.get("OCTIP_AUDIT_SIGNING_KEY", "")
OCTIP_AUDIT_SIGNING_KEY_FILE = VAR_DIR / "audit_signing_key"
OCTIP_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("OCTIP_AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints"))

# Where the public site's quick-exit button goes: a neutral page.
OCTIP_QUICK_EXIT_URL = os.environ.get("OCTIP_QUICK_EXIT_URL", "https://www.google.ca/search?q=weather")
OCTIP_API_TOKEN_DAYS = int(os.environ.get("OCTIP_API_TOKEN_DAYS", "90"))
# The platform's public address, for absolute links in emails (e.g. https://octip.example.ca).
OCTIP_SITE_URL = os.environ.get("OCTIP_SITE_URL", "")
# Behind a trusted reverse proxy, the header that carries the client address (e.g. HTTP_X_FORWARDED_FOR).
OCTIP_CLIENT_IP_HEADER = os.environ.get("OCTIP_CLIENT_IP_HEADER", "")

# Public report of concern: per-client rate limit, and the organization whose 24/7 line receives reports
# (by name; default: the coordinating office).
OCTIP_REPORT_RATE_LIMIT = int(os.environ.get("OCTIP_REPORT_RATE_LIMIT", "5"))
OCTIP_REPORT_RATE_WINDOW_SECONDS = int(os.environ.get("OCTIP_REPORT_RATE_WINDOW_SECONDS", "3600"))
OCTIP_HOTLINE_ORGANIZATION = os.environ.get("OCTIP_HOTLINE_ORGANIZATION", "")
CSRF_FAILURE_VIEW = "octip.site.views.csrf_failure"
# The largest JSON body the API reads (octip/core/input_safety.py); nothing of ours comes near it.
OCTIP_JSON_MAX_BYTES = int(os.environ.get("OCTIP_JSON_MAX_BYTES", str(1024 * 1024)))

# Content-Security-Policy: no inline script anywhere, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("OCTIP_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("OCTIP_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OCTIP_LOG_LEVEL", "WARNING")},
}

# Statistics (octip/stats): the smallest count shown (k, as CTDC) and the differential-privacy budget
# of each dataset and year (total epsilon), spent by releases and recorded in the ledger.
OCTIP_STATS_K = int(os.environ.get("OCTIP_STATS_K", "11"))
# The smallest k a release may ask for (a release may be stricter than OCTIP_STATS_K, never looser).
OCTIP_STATS_MIN_K = int(os.environ.get("OCTIP_STATS_MIN_K", str(OCTIP_STATS_K)))
OCTIP_STATS_EPSILON_BUDGET = float(os.environ.get("OCTIP_STATS_EPSILON_BUDGET", "4.0"))
OCTIP_STATS_RELEASE_DIR = Path(os.environ.get("OCTIP_STATS_RELEASE_DIR", VAR_DIR / "stats-releases"))

# Certificates (octip/prevention/credentials.py): the Ed25519 key ring that signs Open Badges credentials,
# comma-separated kid:base64key entries, the last signing new ones (in development a 0600 file under var/).
OCTIP_CREDENTIAL_SIGNING_KEYS = os.environ.get("OCTIP_CREDENTIAL_SIGNING_KEYS", "")
OCTIP_CREDENTIAL_SIGNING_KEY_FILE = VAR_DIR / "credential_signing_keys.json"

# Backups (octip/core/backup.py): the models whose rows name the signing key that signed them, so that a
# restore checks that the configured ring still holds each key (by its public key's fingerprint).
OCTIP_BACKUP_SIGNING_RINGS = {
    "prevention.credential": {"kid_field": "kid", "public_keys": "octip.prevention.credentials.jwks",
                              "setting": "OCTIP_CREDENTIAL_SIGNING_KEYS"},
}

# The live queue of the 24/7 line polls every so many seconds (hotline/static/hotline/queue.js).
OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS = float(os.environ.get("OCTIP_HOTLINE_LIVE_INTERVAL_SECONDS", "15"))
