"""Celery tasks of the workflows app (autodiscover_tasks() imports only `<app>/tasks.py`).

The sweeps run from beat (CELERY_BEAT_SCHEDULE, config/settings/celery.py), one task per kind,
each a call of `workflows.sweeps.run` that returns its counts. Delivery is at least once
(acks_late): a sweep run twice, or by two workers at once, changes each row once, because
the domain functions claim rows with SKIP LOCKED and conditional UPDATEs. `today` (ISO date)
is for a manual re-run of a past day; beat sends none, so the legal date is taken when the
task runs, not when it was queued.

`process_reactions` retries what steps cause beyond casework (casework.services.reactions)
where the reaction after the step's commit failed or never ran.
"""

from celery import shared_task

from casework.services import reactions

from . import sweeps

# A sweep past its soft limit raises inside its transaction, which rolls back; the next run
# redoes the work. The hard limit (prefork pool only; the solo pool of `make run` has none)
# stops a stuck one. Both stay under the interval, so runs do not pile up.
SWEEP_OPTIONS = {"soft_time_limit": 240, "time_limit": 270}


@shared_task
def ping() -> str:
    """Health check: proves a message went through the broker to a worker and back. Touches nothing."""
    return "pong"


@shared_task(**SWEEP_OPTIONS)
def sweep_overdue_deadlines(today: str | None = None) -> dict[str, int]:
    return sweeps.run("overdue_deadlines", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_rectification(today: str | None = None) -> dict[str, int]:
    return sweeps.run("rectification", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_repair_decisions(today: str | None = None) -> dict[str, int]:
    return sweeps.run("repair_decisions", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_disclosure_expiry(today: str | None = None) -> dict[str, int]:
    return sweeps.run("disclosure_expiry", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_accountability_releases(today: str | None = None) -> dict[str, int]:
    return sweeps.run("accountability_releases", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_reactions_cleanup(today: str | None = None) -> dict[str, int]:
    return sweeps.run("reactions_cleanup", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_sync_delivery(today: str | None = None) -> dict[str, int]:
    return sweeps.run("sync_delivery", today)


@shared_task(**SWEEP_OPTIONS)
def sweep_viewflow_timers(today: str | None = None) -> dict[str, int]:
    return sweeps.run("viewflow_timers", today)


@shared_task(soft_time_limit=50, time_limit=55)
def process_reactions() -> int:
    """Retry the reactions to steps still pending (a failure, or a worker that died after
    the commit): run by beat every minute. Returns how many were done; a reaction that
    fails again fails the task (and is tried after the others next time)."""
    return reactions.retry()
