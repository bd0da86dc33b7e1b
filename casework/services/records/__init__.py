"""Use cases of the record lifecycle up to the determination (DOMAIN §5.1 T1–T7): intake,
verification, proposal, prior notice, defence, determination. Each one: permission, lock,
guards, FSM transition, audit entry, all in one transaction; views, API, admin and commands
call these. The steps on a determined record are in `decided_records`."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ... import audit, clock, rules
from ...action_labels import AuditAction
from ...errors import DomainError, PermissionDeniedError
from ...guards import Refusal, own_proposal, refuse
from ...lifecycle import RecordState
from ...models import Category, Domain, LeadSource, Measure, Organisation, Person, Record, Tier
from ...models.records import DeadlineStatus
from ...permissions import has_role
from ...roles import Role
from ...rule_table import RuleCode
from ..steps import Creation, check_direct_service, created_many
from ..validation import (
    Filing,
    Window,
    filing_date,
    may_record_paper_filings,
    require_choice,
    require_past_date,
    require_public_text,
    require_text,
    with_filing,
)
from .steps import perform_step, snapshot

S = RecordState


#: Rows per INSERT or UPDATE of a set-based creation: PostgreSQL takes at most 65,535
#: parameters in one statement.
BATCH = 1000


# T1 ───────────────────────────────────────────────────────────────────────────────
def fact_hash(record: Record) -> str:
    """What tells the same lead registered twice: its subject and its content, whitespace aside."""
    normalised = "".join(record.lead_content.split())
    key = f"{record.subject_organisation_id}|{record.subject_person_id}|{normalised}"
    return hashlib.sha256(key.encode()).hexdigest()


def reference(record: Record) -> str:
    """The case number: the year the lead was received and the record's id."""
    return f"ZWSX-{record.received_on.year}-{record.pk:06d}"


def new_leads(leads: list[Record], by: audit.Acting) -> list[Record]:
    """Register unsaved leads inside the caller's transaction, one or many in a fixed number
    of statements: their fact hash, their INSERT, their case numbers, a `register_lead`
    entry each (the new fields as the diff) and their reactions. How an officer's intake
    (`record_register_lead`) and the escalation sweep's RCT leads come into being."""
    for lead in leads:
        lead.fact_hash = fact_hash(lead)
    Record.objects.bulk_create(leads, batch_size=BATCH)
    for lead in leads:
        lead.reference = reference(lead)
    Record.objects.bulk_update(leads, ["reference"], batch_size=BATCH)
    creations = [Creation(lead, lead, snapshot(lead, new=True)) for lead in leads]
    created_many(creations, by, action=AuditAction.REGISTER_LEAD)
    return leads


def _check_subject(organisation_id: int | None, person_id: int | None) -> None:
    if bool(organisation_id) == bool(person_id):
        raise DomainError(
            _("请指定一个失信主体：单位或公务员，二者选一。"),
            field="subject",
            code="subject",
        )
    if organisation_id and not Organisation.objects.filter(pk=organisation_id).exists():
        raise DomainError(_("失信单位不存在。"), field="subject_organisation", code="not_found")
    if person_id and not Person.objects.filter(pk=person_id).exists():
        raise DomainError(_("失信公务员不存在。"), field="subject_person", code="not_found")


def duplicate_refusal(lead: Record) -> Refusal | None:
    """The same lead about the same subject is registered once while its record runs."""
    running = Record.objects.exclude(state__in=[S.DISMISSED, S.ARCHIVED])
    duplicate = running.filter(fact_hash=fact_hash(lead)).first()
    if duplicate is None:
        return None
    return DomainError(
        _("该主体的相同线索已登记（%(ref)s）。") % {"ref": duplicate.reference},
        field="lead_content",
        code="duplicate",
    )


@transaction.atomic(durable=True)
def record_register_lead(
    *,
    acting_user,
    subject_organisation_id: int | None = None,
    subject_person_id: int | None = None,
    source: str,
    lead_content: str,
    received_on: dt.date,
    ip_address: str | None = None,
) -> Record:
    if not has_role(acting_user, Role.INTAKE_OPERATOR, Role.OFFICER):
        raise PermissionDeniedError(_("只有线索登记员或办案人员可以登记线索。"), code="permission_denied")
    _check_subject(subject_organisation_id, subject_person_id)
    require_choice(source, LeadSource, "source", _("线索来源"))
    lead = Record(
        subject_organisation_id=subject_organisation_id,
        subject_person_id=subject_person_id,
        source=source,
        lead_content=require_text(lead_content, "lead_content", _("请填写线索内容。")),
        received_on=require_past_date(received_on, "received_on", _("收到日期")),
        created_by=acting_user,
    )
    refuse(duplicate_refusal(lead))
    role = Role.INTAKE_OPERATOR if has_role(acting_user, Role.INTAKE_OPERATOR) else Role.OFFICER
    [record] = new_leads([lead], audit.Acting(acting_user, role, ip_address))
    return record


