"""Settings for the ASN Training Portal, read from the environment in one place.

With no variables set the portal runs locally: SQLite under ``var/``, Celery
through kombu's filesystem transport (no server needed), email to the console
and ``DEBUG`` on. ``DJANGO_ENV=production`` switches to a hardened mode that
refuses to start without ``DJANGO_SECRET_KEY``. See README.md, "Configuration".
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="local")
PRODUCTION = DJANGO_ENV == "production"
if DJANGO_ENV not in {"local", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'local' or 'production'.")

if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (at least 50 characters) in production."
        )
    DEBUG = False
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="local-only-insecure-key-do-not-use-in-production"
    )
    DEBUG = env.bool("DJANGO_DEBUG", default=True)
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "districts",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "asnportal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]
RATELIMIT_VIEW = "districts.ratelimit.ratelimited"
RATELIMIT_IP_META_KEY = "districts.ratelimit.client_ip"
# Addresses or networks of the reverse proxies (TLS terminators, load
# balancers) in front of the portal. X-Forwarded-For is believed only when
# the request comes from one of them; from anyone else it is ignored.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

ROOT_URLCONF = "asnportal.urls"
WSGI_APPLICATION = "asnportal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "districts.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite file under var/ unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if "DATABASE_URL" not in env:
    # A fresh clone: `python manage.py migrate` works without `make` creating var/ first.
    VAR_DIR.mkdir(exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Locally runserver opens a thread (and a connection) per request and never
    # reuses it: a kept connection only fills PostgreSQL's slots. Production's
    # workers reuse theirs, checked before each request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int(
        "DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: the large set-based reads (competency gaps, dashboards) are estimated
    # costly enough to be compiled, and compiling took 2.4 s of a 5.5 s statement
    # that runs in 0.6 s without it (EXPLAIN ANALYZE, 10,000 people).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = ["districts.auth.NipOrUsernameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language, time and formats: Indonesian first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# One catalogue per feature area, so that areas are translated independently;
# Django merges them. Source strings are English, the catalogues Indonesian.
LOCALE_PATHS = [
    BASE_DIR / "locale" / area
    for area in (
        "core",
        "hr",
        "self_service",
        "conflicts",
        "dashboards",
        "pages",
        "documents",
        "emails",
        "planning",
        "learning",
        "api",
        "sessions",
        "attendance",
    )
]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
FORMAT_MODULE_PATH = ["asnportal.formats"]
# Off on purpose: with it on, every integer in a template (ids, years) gets a
# dot ("2.026"). Figures use ``intcomma``/``floatformat:"g"``, which do group.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
# collectstatic's target, production only: locally WhiteNoise serves from the
# apps' static folders directly (and would warn about a missing STATIC_ROOT).
STATIC_ROOT = (
    env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles") if PRODUCTION else None
)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console locally, EMAIL_URL (smtp://user:pass@host:587/?tls=True) otherwise.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Portal Pelatihan ASN <noreply@portal-asn.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain of Message-IDs (``<...@domain>``); empty: the host of PORTAL_BASE_URL.
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="")
# WEB_ADDR is where `make run` serves (host:port); the base URL follows it unless set.
PORTAL_BASE_URL = env.str(
    "PORTAL_BASE_URL", default=f"http://{env.str('WEB_ADDR', default='127.0.0.1:8000')}"
)
# Unset, pages that show an address to keep (the calendar feed) use the request's host.
PORTAL_BASE_URL_SET = bool(env.str("PORTAL_BASE_URL", default=""))

# Celery: Redis when CELERY_BROKER_URL is set, kombu's filesystem transport otherwise.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
if CELERY_BROKER_URL.startswith("filesystem"):
    for folder in (
        CELERY_QUEUE_DIR,
        VAR_DIR / "celery" / "processed",
        VAR_DIR / "celery" / "control",
    ):
        folder.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Without it kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Domain settings (DESIGN.md, "Domain rules").
MINUTES_PER_JP = env.int("MINUTES_PER_JP", default=45)
PNS_YEARLY_TARGET_JP = env.int("PNS_YEARLY_TARGET_JP", default=20)
PPPK_YEARLY_CAP_JP = env.int("PPPK_YEARLY_CAP_JP", default=24)
# Outside learning: the largest certificate accepted, and the JP of a nonklasikal
# form where the district has not set its own (unit, JP per unit).
OUTSIDE_LEARNING_EVIDENCE_MAX_BYTES = env.int(
    "OUTSIDE_LEARNING_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024
)
OUTSIDE_LEARNING_JP_DEFAULTS = {
    "e_learning": ("hour", "1.33"),
    "coaching": ("hour", "1.33"),
    "mentoring": ("hour", "1.33"),
    "internship": ("day", "8"),
    "benchmarking": ("day", "8"),
    "community": ("hour", "1"),
    "self_study": ("hour", "1"),
}
# Evaluation level 3: months after completion the supervisor is asked, for how many
# days a completion stays due (a completion older than that is not asked about),
# and the days after which an unanswered request is reminded (once).
BEHAVIOUR_DELAY_MONTHS = env.int("BEHAVIOUR_DELAY_MONTHS", default=3)
BEHAVIOUR_WINDOW_DAYS = env.int("BEHAVIOUR_WINDOW_DAYS", default=60)
BEHAVIOUR_REMINDER_DAYS = env.int("BEHAVIOUR_REMINDER_DAYS", default=14)
CONFLICT_SCAN_DAYS = env.int("CONFLICT_SCAN_DAYS", default=14)
# A supervisor with this many people below them gets their dashboard from the
# summary the refresh task keeps (as HR and administrators do), not live.
DASHBOARD_SUMMARY_MIN_TEAM = env.int("DASHBOARD_SUMMARY_MIN_TEAM", default=2000)
# The gap page reads each district's stored matrix while it is younger than this
# (beat refreshes it every 15 minutes); a change queues a refresh this many
# seconds later, one for all the changes in between (training/services/gap_summary.py).
GAP_SUMMARY_MAX_AGE_MINUTES = env.int("GAP_SUMMARY_MAX_AGE_MINUTES", default=60)
GAP_REFRESH_DELAY = env.int("GAP_REFRESH_DELAY", default=60)
ESCALATION_DAYS_BEFORE = env.int("ESCALATION_DAYS_BEFORE", default=3)
# An unresolved clash is told again this many days before its session (H-3, H-1).
CONFLICT_REMINDER_DAYS_BEFORE = env.list("CONFLICT_REMINDER_DAYS_BEFORE", cast=int, default=[3, 1])
# The supervisor is told only when the person's clash reminder went out this long ago.
ESCALATION_GRACE_HOURS = env.int("ESCALATION_GRACE_HOURS", default=12)
# Reminders: attempts before "failed", backoff base, when a "sending" row is stale.
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=30)
REMINDER_STALE_SECONDS = env.int("REMINDER_STALE_SECONDS", default=600)
# PostgreSQL: a message's "sent" mark is committed without waiting for the disk, and
# each batch ends with one commit that does (training.messages.outbox.send_batch).
# A worker killed mid-batch loses no mark; only a crash of the database server itself
# within a fraction of a second of a mark could lose it (that email would go out again).
REMINDER_ASYNC_SENT_MARKS = env.bool("REMINDER_ASYNC_SENT_MARKS", default=True)
CELERY_BEAT_SCHEDULE = {
    "behaviour-evaluations": {
        "task": "training.evaluation.request_behaviour_evaluations",
        "schedule": 60 * 60,
    },
    "scan-conflicts": {"task": "training.conflict_tasks.scan_conflicts", "schedule": 15 * 60},
    "sweep-reminders": {"task": "training.conflict_tasks.sweep_reminders", "schedule": 5 * 60},
    "refresh-dashboards": {
        "task": "training.dashboards.tasks.refresh_dashboard_summaries",
        "schedule": 5 * 60,
    },
    "expire-import-jobs": {"task": "training.hr.tasks.expire_import_jobs", "schedule": 15 * 60},
    "refresh-gap-summaries": {"task": "training.gaps.refresh_all", "schedule": 15 * 60},
}

# The REST API (training/api/, README "The API"): tokens or the web session,
# scoped like the site, rate-limited per token in the default cache (Redis in
# production), errors as problem details (RFC 9457).
API_RATE = env.str("API_RATE", default="600/minute")
API_MAX_REQUEST_BYTES = env.int("API_MAX_REQUEST_BYTES", default=16 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "training.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["training.api.permissions.PortalUser"],
    "DEFAULT_PARSER_CLASSES": ["training.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["training.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "training.api.problems.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Pelatihan ASN API",
    "DESCRIPTION": "Scoped like the portal: a token acts as its owner. See README, The API.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Content-Security-Policy (django-csp), locally as in production so that a
# violation shows up while developing. No inline script anywhere: scripts are
# static files. Style *attributes* stay allowed (progress bars take their
# width from the data); style elements and sheets come from the portal only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
