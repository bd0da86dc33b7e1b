"""casework.calendar: working days, month arithmetic, roll-forward and provisional results (DOMAIN §7)."""

import datetime as dt

import pytest

from casework import calendar, rules
from casework.calendar import DueDate, WorkCalendar, add_months_plain
from casework.models import CalendarDay, CalendarYear, DeadlineRule, Tier

D = dt.date


# Month arithmetic ─────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # scenario 22: no 31st in February
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year's last day
        (D(2026, 3, 31), 6, D(2026, 9, 30)),  # scenario 19: 警告 period, month-end rule
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year end
        (D(2026, 8, 31), 18, D(2028, 2, 29)),  # 记大过 18 months landing on a leap day
        (D(2026, 1, 15), 12, D(2027, 1, 15)),  # scenario 13: the corresponding day a year on
    ],
)
def test_a_month_period_ends_on_the_corresponding_day_or_the_months_last_day(start, months, expected):
    """DOMAIN §7 rule 3 (S28 Art 202)."""
    assert add_months_plain(start, months) == expected


# Working days ─────────────────────────────────────────────────────────────────────
def test_it_counts_an_adjusted_saturday_as_a_working_day(db):
    """Scenario 1: received Thu 2026-02-12, 3 WD → Tue 2026-02-24 (Sat 2-14 is 调休 WD2)."""
    cal = calendar.current()
    assert cal.is_workday(D(2026, 2, 14))
    assert cal.add_working_days(D(2026, 2, 12), 2) == DueDate(D(2026, 2, 14))
    assert cal.add_working_days(D(2026, 2, 12), 3) == DueDate(D(2026, 2, 24))


def test_counting_starts_the_day_after_the_trigger():
    """DOMAIN §7 rule 2 (S28 Art 201): the trigger day is not counted, even when it is a working day."""
    cal = WorkCalendar({}, {2026})
    assert cal.add_working_days(D(2026, 3, 9), 1) == DueDate(D(2026, 3, 10))  # Mon → Tue
    assert cal.add_working_days(D(2026, 3, 6), 1) == DueDate(D(2026, 3, 9))  # Fri → Mon


def test_a_trigger_inside_a_holiday_counts_from_the_first_working_day_after_it(db):
    """National Day 2026 runs 10-1..10-7; Sat 10-10 is a 调休 working day."""
    cal = calendar.current()
    assert cal.add_working_days(D(2026, 10, 1), 1) == DueDate(D(2026, 10, 8))
    assert cal.add_working_days(D(2026, 10, 1), 3) == DueDate(D(2026, 10, 10))


def test_a_calendar_day_period_rolls_forward_only_when_asked(db):
    """Scenario 8: 30 days from Tue 2026-09-01 → 10-01 (国庆) → Thu 2026-10-08 for an action
    deadline; a status duration keeps the raw day (DOMAIN §7 rule 4)."""
    cal = calendar.current()
    assert cal.add_days(D(2026, 9, 1), 30, roll=False) == DueDate(D(2026, 10, 1))
    assert cal.add_days(D(2026, 9, 1), 30) == DueDate(D(2026, 10, 8))


def test_a_review_window_ending_in_the_spring_festival_rolls_to_the_next_working_day(db):
    """Scenario 21: 公务员法 复核, 30 days from 2026-01-20 → 02-19 (春节) → 2026-02-24."""
    assert calendar.current().add_days(D(2026, 1, 20), 30) == DueDate(D(2026, 2, 24))


def test_a_month_period_ending_on_an_adjusted_working_saturday_does_not_roll(db):
    """Scenario 22: 1 month from 2026-01-31 → Sat 2026-02-28, a 调休 working day."""
    assert calendar.current().add_months(D(2026, 1, 31), 1) == DueDate(D(2026, 2, 28))


def test_a_month_period_ending_on_a_holiday_rolls_forward(db):
    """Scenario 20: 1 month from Tue 2026-09-01 → 10-01 (国庆) → 2026-10-08."""
    assert calendar.current().add_months(D(2026, 9, 1), 1) == DueDate(D(2026, 10, 8))


def test_a_roll_forward_crosses_a_whole_holiday_run(db):
    assert calendar.current().roll_forward(D(2026, 10, 3)) == DueDate(D(2026, 10, 8))


# Provisional results ──────────────────────────────────────────────────────────────
def test_a_count_that_reaches_an_unloaded_year_is_provisional(db):
    """Scenario 23: 2 WD from Wed 2026-12-30 needs 2027, which is not loaded."""
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert calendar.current().add_working_days(D(2026, 12, 30), 2) == DueDate(D(2027, 1, 4), True)


def test_a_count_that_stays_inside_loaded_years_is_not_provisional(db):
    assert calendar.current().add_working_days(D(2026, 12, 28), 2) == DueDate(D(2026, 12, 30), False)


