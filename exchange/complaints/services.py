"""The complaint's use cases: take it in, triage it (accept as a lead, merge, return, close),
and, when its lead closes, send the result. Each one: permission, lock, guard, change, audit
entry and the status message for the channel (exchange.outbox) in one transaction.

`receive` is idempotent on the channel's work-order number: the hotline posting the same
order twice, or the same export imported twice, finds the first complaint (under a unique
constraint, so two requests at once still make one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework import audit, clock, rules
from casework.errors import DomainError, NotFoundError, PermissionDeniedError
from casework.guards import illegal_state, refuse
from casework.models import Organisation, Record
from casework.permissions import has_role
from casework.rule_table import RuleCode
from casework.services.records import duplicate_refusal, new_leads
from casework.services.validation import require_past_date, require_text

from ..models import Complaint, ImportBatch
from . import feedback
from .lifecycle import COMPLAINT_STEPS, LEAD_SOURCE, OPEN_STATES, TRIAGE_ROLES, Channel, ComplaintState

CS = ComplaintState
SUBMIT_PERMISSION = "exchange.submit_hotline"


@dataclass
class Intake:
    """A complaint as a channel, a file row or the intake form gives it."""

    channel: str
    title: str
    content: str
    received_on: dt.date
    work_order: str = ""
    complainant_name: str = ""
    complainant_contact: str = ""
    classification_code: str = ""
    request_type: str = ""
    handling_unit: str = ""
    organisation_id: int | None = None
    extra: dict = field(default_factory=dict)


# ── intake ─────────────────────────────────────────────────────────────────────────


def intake_role(user, channel: str) -> str:
    """The role `user` takes complaints in as: the hotline's integration account for the
    hotline's orders only; the intake operator and the officer for every channel."""
    for role in (r for r in TRIAGE_ROLES if has_role(user, r)):
        return role
    if channel == Channel.HOTLINE and user is not None and user.has_perm(SUBMIT_PERMISSION):
        return "integration"
    raise PermissionDeniedError(_("只有线索登记员或办案人员可以登记投诉。"), code="permission_denied")


@transaction.atomic(durable=True)
def complaint_receive(
    *, acting_user, intake: Intake, ip_address: str | None = None
) -> tuple[Complaint, bool]:
    """Register a complaint; (the complaint, True) or, for a work order already received
    from the channel, (that complaint, False) with nothing changed."""
    by = audit.Acting(acting_user, intake_role(acting_user, intake.channel), ip_address)
    return receive(intake, by=by)


def receive(intake: Intake, *, by: audit.Acting, batch: ImportBatch | None = None) -> tuple[Complaint, bool]:
    """`complaint_receive` inside the caller's transaction (an import's chunk)."""
    clean(intake)
    existing = _existing(intake)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin's INSERT wins, we read it
            complaint = _create(intake, by, batch)
    except IntegrityError:
        existing = _existing(intake)
        if existing is None:
            raise
        return existing, False
    return complaint, True


def clean(intake: Intake) -> None:
    if intake.channel not in Channel.values:
        raise DomainError(_("来源渠道无效。"), field="channel", code="invalid_choice")
    intake.work_order = (intake.work_order or "").strip()
    if not intake.work_order and intake.channel != Channel.WALK_IN:
        raise DomainError(_("请填写工单编号（现场来访可不填）。"), field="work_order", code="required")
    intake.title = require_text(intake.title, "title", _("请填写投诉标题。"), name=_("标题"))[:200]
    intake.content = require_text(intake.content, "content", _("请填写投诉内容。"), name=_("内容"))
    require_past_date(intake.received_on, "received_on", _("收到日期"))
    if intake.organisation_id and not Organisation.objects.filter(pk=intake.organisation_id).exists():
        raise DomainError(_("被投诉单位不存在。"), field="organisation", code="not_found")


def _existing(intake: Intake) -> Complaint | None:
    if not intake.work_order:
        return None
    return Complaint.objects.filter(channel=intake.channel, work_order=intake.work_order).first()


def _create(intake: Intake, by: audit.Acting, batch: ImportBatch | None) -> Complaint:
    routing = rules.due(RuleCode.COMPLAINT_ROUTING, intake.received_on)
    feedback_due = rules.due(RuleCode.COMPLAINT_FEEDBACK, intake.received_on)
    complaint = Complaint.objects.create(
        **asdict(intake),
        routing_due=routing.date,
        feedback_due=feedback_due.date,
        due_provisional=routing.provisional or feedback_due.provisional,
        import_batch=batch,
        created_by=by.user,
    )
    diff = {
        "channel": [None, complaint.channel],
        "work_order": [None, complaint.work_order],
        "routing_due": [None, complaint.routing_due.isoformat()],
        "feedback_due": [None, complaint.feedback_due.isoformat()],
    }
    audit.append(by, obj=complaint, action=feedback.RECEIVE, to_state=complaint.state, diff=diff)
    return complaint


# ── triage ─────────────────────────────────────────────────────────────────────────


