"""CampaignOps settings: one module, read from the environment (12-factor)."""

from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env.str("CAMPAIGNOPS_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its static Swagger UI files for /api/v1/docs (no CDN)
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "campaignops.core",
    "campaignops.accounts",
    "campaignops.campaigns",
    "campaignops.access",
    "campaignops.planning",
    "campaignops.risks",
    "campaignops.budget",
    "campaignops.metrics",
    "campaignops.reports",
    "campaignops.lessons",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "campaignops.accounts.middleware.ProfileLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "campaignops.urls"
WSGI_APPLICATION = "campaignops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'campaignops.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "campaigns:list"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploaded files (receipts): MEDIA_ROOT/private, never served as static files or under a URL.
MEDIA_ROOT = DATA_DIR / "media"
MAX_RECEIPT_BYTES = env.int("MAX_RECEIPT_BYTES", default=10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "media")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: refuse early, parse late (see core/spreadsheets.py for archive checks).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_UPLOAD_UNCOMPRESSED_BYTES = env.int("MAX_UPLOAD_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
MAX_UPLOAD_COMPRESSION_RATIO = env.int("MAX_UPLOAD_COMPRESSION_RATIO", default=100)
MAX_UPLOAD_ZIP_MEMBERS = env.int("MAX_UPLOAD_ZIP_MEMBERS", default=1000)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

MAILERS = {"default": {"BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="campaignops@localhost")

# Background jobs: Django's Tasks API on huey's backend. The queue is an SQLite file in DATA_DIR
# (one machine, nothing to install) unless HUEY_REDIS_URL names a Redis server (a team's setup).
# `campaignops worker` runs the consumer and its periodic tasks (huey's crontab is in UTC).
HUEY_REDIS_URL = env.str("HUEY_REDIS_URL", default="")
HUEY = {
    "name": "campaignops",
    "huey_class": "huey.RedisHuey" if HUEY_REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": HUEY_REDIS_URL} if HUEY_REDIS_URL else {"filename": str(DATA_DIR / "huey.sqlite3")},
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "utc": True,
    "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
}
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "OPTIONS": {"enqueue_on_commit": True},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

CAMPAIGNOPS_SITE_NAME = _("CampaignOps")
