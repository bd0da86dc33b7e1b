"""What the figures count: the user's visible records (casework.permissions), narrowed by the
statistics page's filters.

The period selects records by the day their lead was received (`received_on`); every figure
counts things about the selected records (their time limits, objections, repair applications,
alerts), so one filter means the same on every figure. A unit is the subject unit, or the
civil servant's unit for a person's record. No period: every record (the dashboard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from casework.models import Record
from casework.permissions import visible_records

#: How many months the trend shows when no period is chosen.
TREND_MONTHS = 12
#: The longest trend drawn: a longer period shows its last months.
MAX_TREND_MONTHS = 60


@dataclass(frozen=True)
class Scope:
    today: dt.date
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit_id: int | None = None
    category: str = ""
    tier: str = ""

    @property
    def narrows_records(self) -> bool:
        """Whether anything but the unit narrows the records (alerts read it: see figures)."""
        return bool(self.date_from or self.date_to or self.category or self.tier)


def unit_of_record(prefix: str = "") -> Coalesce:
    """The unit a record is about: its subject unit, or the civil servant's unit."""
    return Coalesce(f"{prefix}subject_organisation_id", f"{prefix}subject_person__unit_id")


def unit_name_of_record(prefix: str = "") -> Coalesce:
    return Coalesce(f"{prefix}subject_organisation__name", f"{prefix}subject_person__unit__name")


def records(*, user, scope: Scope) -> QuerySet[Record]:
    """The user's records in scope (a lazy queryset: figures use it as a subquery)."""
    rows = visible_records(user)
    if scope.date_from:
        rows = rows.filter(received_on__gte=scope.date_from)
    if scope.date_to:
        rows = rows.filter(received_on__lte=scope.date_to)
    if scope.unit_id:
        rows = rows.filter(
            Q(subject_organisation_id=scope.unit_id) | Q(subject_person__unit_id=scope.unit_id)
        )
    if scope.category:
        rows = rows.filter(category=scope.category)
    if scope.tier:
        rows = rows.filter(tier=scope.tier)
    return rows


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def trend_months(scope: Scope) -> list[dt.date]:
    """The months the trend shows: the period's (its last MAX_TREND_MONTHS at most), or the
    last TREND_MONTHS up to today's month."""
    last = month_start(scope.date_to or scope.today)
    if scope.date_from:
        first = max(month_start(scope.date_from), month_start(last, MAX_TREND_MONTHS - 1))
    else:
        first = month_start(last, TREND_MONTHS - 1)
    months, day = [], first
    while day <= last:
        months.append(day)
        day = month_start(day, -1)
    return months
