"""The commitment tables and guards as the services apply them: every milestone step is
offered in exactly the states the table names, to exactly the roles it names (a unit for its
own commitments only); a 回避 declaration hides a unit's commitments; each step is audited, the
miss that became a lead on the lead's own timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.errors import DomainError, NotFoundError, PermissionDeniedError
from casework.models import AuditEntry, ConflictDeclaration
from oversight.commitments import guards, services
from oversight.commitments.lifecycle import MILESTONE_STEPS, CommitmentState, MilestoneState
from oversight.commitments.queries import visible_commitments
from oversight.models import Commitment, Milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(liaison, unit, fixed_today) -> Commitment:
    return services.commitment_register(
        acting_user=liaison,
        data=services.CommitmentInput(
            promisor_id=unit.pk,
            counterparty_name="某村民委员会",
            type="public",
            document_title="村级公开承诺书",
            obligations="年内完成道路硬化。",
        ),
    )


@pytest.fixture
def milestone(liaison, commitment) -> Milestone:
    return services.milestone_add(
        acting_user=liaison,
        commitment_id=commitment.pk,
        description="完成道路硬化",
        due_on=dt.date(2026, 1, 31),
    )


@pytest.mark.parametrize("state", MilestoneState.values)
@pytest.mark.parametrize("step", list(MILESTONE_STEPS))
def test_each_milestone_step_leaves_exactly_the_states_of_the_table(
    step, state, milestone, commitment, liaison, officer, approver, other_liaison, civil_servant
):
    milestone.state = state
    allowed = state in MILESTONE_STEPS[step].sources
    for user, may in ((liaison, allowed), (officer, allowed), (approver, False), (civil_servant, False)):
        refusal = guards.milestone_refusal(user, milestone, commitment, step)
        assert (refusal is None) == may, (user, refusal and refusal.message)
    refusal = guards.milestone_refusal(other_liaison, milestone, commitment, step)
    assert isinstance(refusal, PermissionDeniedError)


@pytest.mark.parametrize("state", [CommitmentState.PERFORMED, CommitmentState.BREACHED])
def test_nothing_is_recorded_on_a_commitment_no_longer_in_force(state, milestone, commitment, officer):
    Commitment.objects.filter(pk=commitment.pk).update(state=state)
    with pytest.raises(DomainError, match="不能再登记履约情况"):
        services.milestone_miss(acting_user=officer, milestone_id=milestone.pk, reason="personnel")
    assert not Milestone.objects.filter(lead__isnull=False).exists()


def test_a_conflict_of_interest_hides_the_units_commitments(milestone, commitment, officer, unit):
    assert visible_commitments(officer).filter(pk=commitment.pk).exists()
    ConflictDeclaration.objects.create(user=officer, organisation=unit)
    assert not visible_commitments(officer).exists()
    with pytest.raises(NotFoundError):
        services.milestone_miss(acting_user=officer, milestone_id=milestone.pk, reason="personnel")


def test_every_step_is_audited_and_the_miss_is_on_the_leads_timeline(milestone, liaison):
    missed = services.milestone_miss(acting_user=liaison, milestone_id=milestone.pk, reason="restructuring")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "actor_role"))
    assert actions[:2] == [
        ("commitment.register", "unit_liaison"),
        ("commitment.add_milestone", "unit_liaison"),
    ]
    assert ("register_lead", "system") in actions and actions[-1] == ("milestone.miss", "unit_liaison")
    entry = AuditEntry.objects.get(action="milestone.miss")
    assert entry.record_id == missed.lead_id and entry.from_state == "pending" and entry.to_state == "missed"


def test_a_second_change_request_waits_for_the_first(commitment, liaison):
    common = dict(
        acting_user=liaison,
        commitment_id=commitment.pk,
        reason="public_interest",
        procedure="市政府批复。",
        compensation="依法补偿。",
    )
    services.change_request_submit(**common)
    with pytest.raises(PermissionDeniedError, match="已有待审批的变更申请"):
        services.change_request_submit(**common)


def test_a_rejection_needs_a_reason(commitment, liaison, approver):
    request = services.change_request_submit(
        acting_user=liaison,
        commitment_id=commitment.pk,
        reason="force_majeure",
        procedure="应急管理部门证明。",
        compensation="无。",
    )
    with pytest.raises(DomainError, match="不予批准须说明理由"):
        services.change_request_decide(acting_user=approver, request_id=request.pk, approve=False)
    decided = services.change_request_decide(
        acting_user=approver, request_id=request.pk, approve=False, note="证明材料不足。"
    )
    assert decided.state == "rejected"
    assert Commitment.objects.get(pk=commitment.pk).state == "in_force"
