"""Logging: JSON lines with the request id (portal.observability) to stdout and to a rotating
file, errors mailed to ADMINS when there are any.

Environment variables:
- ``CHENGXIN_LOG_FILE``: the file (default ``VAR_DIR/log/chengxin.log``); empty: stdout only
  (when journald keeps stdout and the file would be a second copy).
- ``CHENGXIN_LOG_LEVEL``: the level of the project's own loggers (default INFO).
- ``CHENGXIN_ADMINS``: who receives the 500 errors by mail, ``"Name <a@b>,Other <c@d>"``
  (the mail itself: EMAIL_HOST and friends, Django's settings, read from the environment too).
"""

from email.utils import getaddresses

import environ

from .base import VAR_DIR

env = environ.Env()


def _admins(text: str) -> list[tuple[str, str]]:
    return [(name or address, address) for name, address in getaddresses([text]) if "@" in address]


ADMINS = _admins(env.str("CHENGXIN_ADMINS", default=""))
SERVER_EMAIL = env.str("SERVER_EMAIL", default="root@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[诚信] ")

_log_file = env.str("CHENGXIN_LOG_FILE", default=str(VAR_DIR / "log" / "chengxin.log")).strip()
CHENGXIN_LOG_FILE = _log_file or None
CHENGXIN_LOG_LEVEL = env.str("CHENGXIN_LOG_LEVEL", default="INFO").upper()

_handlers = {
    "stdout": {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "json",
        "filters": ["request_id"],
    },
}
if CHENGXIN_LOG_FILE:
    from pathlib import Path

    Path(CHENGXIN_LOG_FILE).parent.mkdir(parents=True, exist_ok=True)
    # Rotated by size, not by time: a busy day and a quiet month take the same room (10 × 20 MB).
    # Each process (web workers, Celery) appends to the same file; rotation may then lose a few
    # lines at the moment of rollover, so journald's copy of stdout is the complete one.
    _handlers["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": CHENGXIN_LOG_FILE,
        "maxBytes": env.int("CHENGXIN_LOG_MAX_BYTES", default=20 * 1024 * 1024),
        "backupCount": env.int("CHENGXIN_LOG_BACKUPS", default=10),
        "encoding": "utf-8",
        "delay": True,
        "formatter": "json",
        "filters": ["request_id"],
    }
if ADMINS:
    # The traceback by mail too (include_html off: the debug page lists settings and the request).
    _handlers["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
        "filters": ["require_debug_false", "request_id"],
    }

_everywhere = list(_handlers)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "portal.observability.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"json": {"()": "portal.observability.JsonLines"}},
    "handlers": _handlers,
    "root": {"handlers": [name for name in _everywhere if name != "mail_admins"], "level": "WARNING"},
    "loggers": {
        # Errors of requests (a 500, with its traceback) and of the project's own code are mailed.
        "django.request": {"handlers": _everywhere, "level": "WARNING", "propagate": False},
        "django.security": {"handlers": _everywhere, "level": "WARNING", "propagate": False},
        **{
            name: {"handlers": _everywhere, "level": CHENGXIN_LOG_LEVEL, "propagate": False}
            for name in ("chengxin", "casework", "notices", "workflows", "exchange", "oversight", "portal")
        },
        "celery": {"level": "INFO"},
        "django.server": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
