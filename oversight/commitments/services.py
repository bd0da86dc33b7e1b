"""The commitment's use cases: register it, add and record its milestones, find it broken,
ask for and decide a lawful change. Each one: lock → guard → change → audit entry in one
durable transaction; a miss that is no excuse registers its PRM lead in the same transaction
(oversight.commitments.leads), once per milestone."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import action_labels, audit, clock, uploads
from casework.errors import DomainError, NotFoundError
from casework.guards import refuse
from casework.identifiers import normalise_uscc, uscc_refusal
from casework.models import Organisation
from casework.services.validation import require_choice, require_past_date, require_text

from ..models import ChangeRequest, Commitment, Milestone
from . import leads
from .guards import acting_role, commitment_refusal, decide_refusal, milestone_refusal, role_refusal
from .lifecycle import (
    CHANGE_REASONS,
    CHANGE_STEPS,
    COMMITMENT_STEPS,
    MILESTONE_STEPS,
    ChangeState,
    CommitmentType,
    MilestoneState,
    Reason,
)
from .queries import visible_commitments

action_labels.register(
    {
        **{f"commitment.{s.name}": s.label for s in COMMITMENT_STEPS.values()},
        **{f"milestone.{s.name}": s.label for s in MILESTONE_STEPS.values()},
        **{f"changerequest.{s.name}": s.label for s in CHANGE_STEPS.values()},
        "changerequest.submit": gettext_lazy("提交承诺变更申请"),
    }
)


@dataclass
class CommitmentInput:
    """A commitment as the registration form gives it."""

    promisor_id: int
    counterparty_name: str
    type: str
    document_title: str
    obligations: str
    counterparty_uscc: str = ""
    document_number: str = ""
    legal_basis: str = ""


# ── the commitment ─────────────────────────────────────────────────────────────────


def commitment_register(
    *, acting_user, data: CommitmentInput, attachment=None, ip_address: str | None = None
) -> Commitment:
    """Register a commitment of `data.promisor_id`: an officer for any unit, a unit's liaison
    or head for their own."""
    step = COMMITMENT_STEPS["register"]
    refuse(role_refusal(acting_user, step, data.promisor_id))
    _clean(data)
    with _received(attachment) as incoming, transaction.atomic(durable=True):
        role = acting_role(acting_user, step, data.promisor_id)
        commitment = Commitment(
            **vars(data), registered_on=clock.today(), registered_by=acting_user, state=step.target
        )
        _attach(commitment, incoming)
        commitment.save()
        diff = {"promisor": [None, commitment.promisor_id], "type": [None, commitment.type]}
        audit.append(
            audit.Acting(acting_user, role or "", ip_address),
            obj=commitment,
            action="commitment.register",
            to_state=commitment.state,
            diff=diff,
        )
    return commitment


def _clean(data: CommitmentInput) -> None:
    if not Organisation.objects.filter(pk=data.promisor_id).exists():
        raise DomainError(_("承诺单位不存在。"), field="promisor", code="not_found")
    data.counterparty_name = require_text(data.counterparty_name, "counterparty_name", _("请填写承诺对象。"))[
        :200
    ]
    data.counterparty_uscc = normalise_uscc(data.counterparty_uscc)
    if data.counterparty_uscc:
        problem = uscc_refusal(data.counterparty_uscc)
        if problem:
            raise DomainError(problem, field="counterparty_uscc", code="invalid_uscc")
    require_choice(data.type, CommitmentType, "type", _("承诺类型"))
    data.document_title = require_text(data.document_title, "document_title", _("请填写文件名称。"))[:200]
    data.document_number = (data.document_number or "").strip()[:100]
    data.legal_basis = (data.legal_basis or "").strip()
    data.obligations = require_text(data.obligations, "obligations", _("请填写承诺义务。"))


@transaction.atomic(durable=True)
def milestone_add(
    *, acting_user, commitment_id: int, description: str, due_on: dt.date, ip_address: str | None = None
) -> Milestone:
    commitment = _locked_commitment(acting_user, commitment_id)
    refuse(commitment_refusal(acting_user, commitment, "add_milestone"))
    description = require_text(description, "description", _("请填写履约节点内容。"))
    if not isinstance(due_on, dt.date):
        raise DomainError(_("请填写应履行日期。"), field="due_on", code="required")
    milestone = Milestone.objects.create(
        commitment=commitment, description=description, due_on=due_on, recorded_by=acting_user
    )
    audit.append(
        _by(acting_user, COMMITMENT_STEPS["add_milestone"], commitment, ip_address),
        obj=commitment,
        action="commitment.add_milestone",
        diff={"milestone": [None, milestone.pk], "due_on": [None, due_on.isoformat()]},
    )
    return milestone


@transaction.atomic(durable=True)
def commitment_breach(
    *, acting_user, commitment_id: int, reason: str, ip_address: str | None = None
) -> Commitment:
    """An officer finds the commitment broken as a whole: a lawful change goes through a
    change request, so a breach is always a lead (registered once)."""
    step = COMMITMENT_STEPS["breach"]
    commitment = _locked_commitment(acting_user, commitment_id)
    refuse(commitment_refusal(acting_user, commitment, "breach"))
    reason = require_text(reason, "reason", _("请填写违约情形。"))
    before = commitment.state
    commitment.state, commitment.breached_on, commitment.breach_reason = step.target, clock.today(), reason
    if commitment.lead_id is None:
        commitment.lead = leads.register(commitment, leads.breach_content(commitment))
    commitment.save()
    audit.append(
        _by(acting_user, step, commitment, ip_address),
        obj=commitment,
        action="commitment.breach",
        from_state=before,
        to_state=commitment.state,
        reason=reason,
        diff={"lead": [None, commitment.lead.reference]},
        record=commitment.lead,
    )
    return commitment


# ── milestones ─────────────────────────────────────────────────────────────────────


@transaction.atomic(durable=True)
def milestone_perform(
    *, acting_user, milestone_id: int, performed_on: dt.date, ip_address: str | None = None
) -> Milestone:
    """Performed (late, after a miss, too: the lead of the miss stays). The last milestone
    performed completes the commitment."""
    step = MILESTONE_STEPS["perform"]
    milestone, commitment = _locked_milestone(acting_user, step, milestone_id)
    require_past_date(performed_on, "performed_on", _("履行日期"))
    before = milestone.state
    milestone.state, milestone.performed_on, milestone.recorded_by = step.target, performed_on, acting_user
    milestone.save()
    by = _by(acting_user, step, commitment, ip_address)
    audit.append(
        by,
        obj=milestone,
        action="milestone.perform",
        from_state=before,
        to_state=milestone.state,
        diff={"performed_on": [None, performed_on.isoformat()]},
    )
    _complete_if_done(commitment, by)
    return milestone


@transaction.atomic(durable=True)
def milestone_miss(
    *,
    acting_user,
    milestone_id: int,
    reason: str,
    explanation: str = "",
    ip_address: str | None = None,
) -> Milestone:
    """Not performed, for `reason`. 机构调整 and 人员变动, a change of purpose without an approved
    change request, and an unexplained 其他 make a PRM lead (once per milestone, recording
    the miss again corrects the reason and never makes a second one)."""
    step = MILESTONE_STEPS["miss"]
    milestone, commitment = _locked_milestone(acting_user, step, milestone_id)
    require_choice(reason, Reason, "reason", _("未履行原因类别"))
    explanation = (explanation or "").replace("\r\n", "\n").strip()
    before = {"state": milestone.state, "reason": milestone.reason}
    milestone.state, milestone.reason, milestone.explanation = step.target, reason, explanation
    milestone.missed_on = milestone.missed_on or clock.today()
    milestone.recorded_by = acting_user
    finding = leads.miss_finding(reason, explanation, leads.changed_lawfully(commitment))
    created = finding and milestone.lead_id is None
    if created:
        milestone.lead = leads.register(commitment, leads.milestone_content(milestone, finding))
    milestone.save()
    diff = {"reason": [before["reason"], reason], "explanation": explanation}
    if created:
        diff["lead"] = [None, milestone.lead.reference]
    audit.append(
        _by(acting_user, step, commitment, ip_address),
        obj=milestone,
        action="milestone.miss",
        from_state=before["state"],
        to_state=milestone.state,
        reason=explanation,
        diff=diff,
        record=milestone.lead,
    )
    return milestone


def _complete_if_done(commitment: Commitment, by: audit.Acting) -> None:
    if commitment.milestones.exclude(state=MilestoneState.PERFORMED).exists():
        return
    step = COMMITMENT_STEPS["complete"]
    before, commitment.state = commitment.state, step.target
    commitment.save(update_fields=["state"])
    audit.append(
        by, obj=commitment, action="commitment.complete", from_state=before, to_state=commitment.state
    )


# ── change requests ────────────────────────────────────────────────────────────────


def change_request_submit(
    *,
    acting_user,
    commitment_id: int,
    reason: str,
    procedure: str,
    compensation: str,
    attachment=None,
    ip_address: str | None = None,
) -> ChangeRequest:
    """Ask to change the commitment lawfully: for the national or public interest, or force
    majeure, with the statutory procedure's evidence and the compensation decided."""
    if reason not in CHANGE_REASONS:
        raise DomainError(
            _("变更事由只能是：%(reasons)s（机构调整、人员变动不是变更承诺的理由）。")
            % {"reasons": "、".join(str(Reason(r).label) for r in CHANGE_REASONS)},
            field="reason",
            code="invalid_choice",
        )
    procedure = require_text(procedure, "procedure", _("请填写法定程序材料（批准机关、文号、程序）。"))
    compensation = require_text(compensation, "compensation", _("请填写补偿决定。"))
    with _received(attachment) as incoming, transaction.atomic(durable=True):
        commitment = _locked_commitment(acting_user, commitment_id)
        refuse(commitment_refusal(acting_user, commitment, "request_change"))
        request = ChangeRequest(
            commitment=commitment,
            reason=reason,
            procedure=procedure,
            compensation=compensation,
            submitted_on=clock.today(),
            submitted_by=acting_user,
        )
        _attach(request, incoming)
        request.save()
        audit.append(
            _by(acting_user, COMMITMENT_STEPS["request_change"], commitment, ip_address),
            obj=request,
            action="changerequest.submit",
            to_state=request.state,
            diff={"commitment": [None, commitment.pk], "reason": [None, reason]},
        )
    return request