def test_a_roll_forward_into_an_unloaded_year_is_provisional(db):
    """30 days from 2026-12-02 → Fri 2027-01-01: rolling it needs the 2027 arrangement."""
    assert calendar.current().add_days(D(2026, 12, 2), 30) == DueDate(D(2027, 1, 4), True)


def test_a_status_duration_into_an_unloaded_year_is_not_provisional(db):
    """Scenario 14: a 严重 record's auto-stop day 2029-03-10 (a Saturday) needs no calendar,
    so it is final; the same period rolled would be an estimate."""
    cal = calendar.current()
    assert cal.add_months(D(2026, 3, 10), 36, roll=False) == DueDate(D(2029, 3, 10), False)
    assert cal.add_months(D(2026, 3, 10), 36) == DueDate(D(2029, 3, 12), True)


def test_an_unloaded_year_estimates_the_fixed_date_holidays_as_rest_days():
    """DOMAIN §7 rule 6: 元旦, 劳动节 and 国庆 have fixed dates; the lunar holidays and 调休
    are unknown until the yearly notice, so 2027-02-08 (春节 in fact) counts as a working day."""
    cal = WorkCalendar({}, {2026})
    assert not cal.is_workday(D(2027, 1, 1))  # Friday, 元旦
    assert not cal.is_workday(D(2027, 10, 1))  # Friday, 国庆
    assert cal.is_workday(D(2027, 10, 4))  # Monday: its 补休 is not known yet
    assert cal.is_workday(D(2027, 2, 8))  # Monday, 春节 in fact
    assert cal.add_working_days(D(2027, 9, 30), 1) == DueDate(D(2027, 10, 4), True)


def test_a_loaded_year_trusts_its_table_instead_of_the_estimate():
    """Once a year is official only its table counts, which is why a load must be a whole year."""
    assert WorkCalendar({}, {2027}).is_workday(D(2027, 10, 1))
    assert not WorkCalendar({D(2027, 10, 1): False}, {2027}).is_workday(D(2027, 10, 1))


def test_the_snapshot_sees_a_day_changed_in_the_table(db):
    """calendar.current() caches the tables but notices a change made since."""
    assert calendar.current().is_workday(D(2026, 3, 9))
    CalendarDay.objects.create(date=D(2026, 3, 9), year_id=2026, is_workday=False, name="测试")
    assert not calendar.current().is_workday(D(2026, 3, 9))


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unknown unit"):
        WorkCalendar({}, {2026}).add(D(2026, 1, 5), 1, "y")


# The rule table ───────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("code", "start", "expected"),
    [
        ("objection_accept", D(2026, 9, 24), D(2026, 9, 29)),  # scenario 2
        ("objection_decide", D(2026, 9, 28), D(2026, 10, 16)),  # scenario 2, Sat 10-10 counts
        ("defence_window", D(2026, 4, 30), D(2026, 5, 11)),  # scenario 3, Sat 5-9 counts
        ("withdraw_display", D(2026, 6, 17), D(2026, 6, 23)),  # scenario 6, 6-19 端午
        ("rectification", D(2026, 9, 1), D(2026, 10, 8)),  # scenario 8, rolled
        ("overdue_reminder", D(2026, 10, 9), D(2026, 10, 22)),  # scenario 9
        ("repair_decide", D(2026, 6, 17), D(2026, 6, 23)),  # scenario 16
        ("repair_answer", D(2026, 6, 17), D(2026, 7, 2)),  # scenario 16
    ],
)
def test_the_deadline_rules_give_the_scenario_dates(db, code, start, expected):
    """DOMAIN §10 scenarios 2, 3, 6, 8, 9, 16 with the amounts of the DeadlineRule table."""
    rule = DeadlineRule.objects.get(code=code)
    assert calendar.add(start, rule.amount, rule.unit, roll=rule.roll_forward) == DueDate(expected)


@pytest.mark.parametrize(
    ("tier", "determined", "min_end", "max_end"),
    [
        (Tier.GENERAL, D(2026, 1, 15), D(2026, 4, 15), D(2027, 1, 15)),  # scenario 13
        (Tier.SERIOUS, D(2026, 3, 10), D(2027, 3, 10), D(2029, 3, 10)),  # scenario 14
    ],
)
def test_the_disclosure_rules_give_periods_that_do_not_roll(db, tier, determined, min_end, max_end):
    """Scenarios 13 and 14: the periods of the DisclosureRule row in force, month-end rule, no roll."""
    rule = rules.disclosure_rule(tier, determined)
    assert add_months_plain(determined, rule.min_months) == min_end
    assert add_months_plain(determined, rule.max_months) == max_end
