"""The commission dashboard's snapshot (oversight.statistics.snapshot): how often its counts
over every record are refreshed (``CHENGXIN_DASHBOARD_REFRESH_SECONDS``, default 5 minutes).
The page says when they were counted; a day without a refresh yet counts live."""

from celery.schedules import schedule as _every

from .base import env
from .celery import CELERY_BEAT_SCHEDULE as _BEAT_SCHEDULE

CHENGXIN_DASHBOARD_REFRESH_SECONDS = env.int("CHENGXIN_DASHBOARD_REFRESH_SECONDS", default=300)

_BEAT_SCHEDULE["refresh dashboard"] = {
    "task": "oversight.tasks.refresh_dashboard",
    "schedule": _every(CHENGXIN_DASHBOARD_REFRESH_SECONDS),
    "options": {"expire_seconds": CHENGXIN_DASHBOARD_REFRESH_SECONDS},
}
