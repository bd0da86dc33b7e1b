"""The commitment rules of the risk warnings (DOMAIN §9.2): a milestone due within 30 days is
yellow, one overdue or missed orange, one missed and become a lead red; synced twice they are
raised once, and performing the milestone resolves them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import User
from oversight.commitments import services
from oversight.commitments.alerts import BREACHED, DUE, MISSED, sync_commitment_alerts
from oversight.models import AlertState, Commitment, Milestone, RiskAlert, RiskRule

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 2, 2)


@pytest.fixture
def commitment(officer: User, unit, fixed_today) -> Commitment:
    return services.commitment_register(
        acting_user=officer,
        data=services.CommitmentInput(
            promisor_id=unit.pk,
            counterparty_name="东莞某某制造有限公司",
            type="policy",
            document_title="惠企政策兑现承诺",
            obligations="按季度兑现补贴。",
        ),
    )


def milestone(officer, commitment, due: dt.date, text="第一季度补贴") -> Milestone:
    return services.milestone_add(
        acting_user=officer, commitment_id=commitment.pk, description=text, due_on=due
    )


def active(rule: str) -> list[RiskAlert]:
    return list(RiskAlert.objects.filter(rule_id=rule, state__in=(AlertState.OPEN, AlertState.ACKNOWLEDGED)))


def test_the_rules_are_in_the_table_with_their_colours():
    levels = dict(RiskRule.objects.filter(code__in=(DUE, MISSED, BREACHED)).values_list("code", "level"))
    assert levels == {DUE: "yellow", MISSED: "orange", BREACHED: "red"}
    assert RiskRule.objects.get(pk=DUE).params == {"days": 30}


def test_a_milestone_due_within_30_days_is_raised_once_and_resolved_when_performed(officer, commitment, unit):
    soon = milestone(officer, commitment, TODAY + dt.timedelta(days=30))
    milestone(officer, commitment, TODAY + dt.timedelta(days=31), text="第二季度补贴")
    assert sync_commitment_alerts(TODAY)[DUE] == {"raised": 1, "resolved": 0}
    assert sync_commitment_alerts(TODAY)[DUE] == {"raised": 0, "resolved": 0}
    [alert] = active(DUE)
    assert alert.key == f"milestone:{soon.pk}" and alert.organisation == unit and alert.level == "yellow"
    assert alert.link == f"/work/commitments/{commitment.pk}/"
    assert commitment.number in alert.summary
    services.milestone_perform(acting_user=officer, milestone_id=soon.pk, performed_on=TODAY)
    assert sync_commitment_alerts(TODAY)[DUE] == {"raised": 0, "resolved": 1}
    assert active(DUE) == []


def test_an_overdue_milestone_is_orange_until_performed(officer, commitment):
    late = milestone(officer, commitment, TODAY - dt.timedelta(days=1))
    sync_commitment_alerts(TODAY)
    sync_commitment_alerts(TODAY)
    [alert] = active(MISSED)
    assert alert.level == "orange" and alert.key == f"milestone:{late.pk}"
    assert active(DUE) == [] and active(BREACHED) == []
    services.milestone_perform(acting_user=officer, milestone_id=late.pk, performed_on=TODAY)
    assert sync_commitment_alerts(TODAY)[MISSED] == {"raised": 0, "resolved": 1}


def test_a_miss_become_a_lead_is_red_and_the_orange_one_resolved(officer, commitment):
    late = milestone(officer, commitment, TODAY - dt.timedelta(days=5))
    sync_commitment_alerts(TODAY)
    assert len(active(MISSED)) == 1
    services.milestone_miss(acting_user=officer, milestone_id=late.pk, reason="personnel")
    result = sync_commitment_alerts(TODAY)
    assert result[MISSED] == {"raised": 0, "resolved": 1} and result[BREACHED] == {"raised": 1, "resolved": 0}
    [alert] = active(BREACHED)
    late.refresh_from_db()
    assert alert.level == "red" and alert.record_id == late.lead_id
    assert sync_commitment_alerts(TODAY)[BREACHED] == {"raised": 0, "resolved": 0}
    # Performed late after all: the alert goes, the lead stays.
    services.milestone_perform(acting_user=officer, milestone_id=late.pk, performed_on=TODAY)
    assert sync_commitment_alerts(TODAY)[BREACHED] == {"raised": 0, "resolved": 1}
    late.refresh_from_db()
    assert late.lead_id is not None


def test_a_force_majeure_miss_is_orange_until_a_change_is_approved(officer, approver, commitment):
    late = milestone(officer, commitment, TODAY - dt.timedelta(days=5))
    services.milestone_miss(
        acting_user=officer, milestone_id=late.pk, reason="force_majeure", explanation="洪灾。"
    )
    sync_commitment_alerts(TODAY)
    assert len(active(MISSED)) == 1 and active(BREACHED) == []
    request = services.change_request_submit(
        acting_user=officer,
        commitment_id=commitment.pk,
        reason="force_majeure",
        procedure="市政府批复同意调整兑现期限。",
        compensation="顺延兑现，不另补偿。",
    )
    services.change_request_decide(acting_user=approver, request_id=request.pk, approve=True)
    assert sync_commitment_alerts(TODAY)[MISSED] == {"raised": 0, "resolved": 1}


def test_the_sync_takes_the_same_number_of_queries_for_many_milestones(officer, commitment):
    def queries_for(n: int, today: dt.date) -> int:
        for i in range(n):
            milestone(officer, commitment, today + dt.timedelta(days=i), text=f"节点{i}")
            milestone(officer, commitment, today - dt.timedelta(days=i + 1), text=f"逾期{i}")
        with CaptureQueriesContext(connection) as queries:
            sync_commitment_alerts(today)
        return len(queries)

    few = queries_for(1, TODAY)
    RiskAlert.objects.all().delete()
    Milestone.objects.all().delete()
    assert queries_for(6, TODAY) == few
    assert len(active(DUE)) == 6 and len(active(MISSED)) == 6