# T2 ───────────────────────────────────────────────────────────────────────────────
def record_start_verification(*, acting_user, record_id: int, ip_address: str | None = None) -> Record:
    def change(record: Record) -> None:
        record.assigned_officer = acting_user

    def after(record: Record) -> None:
        rules.open_deadline(record, RuleCode.VERIFICATION, clock.today())

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="start_verification",
        change=change,
        after=after,
        ip_address=ip_address,
    )


# T3 ───────────────────────────────────────────────────────────────────────────────
def record_dismiss(*, acting_user, record_id: int, reason: str, ip_address: str | None = None) -> Record:
    reason = require_text(reason, "reason", _("不予认定须说明理由。"))

    def change(record: Record) -> None:
        record.closing_reason = reason

    def after(record: Record) -> None:
        rules.close_deadline(record, RuleCode.VERIFICATION)
        _withdraw_prior_notice(record)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="dismiss",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


#: The time limits a served prior notice starts: the subject's defence window, and the
#: approver's determination within 10 WD after it (DOMAIN §5.1 T7, rule `determination`).
PRIOR_NOTICE_DEADLINES = (RuleCode.DEFENCE_WINDOW, RuleCode.DETERMINATION)


def _withdraw_prior_notice(record: Record) -> None:
    """A proposal dismissed, returned or amended, or a new prior notice approved: the time
    limits the old notice started no longer run (the notices app voids the notice's open
    draft, on the step)."""
    for kind in PRIOR_NOTICE_DEADLINES:
        rules.close_deadline(record, kind, status=DeadlineStatus.CANCELLED)


# T4 ───────────────────────────────────────────────────────────────────────────────
def _require_some_measure(measure_ids: Iterable[int] | None) -> list[int]:
    """S3 清单管理: a proposal names its measures, so that no determination waits on them."""
    ids = list(dict.fromkeys(measure_ids or []))
    if not ids:
        raise DomainError(
            _("请从惩戒措施清单中选择至少一项惩戒措施。"),
            field="measures",
            code="measure_required",
        )
    return ids


def _check_measures_in_force(record: Record) -> None:
    """A proposal made before measures were required, or whose measure was since withdrawn
    from the catalogue, is neither put to the subject nor determined: the officer amends it
    (修改拟认定) or the approver returns it."""
    if (
        not record.measures.filter(is_active=True).exists()
        or record.measures.filter(is_active=False).exists()
    ):
        raise DomainError(
            _("须从惩戒措施清单中选定至少一项有效的惩戒措施，请先修改拟认定。"),
            field="measures",
            code="measure_required",
        )


def _validated_measures(measure_ids: Iterable[int], record: Record) -> list[Measure]:
    ids = _require_some_measure(measure_ids)
    measures = list(Measure.objects.filter(pk__in=ids, is_active=True))
    if len(measures) != len(ids):
        raise DomainError(
            _("惩戒措施须从有效的惩戒措施清单中选择。"),
            field="measures",
            code="measure",
        )
    for measure in measures:
        applies = measure.applies_to_persons if record.is_person_record else measure.applies_to_organisations
        if not applies:
            raise DomainError(
                _("惩戒措施“%(name)s”不适用于该类失信主体。") % {"name": measure.name},
                field="measures",
                code="measure",
            )
    return measures


def record_propose(
    *,
    acting_user,
    record_id: int,
    category: str,
    domain: str,
    tier: str,
    facts: str,
    legal_basis: str,
    measure_ids: Iterable[int] = (),
    tier_rationale: str = "",
    must_disclose: bool = False,
    determining_unit_id: int | None = None,
    ip_address: str | None = None,
) -> Record:
    measure_ids = _require_some_measure(measure_ids)
    require_choice(category, Category, "category", _("失信类别"))
    require_choice(domain, Domain, "domain", _("重点领域"))
    require_choice(tier, Tier, "tier", _("失信等级"))
    facts = require_public_text(facts, "facts", _("请填写失信事实。"))
    legal_basis = require_public_text(legal_basis, "legal_basis", _("请填写认定依据。"))
    if determining_unit_id and not Organisation.objects.filter(pk=determining_unit_id).exists():
        raise DomainError(_("认定单位不存在。"), field="determining_unit", code="not_found")

    measures: list[Measure] = []

    def change(record: Record) -> None:
        nonlocal measures
        measures = _validated_measures(measure_ids, record)
        record.category, record.domain, record.tier = category, domain, tier
        record.facts, record.legal_basis, record.tier_rationale = (
            facts,
            legal_basis,
            tier_rationale,
        )
        record.must_disclose = bool(must_disclose) and tier == Tier.MINOR
        record.determining_unit_id = determining_unit_id or acting_user.organisation_id
        record.proposed_by = acting_user

    def after(record: Record) -> None:
        record.measures.set(measures)
        rules.close_deadline(record, RuleCode.VERIFICATION)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="propose",
        change=change,
        after=after,
        ip_address=ip_address,
    )