def accept(
    *, acting_user, complaint_id: int, organisation_id: int | None = None, ip_address=None
) -> Complaint:
    """Register the complaint as a lead about the unit complained about (T1)."""

    def change(complaint: Complaint, by: audit.Acting) -> dict:
        if organisation_id:
            complaint.organisation = _organisation(organisation_id)
        if complaint.organisation_id is None:
            raise DomainError(_("转为线索须指定被投诉单位。"), field="organisation", code="required")
        complaint.lead = _register_lead(complaint, by)
        # Complaints merged into this one before it was accepted share its lead (and its result).
        Complaint.objects.filter(merged_into=complaint).update(lead=complaint.lead)
        return {"lead": [None, complaint.lead.reference], "organisation": [None, complaint.organisation_id]}

    return _perform(acting_user, complaint_id, "accept", change, ip_address=ip_address)


def merge(*, acting_user, complaint_id: int, into_id: int, ip_address=None) -> Complaint:
    """并单: the same matter as an open complaint; it shares that one's lead and its answer."""

    def change(complaint: Complaint, by: audit.Acting) -> dict:
        target = Complaint.objects.select_for_update().filter(pk=into_id).first()
        if target is None or target.pk == complaint.pk:
            raise DomainError(_("请选择要并入的投诉。"), field="into", code="not_found")
        if target.state not in OPEN_STATES:
            raise DomainError(
                _("只能并入待分办或已转为线索的投诉（所选投诉：%(state)s）。")
                % {"state": target.get_state_display()},
                field="into",
                code="not_open",
            )
        complaint.merged_into, complaint.lead_id = target, target.lead_id
        if complaint.channel != Channel.WALK_IN:
            complaint.replied_on = clock.today()  # the channel's 并单 message answers it
        return {"merged_into": [None, target.number]}

    return _perform(acting_user, complaint_id, "merge", change, ip_address=ip_address)


def return_to_channel(*, acting_user, complaint_id: int, reason: str, ip_address=None) -> Complaint:
    """退单: back to the hotline, which routes it elsewhere; the reason goes with it."""
    return _with_reason(acting_user, complaint_id, "return", reason, ip_address, _("退单须说明理由。"))


def close(*, acting_user, complaint_id: int, reason: str, ip_address=None) -> Complaint:
    """Outside the commission's scope: closed with the reason the complainant is told."""
    return _with_reason(acting_user, complaint_id, "close", reason, ip_address, _("不予受理须说明理由。"))


def _with_reason(acting_user, complaint_id, step, reason, ip_address, message) -> Complaint:
    reason = require_text(reason, "reason", message)

    def change(complaint: Complaint, by: audit.Acting) -> dict:
        complaint.reason = reason
        complaint.replied_on = clock.today()  # the channel's message is the written answer
        return {"reason": ["", reason]}

    return _perform(acting_user, complaint_id, step, change, ip_address=ip_address, reason=reason)


@transaction.atomic(durable=True)
def _perform(
    acting_user, complaint_id, step_name: str, change: Callable, *, ip_address, reason=""
) -> Complaint:
    step = COMPLAINT_STEPS[step_name]
    by = audit.Acting(acting_user, _step_role(acting_user, step), ip_address)
    complaint = _locked(complaint_id)
    if complaint.state not in step.sources:
        refuse(illegal_state(complaint.get_state_display(), str(step.label)))
    before = complaint.state
    diff = change(complaint, by)
    complaint.state, complaint.routed_on = step.target, clock.today()
    complaint.save()
    audit.append(
        by,
        obj=complaint,
        action=f"complaint.{step.name}",
        from_state=before,
        to_state=complaint.state,
        reason=reason,
        diff=diff,
        record=complaint.lead,
    )
    feedback.after_triage(complaint, step.name, by)
    return complaint


def _step_role(user, step) -> str:
    for role in step.roles:
        if has_role(user, role):
            return role
    raise PermissionDeniedError(
        _("只有线索登记员或办案人员可以办理投诉：%(step)s。") % {"step": step.label}, code="permission_denied"
    )


def _locked(complaint_id) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError(_("投诉不存在或您无权查看。"), code="not_found")
    return complaint


def _organisation(pk) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise DomainError(_("被投诉单位不存在。"), field="organisation", code="not_found")
    return organisation


def _register_lead(complaint: Complaint, by: audit.Acting) -> Record:
    """The lead (T1) about the unit complained about. Its content is the complaint's, never
    the complainant's name or number: the unit may later read its record."""
    lead = Record(
        subject_organisation=complaint.organisation,
        source=LEAD_SOURCE[complaint.channel],
        lead_content=_lead_content(complaint),
        received_on=complaint.received_on,
        created_by=by.user,
    )
    refuse(duplicate_refusal(lead))
    [lead] = new_leads([lead], by)
    # The routing limit (1 WD from receipt) on the lead's own list of time limits: met now.
    rules.open_deadline(lead, RuleCode.COMPLAINT_ROUTING, complaint.received_on)
    rules.close_deadline(lead, RuleCode.COMPLAINT_ROUTING)
    return lead


def _lead_content(complaint: Complaint) -> str:
    source = _("来源：%(channel)s %(number)s") % {
        "channel": complaint.get_channel_display(),
        "number": complaint.work_order or complaint.number,
    }
    return f"{complaint.title}\n{complaint.content}\n（{source}）"
