"""Deadline arithmetic in Chinese working days and calendar periods (DOMAIN §7).

Every deadline in Chengxin is computed here, from the `CalendarYear`/`CalendarDay` tables
(seeded from `chinesecalendar`, loadable for later years). A result that needs a year
with no official arrangement is an estimate: weekends and the fixed-date statutory
holidays are rest days, the lunar holidays and 调休 are unknown. Such a result is marked
`provisional` and is recomputed when the year is loaded (see `recompute_provisional`).
"""

from __future__ import annotations

import calendar as _stdcal
import contextvars
import datetime as dt
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

# 《全国年节及纪念日放假办法》(2024): the Gregorian-dated holidays, known in advance.
_FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool = False

    def __str__(self) -> str:
        return self.date.isoformat() + (" provisional" if self.provisional else "")


class WorkCalendar:
    """An in-memory snapshot of the holiday tables."""

    def __init__(self, overrides: dict[dt.date, bool], official_years: set[int]):
        self._overrides = overrides
        self.official_years = official_years

    def is_official(self, day: dt.date) -> bool:
        return day.year in self.official_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self._overrides:
            return self._overrides[day]
        if not self.is_official(day) and (day.month, day.day) in _FIXED_HOLIDAYS:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> DueDate:
        """N working days, counted from the day after `start` (S28 Art 201; 调休 days count)."""
        day, counted, provisional = start, 0, False
        while counted < n:
            day += dt.timedelta(days=1)
            provisional |= not self.is_official(day)
            if self.is_workday(day):
                counted += 1
        return DueDate(day, provisional)

    def roll_forward(self, day: dt.date) -> DueDate:
        """A last day that is a rest day moves to the next working day (S28 Art 203)."""
        provisional = not self.is_official(day)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
            provisional |= not self.is_official(day)
        return DueDate(day, provisional)

    def add_days(self, start: dt.date, n: int, *, roll: bool = True) -> DueDate:
        end = start + dt.timedelta(days=n)
        return self.roll_forward(end) if roll else DueDate(end)

    def add_months(self, start: dt.date, n: int, *, roll: bool = True) -> DueDate:
        end = add_months_plain(start, n)
        return self.roll_forward(end) if roll else DueDate(end)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (调休 days count)."""
        return sum(self.is_workday(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))

    def add(self, start: dt.date, amount: int, unit: str, *, roll: bool = True) -> DueDate:
        if unit == "wd":
            return self.add_working_days(start, amount)
        if unit == "d":
            return self.add_days(start, amount, roll=roll)
        if unit == "m":
            return self.add_months(start, amount, roll=roll)
        raise ValueError(f"unknown unit {unit!r}")


def working_days_left(on: dt.date, today: dt.date, *, work: WorkCalendar | None = None) -> int:
    """How many working days are left until `on`, the one unit every page counts "days left" in;
    negative: how many have passed since. `work`: the calendar a page already read."""
    work = work or current()
    return work.working_days_between(today, on) if on >= today else -work.working_days_between(on, today)


def add_months_plain(start: dt.date, n: int) -> dt.date:
    """The corresponding day N months later, or that month's last day (S28 Art 202).

    A status duration (disclosure period, 处分期) uses this directly: no roll-forward.
    """
    month_index = start.month - 1 + n
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))


_cache_lock = threading.Lock()
_cache: tuple[tuple, WorkCalendar] | None = None
#: Inside `pinned()`: the snapshot read first, reused (a one-item list, filled on first use).
_pinned: contextvars.ContextVar[list | None] = contextvars.ContextVar("calendar_pinned", default=None)


@contextmanager
def pinned():
    """Read the stored calendar at most once inside the block: a page counting the days left
    of fifty rows asks whether the calendar changed once, not fifty times. For blocks that
    do not write the calendar (a page that is only read), or they would not see their write."""
    token = _pinned.set([])
    try:
        yield
    finally:
        _pinned.reset(token)


def _stamp(years: str, days: str) -> tuple:
    """How many years and days are stored, and when a year was last loaded: one query, asked
    on every page that counts working days."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {years}), (SELECT MAX(loaded_at) FROM {years}), "
            f"(SELECT COUNT(*) FROM {days})"
        )
        return tuple(cursor.fetchone())


def current() -> WorkCalendar:
    """The calendar as stored now; one cheap query tells whether the snapshot is stale,
    so a year loaded in another process is seen by this one too."""
    held = _pinned.get()
    if held:
        return held[0]
    snapshot = _stored()
    if held is not None:
        held.append(snapshot)
    return snapshot


def _stored() -> WorkCalendar:
    global _cache
    from .models import CalendarDay, CalendarYear

    stamp = _stamp(CalendarYear._meta.db_table, CalendarDay._meta.db_table)
    with _cache_lock:
        if _cache is not None and _cache[0] == stamp:
            return _cache[1]
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    snapshot = WorkCalendar(overrides, official)
    with _cache_lock:
        _cache = (stamp, snapshot)
    return snapshot


def add(start: dt.date, amount: int, unit: str, *, roll: bool = True) -> DueDate:
    return current().add(start, amount, unit, roll=roll)


def add_working_days(start: dt.date, n: int) -> DueDate:
    return current().add_working_days(start, n)


def add_days(start: dt.date, n: int, *, roll: bool = True) -> DueDate:
    return current().add_days(start, n, roll=roll)


def add_months(start: dt.date, n: int, *, roll: bool = True) -> DueDate:
    return current().add_months(start, n, roll=roll)


def recompute_provisional() -> list:
    """Recompute every open provisional deadline with the calendar as it is now.

    Returns the deadlines that changed (date or provisional flag).
    """
    from .models import Deadline
    from .models.records import DeadlineStatus

    cal = current()
    changed = []
    with transaction.atomic():
        for deadline in Deadline.objects.select_for_update().filter(
            provisional=True, status=DeadlineStatus.OPEN
        ):
            due = cal.add(
                deadline.start_on,
                deadline.amount,
                deadline.unit,
                roll=deadline.roll_forward,
            )
            if (due.date, due.provisional) != (deadline.due_on, deadline.provisional):
                deadline.due_on, deadline.provisional = due.date, due.provisional
                deadline.save(update_fields=["due_on", "provisional"])
                changed.append(deadline)
    return changed