# Back to the officer: the approver returns a proposal for rework ─────────────────────
def record_return_proposal(
    *, acting_user, record_id: int, reason: str, ip_address: str | None = None
) -> Record:
    """PROPOSED or PRE_NOTICE → VERIFYING. The officer reworks the case and proposes again;
    verification runs again for its full period from today (docs/decisions.md)."""
    reason = require_text(reason, "reason", _("退回拟认定须说明理由。"))

    def after(record: Record) -> None:
        _withdraw_prior_notice(record)
        rules.open_deadline(record, RuleCode.VERIFICATION, clock.today())

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="return_proposal",
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


# The officer corrects the proposal until the determination ──────────────────────────
def _proposal_values(*, category, domain, tier, facts, legal_basis, tier_rationale, must_disclose) -> dict:
    """The fields sent (None: left as they are), each checked as the proposal checks it."""
    values = {}
    for name, value, choices, label in (
        ("category", category, Category, _("失信类别")),
        ("domain", domain, Domain, _("重点领域")),
        ("tier", tier, Tier, _("失信等级")),
    ):
        if value is not None:
            values[name] = require_choice(value, choices, name, label)
    if facts is not None:
        values["facts"] = require_public_text(facts, "facts", _("请填写失信事实。"))
    if legal_basis is not None:
        values["legal_basis"] = require_public_text(legal_basis, "legal_basis", _("请填写认定依据。"))
    if tier_rationale is not None:
        values["tier_rationale"] = tier_rationale.strip()
    if must_disclose is not None:
        values["must_disclose"] = bool(must_disclose)
    return values


def _changed_fields(record: Record, values: dict) -> dict:
    """What `values` would change on `record`; a 轻微 flag does not outlive a higher tier."""
    changed = {name: v for name, v in values.items() if getattr(record, name) != v}
    tier = changed.get("tier", record.tier)
    must_disclose = changed.get("must_disclose", record.must_disclose) and tier == Tier.MINOR
    if must_disclose != record.must_disclose:
        changed["must_disclose"] = must_disclose
    else:
        changed.pop("must_disclose", None)
    return changed


def _require_a_change(changed: dict, measures_changed: bool) -> None:
    if not changed and not measures_changed:
        raise DomainError(_("拟认定内容没有变化，无需修改。"), field="changes", code="no_change")


def record_amend_proposal(
    *,
    acting_user,
    record_id: int,
    reason: str,
    category: str | None = None,
    domain: str | None = None,
    tier: str | None = None,
    facts: str | None = None,
    legal_basis: str | None = None,
    tier_rationale: str | None = None,
    must_disclose: bool | None = None,
    measure_ids: Iterable[int] | None = None,
    ip_address: str | None = None,
) -> Record:
    """修改拟认定: PROPOSED or PRE_NOTICE → PROPOSED, audited with the field diff (measures
    included). A prior notice already out described the old proposal: the defence window
    closes, and the approver approves a new prior notice for the amended one."""
    reason = require_text(reason, "reason", _("请填写修改理由。"))
    values = _proposal_values(
        category=category,
        domain=domain,
        tier=tier,
        facts=facts,
        legal_basis=legal_basis,
        tier_rationale=tier_rationale,
        must_disclose=must_disclose,
    )
    if measure_ids is not None:
        measure_ids = _require_some_measure(measure_ids)

    new_measures: list[Measure] | None = None  # None: the measures stay as they are

    def change(record: Record) -> None:
        nonlocal new_measures
        if measure_ids is not None:
            measures = _validated_measures(measure_ids, record)
            if {m.pk for m in measures} != set(record.measures.values_list("pk", flat=True)):
                new_measures = measures
        changed = _changed_fields(record, values)
        _require_a_change(changed, new_measures is not None)
        for name, value in changed.items():
            setattr(record, name, value)

    def after(record: Record) -> None:
        if new_measures is not None:
            record.measures.set(new_measures)
        _withdraw_prior_notice(record)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="amend_proposal",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
    )


