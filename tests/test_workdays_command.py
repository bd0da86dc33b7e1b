"""`manage.py workdays DATE +N{wd|d|m} [--no-roll]`: the result is on the last line (DOMAIN §7, §10)."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework import rules
from casework.models import DeadlineRule, Tier

pytestmark = pytest.mark.django_db

FIXTURE_2027 = Path(__file__).parent / "fixtures" / "holidays-2027.json"


def workdays(*args) -> list[str]:
    out = io.StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().splitlines()


def rule_args(code: str) -> list[str]:
    """The spec of a DeadlineRule row as the command takes it."""
    rule = DeadlineRule.objects.get(code=code)
    return [f"+{rule.amount}{rule.unit}"] + ([] if rule.roll_forward else ["--no-roll"])


def load_2027() -> None:
    call_command("load_holidays", str(FIXTURE_2027), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2026-09-28", "+10wd"], "2026-10-16"),
        (["2026-09-01", "+30d"], "2026-10-08"),
        (["2026-01-31", "+1m"], "2026-02-28"),
    ],
)
def test_it_prints_the_examples_of_the_brief_on_the_last_line(args, expected):
    assert workdays(*args)[-1] == expected


def test_an_adjusted_saturday_counts(db):
    """Scenario 1: 3 WD from Thu 2026-02-12 → Tue 2026-02-24."""
    assert workdays("2026-02-12", "+3wd")[-1] == "2026-02-24"


@pytest.mark.parametrize(
    ("code", "start", "expected"),
    [
        ("objection_accept", "2026-09-24", "2026-09-29"),  # scenario 2
        ("objection_decide", "2026-09-28", "2026-10-16"),  # scenario 2
        ("defence_window", "2026-04-30", "2026-05-11"),  # scenario 3
        ("rectification", "2026-09-01", "2026-10-08"),  # scenario 8
    ],
)
def test_the_deadline_rules_give_the_scenario_dates(code, start, expected):
    """Scenarios 2, 3 and 8 with the amounts of the DeadlineRule table."""
    assert workdays(start, *rule_args(code))[-1] == expected


def test_a_rolled_deadline_says_why_it_moved():
    """Scenario 8: the raw day 2026-10-01 is 国庆, so the deadline moves to 2026-10-08."""
    lines = workdays("2026-09-01", "+30d")
    assert any("2026-10-01" in line and "国庆节" in line for line in lines[:-1])
    assert any("顺延" in line and "2026-10-08" in line for line in lines[:-1])


@pytest.mark.parametrize(
    ("tier", "determined", "min_end", "max_end"),
    [
        (Tier.GENERAL, "2026-01-15", "2026-04-15", "2027-01-15"),  # scenario 13
        (Tier.SERIOUS, "2026-03-10", "2027-03-10", "2029-03-10"),  # scenario 14
    ],
)
def test_disclosure_periods_do_not_roll(tier, determined, min_end, max_end):
    """Scenarios 13 and 14, with the months of the DisclosureRule row in force."""
    rule = rules.disclosure_rule(tier, dt.date.fromisoformat(determined))
    assert workdays(determined, f"+{rule.min_months}m", "--no-roll")[-1] == min_end
    assert workdays(determined, f"+{rule.max_months}m", "--no-roll")[-1] == max_end


def test_no_roll_keeps_a_saturday_that_rolling_would_move():
    """Scenario 14: auto-stop after Sat 2029-03-10; rolled, the same period would be an estimate."""
    assert workdays("2026-03-10", "+36m", "--no-roll")[-1] == "2029-03-10"
    assert workdays("2026-03-10", "+36m")[-1] == "2029-03-12 provisional"


def test_a_review_window_ending_in_the_spring_festival_rolls():
    """Scenario 21: 30 days from 2026-01-20 → 02-19 (春节) → 2026-02-24."""
    assert workdays("2026-01-20", "+30d")[-1] == "2026-02-24"


def test_a_month_ending_on_an_adjusted_working_saturday_does_not_roll():
    """Scenario 22: 1 month from 2026-01-31 → 2026-02-28, a 调休 working Saturday."""
    lines = workdays("2026-01-31", "+1m")
    assert lines[-1] == "2026-02-28"
    assert not any("顺延" in line for line in lines)


def test_a_result_in_an_unloaded_year_is_provisional_until_the_year_is_loaded():
    """Scenario 23: 2 WD from 2026-12-30 needs 2027; after the 2027 file is loaded the
    same command prints the date without `provisional`."""
    lines = workdays("2026-12-30", "+2wd")
    assert lines[-1] == "2027-01-04 provisional"
    assert any("2027 年的官方放假安排尚未载入" in line for line in lines[:-1])
    load_2027()
    assert workdays("2026-12-30", "+2wd")[-1] == "2027-01-04"


def test_loading_the_year_changes_an_estimate_that_missed_the_spring_festival():
    """Scenario 23: the estimate does not know 2027's 春节 (2-5..2-13 in the fixture); the
    loaded arrangement moves 1 WD from Thu 2027-02-04 from Fri 2-5 to Mon 2-15."""
    assert workdays("2027-02-04", "+1wd")[-1] == "2027-02-05 provisional"
    load_2027()
    assert workdays("2027-02-04", "+1wd")[-1] == "2027-02-15"


@pytest.mark.parametrize("bad", ["2026-02-30", "2026/09/28", "tomorrow", "20260928"])
def test_it_refuses_a_bad_date(bad):
    with pytest.raises(CommandError, match=f"日期“{bad}”无效，应为 YYYY-MM-DD"):
        workdays(bad, "+1wd")


@pytest.mark.parametrize("bad", ["+10w", "10days", "+wd", "+1.5m", "+1 d"])
def test_it_refuses_a_bad_spec(bad):
    with pytest.raises(CommandError, match="无效，应为 \\+N 加单位"):
        workdays("2026-09-28", bad)


@pytest.mark.parametrize("bad", ["+0wd", "+3661d", "+1201m"])
def test_it_refuses_a_spec_out_of_range(bad):
    with pytest.raises(CommandError, match="超出范围"):
        workdays("2026-09-28", bad)
