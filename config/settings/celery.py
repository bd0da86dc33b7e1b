"""Celery: an embedded filesystem broker by default, Redis (or any URL) in production."""

from zoneinfo import ZoneInfo

import environ
from celery.schedules import schedule as _every
from django_celery_beat.tzcrontab import TzAwareCrontab

from .base import VAR_DIR

env = environ.Env()

_BROKER_DIR = VAR_DIR / "broker"

# "localhost" only keeps kombu from warning "No hostname was supplied": the transport ignores it.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder is both the producers' "out" and the consumers' "in": one machine, one queue folder.
    # kombu lists and moves files in these folders but does not create them.
    for _folder in ("queue", "processed", "control"):
        (_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(_BROKER_DIR / "control"),
    }
    # No broadcast worth having on files (no `celery inspect`/`control`): don't poll a pidbox queue.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# ── Deadline sweeps (workflows.tasks) ──────────────────────────────────────────────────────
# Beat's DatabaseScheduler copies these entries into its tables on start, so `make run` and any
# deployment run them with no extra step, and an administrator sees them in the admin.
# Legal dates change at midnight in Asia/Shanghai: the date-based sweeps run at 00:05 and again
# every CHENGXIN_SWEEP_INTERVAL seconds, which catches a missed night (beat or broker down) and is
# harmless otherwise (each sweep is idempotent on the same day). Delivery to the province, viewflow
# timers and the cleanup of casework's outbox are not about dates: they run on the interval only.
# A queued sweep expires after one interval, so a worker that was down does not face a backlog.
CHENGXIN_SWEEP_INTERVAL = env.int("CHENGXIN_SWEEP_INTERVAL", default=300)
# The queue the beat sends to and the worker reads (Celery's default name); the real-worker tests
# give their worker and beat a queue of their own on a shared Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

_DATE_BASED_SWEEPS = (
    "rectification",
    "repair_decisions",
    "overdue_deadlines",
    "disclosure_expiry",
    "accountability_releases",
)
_CONTINUOUS_SWEEPS = ("viewflow_timers", "reactions_cleanup")
_AFTER_MIDNIGHT = TzAwareCrontab(minute=5, hour=0, tz=ZoneInfo(CELERY_TIMEZONE))
_EXPIRY = {"expire_seconds": CHENGXIN_SWEEP_INTERVAL}


def _sweep_entry(name: str, when, app: str = "workflows") -> dict:
    return {"task": f"{app}.tasks.sweep_{name}", "schedule": when, "options": _EXPIRY}


CELERY_BEAT_SCHEDULE = {
    **{f"sweep {name} at 00:05": _sweep_entry(name, _AFTER_MIDNIGHT) for name in _DATE_BASED_SWEEPS},
    **{
        f"sweep {name}": _sweep_entry(name, _every(CHENGXIN_SWEEP_INTERVAL))
        for name in (*_DATE_BASED_SWEEPS, *_CONTINUOUS_SWEEPS)
    },
    # Risk warnings (oversight.sweeps): every rule evaluated, like a date-based sweep.
    "sweep risk_alerts at 00:05": _sweep_entry("risk_alerts", _AFTER_MIDNIGHT, app="oversight"),
    "sweep risk_alerts": _sweep_entry("risk_alerts", _every(CHENGXIN_SWEEP_INTERVAL), app="oversight"),
    # Reactions to steps still pending (a failure after the step's commit): retried (the
    # least tried first), each in its own transaction (casework.services.reactions).
    "process reactions": {
        "task": "workflows.tasks.process_reactions",
        "schedule": _every(60),
        "options": {"expire_seconds": 60},
    },
    # The outbox (exchange.delivery): casework's platform events copied in, every channel
    # delivered with its retries, overdue deliveries alerted.
    "deliver outbox": {
        "task": "exchange.tasks.deliver_outbox",
        "schedule": _every(CHENGXIN_SWEEP_INTERVAL),
        "options": _EXPIRY,
    },
    # Issued notices still without a PDF (a rendering task lost or failed): queued again.
    "render pending notices": {
        "task": "notices.tasks.render_pending",
        "schedule": _every(CHENGXIN_SWEEP_INTERVAL),
        "options": _EXPIRY,
    },
}