# T6 (officer's side) ────────────────────────────────────────────────────────────────
def answer_defence_refusal(record: Record) -> Refusal | None:
    """Why the officer cannot answer a statement and defence on `record` now, or None.

    A proposal has one to answer only after the subject made it (it takes the record back
    to 拟认定). The service raises the refusal; the case page does not offer the step then."""
    if not record.defence_statement:
        return DomainError(
            _("该记录没有待答复的陈述申辩：当事人提交陈述申辩后才能答复。"),
            field="defence_statement",
            code="no_defence",
        )
    return None


def record_answer_defence(
    *, acting_user, record_id: int, reply: str, ip_address: str | None = None
) -> Record:
    reply = require_text(reply, "reply", _("请填写对陈述申辩的答复。"))

    def change(record: Record) -> None:
        if (refused := answer_defence_refusal(record)) is not None:
            raise refused
        record.defence_reply = reply

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="answer_defence",
        change=change,
        reason=reply,
        ip_address=ip_address,
    )


# T5 ───────────────────────────────────────────────────────────────────────────────
def record_approve_pre_notice(*, acting_user, record_id: int, ip_address: str | None = None) -> Record:
    """The approver approves the proposal: PROPOSED → PRE_NOTICE, and the 事前告知书 is
    drafted (notices.drafting, after the commit). Nothing is served yet: the defence window opens when the
    issued notice is served (`pre_notice_service`), counted from that service."""

    def change(record: Record) -> None:
        refuse(own_proposal(acting_user, record))
        _check_measures_in_force(record)
        if record.defence_statement and not record.defence_reply:
            raise DomainError(
                _("陈述申辩尚未答复，不能重新告知。"),
                field="defence_reply",
                code="defence",
            )
        # A new notice for this proposal: the one served before (if any) no longer counts.
        record.pre_notice_served_on = None
        record.defence_waived = False

    def after(record: Record) -> None:
        _withdraw_prior_notice(record)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="approve_pre_notice",
        change=change,
        after=after,
        ip_address=ip_address,
    )


def pre_notice_service(served_on: dt.date):
    """The (change, after) pair of the 事前告知书's service: the record notes the date, the
    5-WD defence window runs from it, and the determination is due 10 WD after the window's
    last day (T7; known now, so the case shows its next limit as soon as the window closes).
    Taken by notices.services.notice_serve when the issued notice is served, or by
    `record_pre_notice_served` where no notice exists."""
    require_past_date(served_on, "served_on", _("事前告知书送达日期"))

    def change(record: Record) -> None:
        if record.pre_notice_served_on:
            raise DomainError(
                _("事前告知书已于 %(date)s 送达，不能重复登记送达。") % {"date": record.pre_notice_served_on},
                field="served_on",
                code="already_served",
            )
        record.pre_notice_served_on = served_on

    def after(record: Record) -> None:
        window = rules.open_deadline(record, RuleCode.DEFENCE_WINDOW, served_on)
        rules.open_deadline(record, RuleCode.DETERMINATION, window.due_on)

    return change, after


def record_pre_notice_served(
    *, acting_user, record_id: int, served_on: dt.date, ip_address: str | None = None
) -> Record:
    """The pre-notice's service recorded without a notice of this system (none was drafted:
    no issuer configured). Refused while a 事前告知书 of the record is on its way: then its
    own service records this one (notices.services.notice_serve)."""
    change, after = pre_notice_service(served_on)

    def guarded(record: Record) -> None:
        check_direct_service(record, "serve_pre_notice")
        change(record)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="serve_pre_notice",
        change=guarded,
        after=after,
        ip_address=ip_address,
    )


# T6 ───────────────────────────────────────────────────────────────────────────────
def defence_window(record: Record) -> Window:
    """The window the served prior notice opened (its last day None while none runs)."""
    deadline = record.deadlines.filter(kind=RuleCode.DEFENCE_WINDOW, status=DeadlineStatus.OPEN).first()
    return Window(
        name=_("陈述申辩期"),
        act=_("提交陈述申辩"),
        start=record.pre_notice_served_on,
        end=deadline.due_on if deadline else None,
    )


