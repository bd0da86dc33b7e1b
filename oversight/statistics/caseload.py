"""The commission's caseload: the user's cases with where each one stands on its time limits,
and the dashboard's counts (the workbench's list and board, and the snapshot the beat task
keeps of them). Everything starts from casework.queries, already scoped to the user;
deadlines are only those the user may see (`visible_deadlines`), so a unit never learns of
a time limit running on work still internal to the commission.

- 在办 (open): a case not yet decided (线索 … 已认定) or with a time limit still running.
- 已逾期 (overdue): an open time limit whose last day has passed. The subject's own windows
  (to defend, to appeal) are left out: their passing is nobody's delay (as for the sweep).
- 近期到期 (due soon): an open time limit ending within the next five working days (the
  Chinese working-day calendar, with its 调休 days), today included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from casework import calendar, rules
from casework.lifecycle import RECORD_IN_PROGRESS
from casework.models import Organisation, Record
from casework.queries import record_list, visible_deadlines

SOON_WORKING_DAYS = 5
#: How many units the dashboard lists, busiest first.
TOP_UNITS = 12


def soon_until(today: dt.date) -> dt.date:
    return calendar.add_working_days(today, SOON_WORKING_DAYS).date


def _running(user, today: dt.date) -> QuerySet:
    """The user's open time limits still ahead of someone: a window that closed is over."""
    return visible_deadlines(user).filter(
        rules.running(today),
        record=OuterRef("pk"),
    )


def cases(*, user, today: dt.date) -> QuerySet[Record]:
    """The user's cases, each with `next_due`/`next_due_label` (its earliest running time
    limit), `overdue`, `due_soon` and `is_open` (see above), and `unit_id` (the subject
    unit, or the civil servant's unit)."""
    running = _running(user, today)
    earliest = running.order_by("due_on", "pk")
    late = running.filter(rules.overdue(today))
    return (
        record_list(user=user)
        .select_related("subject_person__unit")
        .annotate(
            next_due=Subquery(earliest.values("due_on")[:1]),
            next_due_label=Subquery(earliest.values("label")[:1]),
            overdue=Exists(late),
            due_soon=Exists(running.filter(due_on__gte=today, due_on__lte=soon_until(today))),
            has_running=Exists(running),
            unit_id=Coalesce("subject_organisation_id", "subject_person__unit_id"),
        )
        .annotate(is_open=Q(state__in=RECORD_IN_PROGRESS) | Q(has_running=True))
    )


#: The dashboard's counts, each one a value of the case list's `progress` filter.
PROGRESS = {"open": Q(is_open=True), "overdue": Q(overdue=True), "due_soon": Q(due_soon=True)}


@dataclass(frozen=True)
class UnitCounts:
    unit: Organisation
    open: int
    overdue: int
    due_soon: int


@dataclass(frozen=True)
class Dashboard:
    open: int
    overdue: int
    due_soon: int
    soon_until: dt.date
    units: list[UnitCounts]
    more_units: int  # units with open cases left out of `units`


def dashboard(*, user, today: dt.date) -> Dashboard:
    # One count per measure: a conditional aggregate over the Exists annotations would be
    # wrapped in a subquery that drops them (Django), and count nothing.
    rows = cases(user=user, today=today)
    totals = {name: rows.filter(condition).count() for name, condition in PROGRESS.items()}
    per_unit: dict[int, dict[str, int]] = {}
    for name, condition in PROGRESS.items():
        for row in rows.filter(condition).order_by().values("unit_id").annotate(n=Count("pk")):
            per_unit.setdefault(row["unit_id"], dict.fromkeys(PROGRESS, 0))[name] = row["n"]
    busiest = sorted(
        (u for u in per_unit if per_unit[u]["open"]), key=lambda u: (-per_unit[u]["open"], u or 0)
    )
    names = Organisation.objects.in_bulk([u for u in busiest[:TOP_UNITS] if u])
    units = [UnitCounts(names[u], **per_unit[u]) for u in busiest[:TOP_UNITS] if u in names]
    return Dashboard(
        **totals, soon_until=soon_until(today), units=units, more_units=max(len(busiest) - TOP_UNITS, 0)
    )
