"""Settings shared by every environment, read from the environment (12-factor).

Environment variables:
- ``DATABASE_URL``: defaults to the embedded SQLite database under ``var/``.
- ``CELERY_BROKER_URL``: defaults to a filesystem broker under ``var/`` that needs no server.
- ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``: see the environment modules.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime files (the embedded database, the embedded broker, uploads) live outside the code.
VAR_DIR = Path(environ.Env().str("CHENGXIN_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "viewflow",
    "viewflow.workflow",
    "casework",
    "notices",
    "workflows",
    "exchange",
    "oversight",
    "portal",
    "axes",  # sign-in lockout (config/settings/lockout.py)
    "django_otp",  # the second factor (config/settings/mfa.py)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # its recovery codes
]

MIDDLEWARE = [
    "portal.observability.RequestId",  # first: every line logged for the request carries its id
    "portal.outages.DatabaseUnavailable",  # a lost database: 503 "try again", not a 500
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ContentSecurityPolicy",  # django-csp's, settings CONTENT_SECURITY_POLICY
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "casework.api.middleware.ApiErrorsAsJson",  # JSON errors under /api/; no 500 for a huge id
    "portal.middleware.RefuseNullCharacters",  # 400 for %00 in the address, query or form
    "portal.middleware.OneCalendarPerPage",  # a page read: the working-day calendar read once
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "portal.sessions.SessionTimeout",  # idle and absolute session lifetimes (config/settings/mfa.py)
    "portal.second_factor.RequireSecondFactor",  # no page before the second factor, where required
    "portal.middleware.PrivateNoStore",  # no-store on signed-in pages and downloads
    "casework.passwords.PasswordExpiry",  # an expired password: change it before anything else
    "portal.middleware.PublicRateLimit",  # /public/ and /verify/: so many requests a minute
    "portal.middleware.ConfigurationAdminOnly",  # /admin/ for the configuration roles only
    "portal.middleware.ChineseNotFoundInDebug",  # the site's 404 page with DEBUG on too
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # the lockout answer of a refused sign-in (casework.signin)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "casework.User"

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
                "portal.workbench.access.navigation",  # the role-specific links of base.html
            ],
        },
    },
]

# The embedded default is SQLite, written at once by the web server, the worker and
# beat: WAL, IMMEDIATE transactions and a busy timeout keep them from "database is locked".
_SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'chengxin.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The provincial staging tables (前置库, exchange.transports.StagingTable): another database,
# reached only by the staging transport; no migration ever runs there (exchange.routers).
if env.str("STAGING_DATABASE_URL", default=""):
    DATABASES["staging"] = env.db_url("STAGING_DATABASE_URL")
DATABASE_ROUTERS = ["exchange.routers.StagingRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH_PASSWORD_VALIDATORS: config/settings/passwords.py (the password rules).

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The project's own CSS and images: every asset is served by this site (no CDN, no web fonts).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

# The site's own sign-in page (portal): the admin's refuses users who are not staff.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "work-start"  # each role's own start page (portal.workbench.access)
LOGOUT_REDIRECT_URL = "home"

from .audit_checkpoints import *  # noqa: E402
from .bounded import *  # noqa: E402
from .celery import *  # noqa: E402
from .chengxin import *  # noqa: E402
from .dashboard import *  # noqa: E402
from .headers import *  # noqa: E402
from .keyset import *  # noqa: E402
from .lockout import *  # noqa: E402
from .logging import *  # noqa: E402
from .mfa import *  # noqa: E402
from .ops2 import *  # noqa: E402
from .passwords import *  # noqa: E402
from .pii import *  # noqa: E402
from .rest import *  # noqa: E402
from .storage import *  # noqa: E402
from .uploads import *  # noqa: E402
from .visibility import *  # noqa: E402