def submit_defence_refusal(record: Record, *, acting_user) -> Refusal | None:
    """Why `acting_user` cannot send a statement and defence on `record` today, or None.

    The subject answers a prior notice they were served, within the window it opened: once
    its last day has passed, the step is no longer theirs (the service refuses it, the case
    page, /unit/, /me/ and the inbox stop offering it), and the refusal names no input, since
    the subject's form has no date. Staff recording a defence received on paper in time may
    still: `filing_date` judges the day they give against the window."""
    if (refused := pre_notice_refusal(record)) is not None:
        return refused
    if may_record_paper_filings(acting_user):
        return None
    window = defence_window(record)
    if window.end is not None and clock.today() > window.end:
        return window.closed(None)
    return None


def record_submit_defence(
    *,
    acting_user,
    record_id: int,
    statement: str,
    received_on: dt.date | None = None,
    paper_filing_reason: str = "",
    ip_address: str | None = None,
) -> Record:
    """The subject's statement and defence, within the window the served prior notice
    opened, judged on the day the system receives it; the officer records one received on
    paper with its earlier day and `paper_filing_reason` (validation.filing_date)."""
    statement = require_text(statement, "statement", _("请填写陈述申辩意见。"))
    filed: list[Filing] = []

    def change(record: Record) -> None:
        if (refused := submit_defence_refusal(record, acting_user=acting_user)) is not None:
            raise refused
        filing = filing_date(
            acting_user=acting_user,
            given=received_on,
            paper_reason=paper_filing_reason,
            window=defence_window(record),
        )
        filed.append(filing)
        record.defence_statement, record.defence_reply = statement, ""

    def after(record: Record) -> None:
        rules.close_deadline(record, RuleCode.DEFENCE_WINDOW)
        # Back to 拟认定 for an answer: a determination waits for a new prior notice.
        rules.close_deadline(record, RuleCode.DETERMINATION, status=DeadlineStatus.CANCELLED)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="submit_defence",
        change=change,
        after=after,
        reason=statement,
        ip_address=ip_address,
        capture=with_filing(snapshot, filed),
    )


def pre_notice_refusal(record: Record) -> Refusal | None:
    """The subject answers, and the approver determines, only a prior notice they were served."""
    if record.pre_notice_served_on:
        return None
    return DomainError(
        _("事前告知书尚未送达（事前告知送达日期为空）：须先签发并送达事前告知书。"),
        field="pre_notice_served_on",
        code="pre_notice_not_served",
    )


def determine_refusal(acting_user, record: Record) -> Refusal | None:
    """T7's guard beyond role and state: another officer's proposal, its prior notice served."""
    return own_proposal(acting_user, record) or pre_notice_refusal(record)


def _check_pre_notice_served(record: Record, day: dt.date | None = None) -> None:
    refuse(pre_notice_refusal(record))
    if day is not None and day < record.pre_notice_served_on:
        raise DomainError(
            _("认定日期不能早于事前告知书送达日期（%(date)s）。") % {"date": record.pre_notice_served_on},
            field="determination_date",
            code="date_order",
        )


# T7 ───────────────────────────────────────────────────────────────────────────────
def record_determine(
    *,
    acting_user,
    record_id: int,
    determination_date: dt.date | None = None,
    defence_waived: bool = False,
    ip_address: str | None = None,
) -> Record:
    day = require_past_date(determination_date or clock.today(), "determination_date", _("认定日期"))

    def change(record: Record) -> None:
        refuse(determine_refusal(acting_user, record))
        _check_pre_notice_served(record, day)
        window = record.deadlines.filter(kind=RuleCode.DEFENCE_WINDOW).order_by("-id").first()
        if not defence_waived and window and day <= window.due_on:
            raise DomainError(
                _("陈述申辩期至 %(date)s 届满，届满前认定须有当事人书面放弃意见。") % {"date": window.due_on},
                field="determination_date",
                code="defence_window_open",
            )
        _check_measures_in_force(record)
        window = rules.disclosure_window(record.tier, day, must_disclose=record.must_disclose)
        record.determination_date = day
        record.defence_waived = bool(defence_waived)
        record.disclosure_rule = window.rule
        record.rule_version = window.rule.rule_version
        record.min_end, record.max_end = window.min_end, window.max_end
        record.determined_by = acting_user
        record.determining_unit_id = record.determining_unit_id or acting_user.organisation_id

    def after(record: Record) -> None:
        rules.close_deadline(record, RuleCode.DEFENCE_WINDOW)
        rules.close_deadline(record, RuleCode.DETERMINATION)
        rules.open_deadline(record, RuleCode.SERVICE, day)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="determine",
        change=change,
        after=after,
        ip_address=ip_address,
    )