@transaction.atomic(durable=True)
def change_request_decide(
    *, acting_user, request_id: int, approve: bool, note: str = "", ip_address: str | None = None
) -> ChangeRequest:
    """An approver, not the one who submitted it, decides; approval changes the commitment
    lawfully (CHANGED, still in force: no lead for what the change covers)."""
    step = CHANGE_STEPS["approve" if approve else "reject"]
    request = ChangeRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFoundError(_("变更申请不存在或您无权查看。"), code="not_found")
    commitment = _locked_commitment(acting_user, request.commitment_id)
    refuse(decide_refusal(acting_user, request, step))
    note = (note or "").strip()
    if not approve:
        note = require_text(note, "note", _("不予批准须说明理由。"))
    request.state, request.decided_on, request.decided_by = step.target, clock.today(), acting_user
    request.decision_note = note
    request.save()
    by = _by(acting_user, step, commitment, ip_address)
    audit.append(
        by,
        obj=request,
        action=f"changerequest.{step.name}",
        from_state=ChangeState.SUBMITTED,
        to_state=request.state,
        reason=note,
    )
    change = COMMITMENT_STEPS["change"]
    if approve and commitment.state in change.sources:
        before, commitment.state = commitment.state, change.target
        commitment.save(update_fields=["state"])
        audit.append(
            by, obj=commitment, action="commitment.change", from_state=before, to_state=commitment.state
        )
    return request


