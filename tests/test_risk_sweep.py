"""The daily risk sweep (oversight.sweeps): run by `manage.py sweep_deadlines` after the deadline
sweeps and by its beat task; twice on the same day raises each alert once, and an alert
resolves by itself when its cause goes away (the rectification is submitted, the deadline
moves)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from casework.models import Record
from casework.services import rectification as rect
from casework.services.rectification import extension
from config.celery import app as celery_app
from oversight import sweeps, tasks
from oversight.models import AlertState, RiskAlert, RiskRule
from workflows import sweeps as deadline_sweeps

from . import rectification_steps
from .factories import LeadFactory
from .sweep_cases import served_rectification

pytestmark = pytest.mark.django_db


def sweep_deadlines(today: str) -> dict[str, dict[str, int]]:
    """Run the command; its counts per sweep."""
    out = io.StringIO()
    call_command("sweep_deadlines", f"--today={today}", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"到期处理 {today}"
    counts = {}
    for line in lines[1:]:
        name, pairs = line.split(": ", 1)
        counts[name] = {key: int(n) for key, n in (pair.split("=") for pair in pairs.split())}
    return counts


def active(rule: str) -> list[RiskAlert]:
    return list(RiskAlert.objects.filter(rule_id=rule, state__in=["open", "acknowledged"]))


@pytest.fixture
def order(officer, approver, unit, settings):
    """Two items served 2026-09-01, due Thu 2026-10-08: within 3 working days from Mon 09-28."""
    settings.CHENGXIN_TODAY = "2026-09-01"
    return served_rectification(officer=officer, approver=approver, unit=unit, items=2)


def test_the_command_runs_the_deadline_sweeps_then_the_risk_alerts_and_twice_raises_each_alert_once(order):
    first = sweep_deadlines("2026-09-28")
    assert list(first) == [*deadline_sweeps.SWEEPS, "risk_alerts"]
    assert first["risk_alerts"]["rectification_due.raised"] == 2
    assert first["risk_alerts"]["raised"] >= 2  # the other rules' too (a unit's quarterly reports)

    again = sweep_deadlines("2026-09-28")
    assert again["risk_alerts"]["raised"] == 0 and again["risk_alerts"]["resolved"] == 0
    assert len(active("rectification_due")) == 2
    assert RiskAlert.objects.filter(rule_id="rectification_due").count() == 2


def test_the_task_twice_on_the_same_day_raises_each_alert_once(order, settings):
    settings.CHENGXIN_TODAY = "2026-09-28"
    first = tasks.sweep_risk_alerts.delay().get()
    assert first["rectification_due.raised"] == 2
    assert tasks.sweep_risk_alerts.delay().get()["raised"] == 0
    assert tasks.sweep_risk_alerts.delay(today="2026-09-28").get()["raised"] == 0
    [alert, _other] = active("rectification_due")
    assert (alert.level, alert.owner_role, alert.raised_on) == (
        "yellow",
        "unit_liaison",
        dt.date(2026, 9, 28),
    )
    assert alert.due_on == dt.date(2026, 10, 8)


def test_the_alerts_resolve_when_the_rectification_is_submitted(
    order, officer, approver, liaison, head, settings
):
    sweeps.run("2026-09-28")
    assert len(active("rectification_due")) == 2

    settings.CHENGXIN_TODAY = "2026-09-29"
    rectification_steps.add_evidence(liaison, order)
    rect.rectification_sign_off(acting_user=head, rectification_id=order.pk, declaration=True)
    rect.rectification_submit(acting_user=liaison, rectification_id=order.pk, truth_declared=True)

    counts = sweeps.run("2026-09-29")
    assert (counts["rectification_due.raised"], counts["rectification_due.resolved"]) == (0, 2)
    assert active("rectification_due") == []
    assert set(
        RiskAlert.objects.filter(rule_id="rectification_due").values_list("state", "closed_on", "reason")
    ) == {(AlertState.RESOLVED, dt.date(2026, 9, 29), "预警原因已消除。")}


def test_an_alert_resolves_when_its_deadline_moves_out_of_the_window(order, approver, liaison, settings):
    settings.CHENGXIN_TODAY = "2026-09-28"
    sweeps.run("2026-09-28")
    item = order.items.order_by("number").first()
    request = extension.rectification_request_extension(
        acting_user=liaison, item_id=item.pk, days=20, reason="需要更多时间"
    )
    extension.rectification_decide_extension(acting_user=approver, request_id=request.pk, approve=True)

    counts = sweeps.run("2026-09-28")
    assert (counts["rectification_due.raised"], counts["rectification_due.resolved"]) == (0, 1)
    [still] = active("rectification_due")
    assert f"第 {item.number} 项" not in still.summary


def test_a_disabled_rule_raises_nothing_and_a_rule_without_evaluator_is_left_alone(order):
    RiskRule.objects.filter(pk="rectification_due").update(enabled=False)
    RiskRule.objects.create(code="someone_elses", name="他人的规则", level="blue", owner_role="officer")
    counts = sweeps.run("2026-09-28")
    assert counts["rectification_due.raised"] == 0
    assert not any(key.startswith("someone_elses") for key in counts)
    assert not RiskAlert.objects.filter(rule_id="rectification_due").exists()


def test_the_risk_sweep_is_scheduled_after_midnight_and_on_the_interval():
    celery_app.loader.import_default_modules()
    entries = {
        name: entry
        for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] == "oversight.tasks.sweep_risk_alerts"
    }
    assert set(entries) == {"sweep risk_alerts at 00:05", "sweep risk_alerts"}
    midnight = entries["sweep risk_alerts at 00:05"]["schedule"]
    assert (midnight.hour, midnight.minute, str(midnight.tz)) == ({0}, {5}, "Asia/Shanghai")
    assert entries["sweep risk_alerts"]["schedule"].run_every.total_seconds() == (
        django_settings.CHENGXIN_SWEEP_INTERVAL
    )
    assert "oversight.tasks.sweep_risk_alerts" in celery_app.tasks


def test_a_still_active_alert_reads_what_the_rule_finds_today(unit):
    """Two records, then a third: the same alert, now saying 3."""

    def records(n):
        leads = LeadFactory.create_batch(n, subject_organisation=unit)
        Record.objects.filter(pk__in=[r.pk for r in leads]).update(
            state="EFFECTIVE", determination_date=dt.date(2026, 5, 1)
        )

    records(2)
    sweeps.run("2026-06-01")
    [alert] = active("repeat_records")
    assert "2 条" in alert.summary
    records(1)
    counts = sweeps.run("2026-06-01")
    assert (counts["repeat_records.raised"], counts["repeat_records.resolved"]) == (0, 0)
    [same] = active("repeat_records")
    assert same.pk == alert.pk and "3 条" in same.summary


def test_the_sweep_runs_the_other_parts_rules_too():
    from oversight.commitments.alerts import EVALUATORS as COMMITMENT_RULES
    from oversight.integrity.alerts import EVALUATORS as FILE_RULES
    from oversight.selfreports.alerts import EVALUATORS as SELF_REPORT_RULES

    counts = sweeps.run("2026-06-01")
    others = [*SELF_REPORT_RULES, *FILE_RULES, *COMMITMENT_RULES]
    assert {f"{code}.raised" for code in others} <= set(counts)
