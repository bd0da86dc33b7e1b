"""The deadline sweeps (ARCHITECTURE §5): what makes time limits act by themselves.

Each sweep is a thin call of set-based domain functions in `casework` (with the notices they
call for, from `notices`; or viewflow's timer dispatcher) for one legal date, returning how
many rows it changed under fixed names. The Celery tasks (workflows.tasks, one per sweep,
scheduled by beat) and `manage.py sweep_deadlines` both go through `run`: the command is the
tasks' code path, run once in process.

The domain functions carry the guarantees: a constant number of queries, idempotent on the
same day (at-least-once delivery), safe with two workers (rows claimed with SKIP LOCKED and
changed by conditional UPDATEs). Nothing here holds a transaction across them: each commits
on its own, so a failing sweep never rolls another one back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import timezone
from viewflow.workflow import timers

from casework import clock
from casework.services import accountability, deadlines, reactions, repair
from casework.services.records import disclosure
from casework.services.rectification import sweeps as rectification_sweeps
from notices import overdue_reminders

Counts = dict[str, int]


def overdue_deadlines(today: dt.date) -> Counts:
    """Handlers' time limits passed yesterday or before: flagged once, audited (scenario 2)."""
    return _flagged("deadlines_overdue", deadlines.deadlines_flag_overdue(today))


def rectification_items(today: dt.date) -> Counts:
    """Scenario 9: items past their deadline are urged, then their 整改逾期催办函 drafted, one
    per order (its own transaction: it catches up any urging still without one); urged items
    past the reminder escalate."""
    return {
        "items_overdue": rectification_sweeps.items_mark_overdue(today),
        "reminders_drafted": overdue_reminders.draft_overdue_reminders(today),
        "items_escalated": rectification_sweeps.items_escalate(today),
    }


def repair_decisions(today: dt.date) -> Counts:
    """Repair applications past their decision (or answer) time limit: flagged once, audited.
    (`repair_overdue` only counts them, which a second run would print again.)"""
    return _flagged("repair_overdue", deadlines.deadlines_flag_overdue(today, kinds=repair.ALL_DEADLINES))


def disclosure_expiry(today: dt.date) -> Counts:
    """T12: EFFECTIVE records past their maximum disclosure period expire."""
    return {"records_expired": disclosure.records_expire_due(today)}


def accountability_releases(today: dt.date) -> Counts:
    return {"sanctions_released": accountability.sanctions_release_due(today)}


def viewflow_timers(today: dt.date) -> Counts:
    """viewflow's own dispatcher (its Celery task is PRO-only): due `flow.Timer` tasks fire.
    Timers are datetimes, not legal dates, so `today` does not apply."""
    return {"timers_fired": timers.fire_due_timers()}


def reactions_cleanup(today: dt.date) -> Counts:
    """The outbox of casework does not grow without end: reactions done long ago go. Their
    age is wall time, not a legal date, so `today` does not apply."""
    return {"reactions_purged": reactions.purge_done()}


def _flagged(name: str, per_kind: dict[str, int]) -> Counts:
    """The total under `name`, then one count per deadline kind (`name.kind`)."""
    return {name: sum(per_kind.values())} | {f"{name}.{kind}": n for kind, n in sorted(per_kind.items())}


#: In the order `manage.py sweep_deadlines` runs them: the specific sweeps before the generic
#: overdue marker (which flags whatever they leave). The platform events they emit are
#: delivered by the exchange app's own beat task (exchange.tasks.deliver_outbox).
SWEEPS: dict[str, Callable[[dt.date], Counts]] = {
    "rectification": rectification_items,
    "repair_decisions": repair_decisions,
    "overdue_deadlines": overdue_deadlines,
    "disclosure_expiry": disclosure_expiry,
    "accountability_releases": accountability_releases,
    "reactions_cleanup": reactions_cleanup,
    "viewflow_timers": viewflow_timers,
}


def run(name: str, today: dt.date | str | None = None) -> Counts:
    """Run one sweep for `today` (default: casework.clock.today(), the legal date now)."""
    return SWEEPS[name](_legal_date(today))


def note_run_outside_beat(names: Iterable[str]) -> int:
    """Mark beat's entries of the sweeps `names` as run now, after they ran in this process
    (a freshly seeded demo): the system page reads when beat last ran a sweep, and beat
    counts each entry's next run from it. The entries are made as beat makes them when it
    starts (django_celery_beat's `ModelEntry.from_entry`, which keeps `last_run_at`).
    Returns how many entries were marked."""
    from celery import current_app
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    tasks = {f"workflows.tasks.sweep_{name}" for name in names}
    entries = [name for name, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] in tasks]
    for name in entries:
        ModelEntry.from_entry(name, app=current_app, **settings.CELERY_BEAT_SCHEDULE[name])
    return PeriodicTask.objects.filter(name__in=entries).update(last_run_at=timezone.now())


def _legal_date(today: dt.date | str | None) -> dt.date:
    if today is None:
        return clock.today()
    return today if isinstance(today, dt.date) else dt.date.fromisoformat(today)
