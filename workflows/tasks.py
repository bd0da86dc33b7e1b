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


def _sweep_task(name: str):
    """The task `workflows.tasks.sweep_<name>` that runs one sweep of sweeps.SWEEPS."""

    def sweep(today: str | None = None) -> dict[str, int]:
        return sweeps.run(name, today)

    sweep.__name__ = sweep.__qualname__ = f"sweep_{name}"
    return shared_task(name=f"{__name__}.{sweep.__name__}", **SWEEP_OPTIONS)(sweep)


# Named one by one so that callers (and readers) find each task here.
sweep_overdue_deadlines = _sweep_task("overdue_deadlines")
sweep_rectification = _sweep_task("rectification")
sweep_repair_decisions = _sweep_task("repair_decisions")
sweep_disclosure_expiry = _sweep_task("disclosure_expiry")
sweep_accountability_releases = _sweep_task("accountability_releases")
sweep_reactions_cleanup = _sweep_task("reactions_cleanup")
sweep_viewflow_timers = _sweep_task("viewflow_timers")


@shared_task(soft_time_limit=50, time_limit=55)
def process_reactions() -> int:
    """Retry the reactions to steps still pending (a failure, or a worker that died after
    the commit): run by beat every minute. Returns how many were done; a reaction that
    fails again fails the task (and is tried after the others next time)."""
    return reactions.retry()