# ── shared ─────────────────────────────────────────────────────────────────────────


def _locked_commitment(acting_user, commitment_id) -> Commitment:
    """The commitment, locked, if `acting_user` may see it (the same 404 as the pages)."""
    visible = visible_commitments(acting_user).select_for_update(of=("self",))
    commitment = visible.filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFoundError(_("承诺不存在或您无权查看。"), code="not_found")
    return commitment


def _locked_milestone(acting_user, step, milestone_id) -> tuple[Milestone, Commitment]:
    visible = Milestone.objects.filter(commitment__in=visible_commitments(acting_user).values("pk"))
    milestone = visible.select_for_update().filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFoundError(_("履约节点不存在或您无权查看。"), code="not_found")
    commitment = _locked_commitment(acting_user, milestone.commitment_id)
    milestone.commitment = commitment
    refuse(milestone_refusal(acting_user, milestone, commitment, step.name))
    return milestone, commitment


def _by(acting_user, step, commitment: Commitment, ip_address) -> audit.Acting:
    return audit.Acting(acting_user, acting_role(acting_user, step, commitment.promisor_id) or "", ip_address)


@contextlib.contextmanager
def _received(upload):
    if upload is None:
        yield None
        return
    with uploads.received(upload) as incoming:
        yield incoming


def _attach(obj, incoming) -> None:
    if incoming is None:
        return
    obj.file_name, obj.stored_name, obj.sha256 = incoming.original_name, incoming.stored_name, incoming.sha256
    incoming.place()
