"""Appeals against a decision (DOMAIN §6.4; scenarios 20, 21): 复审 and 复核 of a 政务处分
(S15 Art 56), 复核 and 申诉 under the 公务员法 (S16 Art 95), 问责申诉 (S19).

The windows and decision limits are rule rows (`appeal_<kind>_apply`, `..._decide`),
action deadlines rolled forward off rest days. An appeal never suspends the sanction
(S15 Art 56; S16 Art 96): its period and its effect on honours run on. The decision on
an appeal may uphold, vary or revoke, never make the sanction heavier (S14 Art 55–59).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from ... import audit, clock, queries, rules
from ...errors import ConflictError, DomainError
from ...guards import NOT_THE_SANCTIONED, Refusal, refuse
from ...language import official_language
from ...lifecycle import ACCOUNTABILITY_STEPS
from ...models import Accountability, Appeal, AppealKind, AppealOutcome, Sanction, Track, User
from ...permissions import acting_role, role_refusal, roles_of
from ...roles import Role
from ...rule_table import RuleCode
from .. import reactions
from ..steps import apply_step
from ..validation import (
    Window,
    filing_date,
    may_record_paper_filings,
    require_choice,
    require_past_date,
    require_text,
    with_filing,
)
from . import sanctions
from .case import CASE, FIRST_APPEAL_WINDOW, case_snapshot

K = AppealKind
KINDS_BY_TRACK = {
    Track.SUPERVISORY: (K.REVIEW, K.RE_REVIEW),
    Track.APPOINTING: (K.CS_REVIEW, K.COMPLAINT),
    Track.PARTY: (K.PARTY_APPEAL,),
}
#: The appeal whose decision opens the next one (复审 → 复核; 公务员法 复核 → 申诉).
PREVIOUS = {K.RE_REVIEW: K.REVIEW, K.COMPLAINT: K.CS_REVIEW}


def _code(kind: str, suffix: str) -> str:
    return f"appeal_{kind.lower()}_{suffix}"


def _due(code: str, start: dt.date) -> dt.date:
    return rules.due(code, start).date


def _window(sanction: Sanction, kind: str) -> tuple[dt.date, str]:
    """The day the window starts and its rule: from service of the decision, or from the
    decision on the previous appeal. 申诉 may also be filed directly within 30 days."""
    previous = PREVIOUS.get(kind)
    if previous is None:
        return sanction.accountability.served_on, _code(kind, "apply")
    prior = sanction.appeals.filter(kind=previous, decided_on__isnull=False).order_by("-decided_on").first()
    if prior is not None:
        return prior.decided_on, _code(kind, "apply")
    if kind == K.COMPLAINT:
        return sanction.accountability.served_on, RuleCode.APPEAL_COMPLAINT_DIRECT_APPLY
    raise DomainError(_("须先申请复审并收到复审决定，方可申请复核。"), field="kind", code="review_first")


def appeal_window_end(sanction: Sanction, kind: str) -> dt.date:
    start, code = _window(sanction, kind)
    return _due(code, start)


def appeal_window(sanction: Sanction, kind: str) -> Window:
    start, code = _window(sanction, kind)
    return Window(
        name=_("%(kind)s申请期") % {"kind": K(kind).label},
        act=_("提出申请"),
        start=start,
        end=_due(code, start),
    )


def _own_appeal(user, sanction: Sanction) -> bool:
    roles = roles_of(user) & ACCOUNTABILITY_STEPS["appeal"].roles
    return Role.CIVIL_SERVANT in roles and user.person_id == sanction.person_id


def filer_refusal(user, sanction: Sanction) -> Refusal | None:
    """Who may appeal a decision: the sanctioned civil servant, as every decision row is on
    a person and the appeal is that person's own right (DOMAIN §2 R7; S14 Art 55, S16 Art
    95). The unit's liaison or head sees the case but acts only "for the unit" (R5), never
    for a colleague. The case officer records an appeal the commission received on paper
    (validation.filing_date)."""
    if _own_appeal(user, sanction):
        return None
    if may_record_paper_filings(user):
        return role_refusal(user, sanction.accountability.record, ACCOUNTABILITY_STEPS["appeal"])
    return NOT_THE_SANCTIONED.refusal()


def filer_role(user, case: Accountability, sanction: Sanction) -> str:
    refuse(filer_refusal(user, sanction))
    if _own_appeal(user, sanction):
        return Role.CIVIL_SERVANT
    return acting_role(user, case.record, ACCOUNTABILITY_STEPS["appeal"])


def _check_appealable(case: Accountability, sanction: Sanction, kind: str) -> None:
    if kind not in KINDS_BY_TRACK[case.track]:
        raise DomainError(_("该程序的决定不适用“%(kind)s”。") % {"kind": K(kind).label}, field="kind")
    if sanction.revoked or sanction.decision_type in sanctions.NOT_APPEALABLE or not case.served_on:
        raise DomainError(_("该决定不能申请复审、复核或申诉。"), field="sanction", code="not_appealable")
    if sanction.appeals.filter(outcome="").exists():
        raise DomainError(_("该决定已有未决的申请。"), field="sanction", code="appeal_pending")
    if sanction.appeals.filter(kind=kind).exists():
        raise DomainError(_("同一决定不能重复申请“%(kind)s”。") % {"kind": K(kind).label}, field="kind")


def _unappealed(case: Accountability):
    """The decisions whose person has not yet appealed: the first window is shared by
    everyone served with the case, and one person's appeal does not end another's."""
    live = case.sanctions.filter(revoked=False).exclude(decision_type__in=sanctions.NOT_APPEALABLE)
    return live.filter(appeals__isnull=True)


#: HR has not yet executed the decision or started its period: an appeal suspends neither
#: (S15 Art 56; S16 Art 96), so the case stays where HR's next step is due and enters
#: APPEALED when its period starts (casework.services.accountability).
EXECUTION_PENDING = frozenset({CASE.states.SERVED, CASE.states.EXECUTING})


def _keeps_state(case, step: str, others_open: bool) -> bool:
    if case.state in EXECUTION_PENDING:
        return True
    if step == "appeal":
        return case.state == CASE.states.APPEALED
    return others_open


def _record_step(
    *,
    acting_user: User,
    case: Accountability,
    role,
    step,
    change,
    reason,
    ip_address,
    others_open: bool = False,
    capture=case_snapshot,
) -> None:
    """Take `step` when the case state changes with it; when the decision is still with HR,
    or another appeal in the case already holds it APPEALED (`others_open`: keeps it there),
    make the change and audit it alone."""
    if _keeps_state(case, step, others_open):
        before = capture(case)
        change(case)
        audit.append(
            audit.Acting(acting_user, role, ip_address),
            obj=case,
            record=case.record,
            action=f"accountability.{step}",
            from_state=case.state,
            to_state=case.state,
            reason=reason,
            diff=audit.field_diff(before, capture(case)),
        )
        reactions.note(case, step, acting_user=acting_user, role=role)
        return
    apply_step(
        CASE,
        case,
        audit.Acting(acting_user, role, ip_address),
        step=step,
        change=change,
        reason=reason,
        capture=capture,
    )


def accountability_appeal(
    *,
    acting_user,
    sanction_id: int,
    kind: str,
    grounds: str,
    filed_on: dt.date | None = None,
    paper_filing_reason: str = "",
    ip_address: str | None = None,
) -> Appeal:
    """Scenario 20: the 复审 window after service on Tue 2026-09-01 runs through 10-08. The
    appeal is filed on the day the system receives it; an earlier `filed_on` only for a
    paper appeal the officer records, with `paper_filing_reason` (validation.filing_date)."""
    require_choice(kind, AppealKind, "kind", _("申请类型"))
    grounds = require_text(grounds, "grounds", _("请填写申请理由。"))
    sanction = queries.sanction_get(user=acting_user, sanction_id=sanction_id)
    with transaction.atomic(durable=True):
        case = CASE.get(acting_user, sanction.accountability_id, lock=True)
        sanction = Sanction.objects.select_related("accountability").get(pk=sanction_id)
        role = filer_role(acting_user, case, sanction)
        _check_appealable(case, sanction, kind)
        filing = filing_date(
            acting_user=acting_user,
            given=filed_on,
            paper_reason=paper_filing_reason,
            field="filed_on",
            name=_("申请日期"),
            window=appeal_window(sanction, kind),
        )
        created, filed = [], []

        def change(case: Accountability) -> None:
            due = _due(_code(kind, "decide"), filing.on)
            appeal = Appeal.objects.create(
                sanction=sanction, kind=kind, filed_on=filing.on, grounds=grounds, decision_due=due
            )
            rules.open_deadline(case.record, _code(kind, "decide"), filing.on, owner=appeal)
            if not _unappealed(case).exists():
                rules.close_deadline(case.record, FIRST_APPEAL_WINDOW[case.track], owner=case)
            created.append(appeal)
            filed.append(filing)

        _record_step(
            acting_user=acting_user,
            case=case,
            role=role,
            step="appeal",
            change=change,
            reason=grounds,
            ip_address=ip_address,
            capture=with_filing(case_snapshot, filed),
        )
    return created[0]


# ── the decision on an appeal ───────────────────────────────────────────────────────
def _vary(sanction: Sanction, decision_type: str, basis: str) -> None:
    track_types = sanctions.TRACK_TYPES[sanction.accountability.track]
    if decision_type not in track_types or decision_type == sanctions.D.TRANSFERRED:
        raise DomainError(_("变更后的处理类型无效。"), field="decision_type", code="decision_type")
    if sanctions.heavier(decision_type, sanction.decision_type):
        raise DomainError(
            _("复审、复核不得加重处分（原决定：%(old)s）。")
            % {"old": sanctions.D(sanction.decision_type).label},
            field="decision_type",
            code="heavier",
        )
    sanction.decision_type = decision_type
    sanction.basis = (basis or "").strip() or sanction.basis


def _apply_outcome(sanction: Sanction, outcome: str, decision_type: str, basis: str) -> None:
    """REVOKED restores eligibility at once; VARIED recomputes the person's period, never
    longer than it was (the ceiling)."""
    if outcome == AppealOutcome.UPHELD:
        return
    rows = list(
        Sanction.objects.filter(
            accountability_id=sanction.accountability_id, person_id=sanction.person_id
        ).select_for_update()
    )
    target = next(r for r in rows if r.pk == sanction.pk)
    target.accountability = sanction.accountability
    previous = sum(r.period_months for r in rows if not r.revoked)
    if outcome == AppealOutcome.REVOKED:
        target.revoked = True
    else:
        _vary(target, decision_type, basis)
    sanctions.assign_periods(rows, ceiling=previous or None)
    Sanction.objects.bulk_update(rows, ["decision_type", "basis", "period_months", "period_end", "revoked"])


def _locked_open_appeal(appeal_id: int, seen_outcome: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("sanction__accountability").get(pk=appeal_id)
    if appeal.outcome:
        error = DomainError if seen_outcome else ConflictError
        raise error(_("该申请已作出决定。"), field="outcome", code="decided" if seen_outcome else "conflict")
    return appeal


def accountability_decide_appeal(
    *,
    acting_user,
    appeal_id: int,
    outcome: str,
    decided_on: dt.date | None = None,
    decision_type: str = "",
    basis: str = "",
    reason: str = "",
    ip_address: str | None = None,
) -> Appeal:
    require_choice(outcome, AppealOutcome, "outcome", _("复审/复核结果"))
    day = require_past_date(decided_on or clock.today(), "decided_on", _("决定日期"))
    if outcome == AppealOutcome.VARIED and not decision_type:
        raise DomainError(_("变更决定须写明变更后的处理类型。"), field="decision_type", code="required")
    seen = queries.appeal_get(user=acting_user, appeal_id=appeal_id)
    with transaction.atomic(durable=True):
        case = CASE.get(acting_user, seen.sanction.accountability_id, lock=True)
        role = acting_role(acting_user, case.record, ACCOUNTABILITY_STEPS["decide_appeal"])
        appeal = _locked_open_appeal(appeal_id, seen.outcome)
        if day < appeal.filed_on:
            raise DomainError(_("决定日期不能早于申请日期。"), field="decided_on", code="date_order")
        others_open = (
            Appeal.objects.filter(sanction__accountability=case, outcome="").exclude(pk=appeal.pk).exists()
        )

        def change(case: Accountability) -> None:
            _apply_outcome(appeal.sanction, outcome, decision_type, basis)
            appeal.outcome, appeal.decided_on = outcome, day
            appeal.save(update_fields=["outcome", "decided_on"])
            rules.close_deadline(case.record, _code(appeal.kind, "decide"), owner=appeal)

        with official_language():
            label = str(AppealOutcome(outcome).label)
        _record_step(
            acting_user=acting_user,
            case=case,
            role=role,
            step="decide_appeal",
            change=change,
            reason="；".join(p for p in (str(label), (reason or "").strip()) if p),
            ip_address=ip_address,
            others_open=others_open,
        )
    return appeal
