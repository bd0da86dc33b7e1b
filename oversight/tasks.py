"""Celery tasks of the oversight app (autodiscover_tasks() imports `<app>/tasks.py`).

Scheduled by beat (CELERY_BEAT_SCHEDULE, config/settings/celery.py) like the deadline sweeps
of workflows.tasks: at-least-once delivery is harmless, the sweep being idempotent on the same
day. `today` (ISO date) is for a manual re-run of a past day; beat sends none.
"""

from celery import shared_task

from workflows.tasks import SWEEP_OPTIONS

from . import sweeps
from .statistics import snapshot


@shared_task(name="oversight.tasks.sweep_risk_alerts", **SWEEP_OPTIONS)
def sweep_risk_alerts(today: str | None = None) -> dict[str, int]:
    return sweeps.run(today)


@shared_task(name="oversight.tasks.refresh_dashboard", soft_time_limit=600, time_limit=660)
def refresh_dashboard() -> str:
    """Recount the commission dashboard's figures over every record (statistics.snapshot)."""
    return str(snapshot.refresh().taken_at)
