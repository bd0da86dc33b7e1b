"""The alert store every risk rule ends in (oversight.alerts.sync): each cause raised once
however often the sweep runs, resolved by itself when the cause goes away, a dismissed cause
never raised again, and each alert seen only by those it concerns."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.models import AuditEntry
from casework.roles import Role
from oversight import alerts
from oversight.alerts import Cause
from oversight.models import AlertState, RiskAlert, RiskRule

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def rule(db):
    return RiskRule.objects.create(code="test_rule", name="测试规则", level="orange", owner_role=Role.OFFICER)


def causes(unit, *keys):
    return [Cause(key=key, summary=f"原因 {key}", organisation_id=unit.pk, due_on=DAY) for key in keys]


def test_the_same_causes_twice_raise_each_alert_once_and_a_gone_cause_resolves(rule, unit):
    assert alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY) == {"raised": 2, "resolved": 0}
    assert alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY) == {"raised": 0, "resolved": 0}
    assert RiskAlert.objects.count() == 2

    assert alerts.sync("test_rule", causes(unit, "a"), today=DAY) == {"raised": 0, "resolved": 1}
    gone = RiskAlert.objects.get(key="b")
    assert (gone.state, gone.closed_on, gone.reason) == (AlertState.RESOLVED, DAY, "预警原因已消除。")
    # the cause comes back: a new alert, the resolved one stays as it was
    assert alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY) == {"raised": 1, "resolved": 0}
    assert RiskAlert.objects.filter(key="b").count() == 2


def test_a_dismissed_cause_is_not_raised_again_and_a_disabled_rule_resolves_its_alerts(rule, unit, officer):
    alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY)
    dismissed = RiskAlert.objects.get(key="a")
    alerts.alert_dismiss(acting_user=officer, alert_id=dismissed.pk, reason="已核实，不构成风险")
    assert alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY) == {"raised": 0, "resolved": 0}
    assert AuditEntry.objects.get(action=alerts.AlertAction.DISMISS).reason == "已核实，不构成风险"

    RiskRule.objects.filter(pk="test_rule").update(enabled=False)
    assert alerts.sync("test_rule", causes(unit, "a", "b"), today=DAY) == {"raised": 0, "resolved": 1}
    assert RiskAlert.objects.get(key="b").reason == "预警规则已停用。"


def test_a_liaison_sees_and_acknowledges_only_their_units_alerts(rule, unit, other_unit, liaison, officer):
    rule.owner_role = Role.UNIT_LIAISON  # the unit's to handle
    rule.save()
    alerts.sync("test_rule", [*causes(unit, "mine"), *causes(other_unit, "theirs")], today=DAY)
    mine, theirs = RiskAlert.objects.get(key="mine"), RiskAlert.objects.get(key="theirs")

    assert list(alerts.visible_alerts(liaison)) == [mine]
    assert set(alerts.visible_alerts(officer)) == {mine, theirs}
    alerts.alert_acknowledge(acting_user=liaison, alert_id=mine.pk)
    mine.refresh_from_db()
    assert (mine.state, mine.acknowledged_by) == (AlertState.ACKNOWLEDGED, liaison)
    with pytest.raises(alerts.DomainError):
        alerts.alert_acknowledge(acting_user=liaison, alert_id=theirs.pk)
    with pytest.raises(alerts.PermissionDeniedError):
        alerts.alert_dismiss(acting_user=liaison, alert_id=mine.pk, reason="不是风险")
    with pytest.raises(alerts.DomainError):
        alerts.alert_dismiss(acting_user=officer, alert_id=theirs.pk, reason="")


def test_a_unit_reads_but_does_not_acknowledge_an_alert_the_commission_handles(rule, unit, liaison):
    alerts.sync("test_rule", causes(unit, "about-the-unit"), today=DAY)  # owned by the officers
    alert = RiskAlert.objects.get()
    assert list(alerts.visible_alerts(liaison)) == [alert]
    with pytest.raises(alerts.PermissionDeniedError, match="该预警由委员会处理"):
        alerts.alert_acknowledge(acting_user=liaison, alert_id=alert.pk)
    assert RiskAlert.objects.get().state == AlertState.OPEN
