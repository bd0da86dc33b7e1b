"""Use cases of the accountability sub-process (责任追究/问责/处分, DOMAIN §6.4): open a case
on a record, investigate, hear, deliberate, decide, serve, execute, run and release the
sanction period, close. Appeals are in casework.services.accountability.appeals; periods and severity in
casework.services.accountability.sanctions.

Every case hangs off a record (its audit trail and deadlines are the record's). The case
is visible as casework.queries.visible_accountabilities says, which is wider than the
record for the persons and the unit concerned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import audit, clock, rules
from ...action_labels import AuditAction
from ...errors import DomainError, NotFoundError, PermissionDeniedError
from ...guards import Refusal, own_case, refuse
from ...language import official_language
from ...lifecycle import RECORD_STANDING, AccountabilityState, Step
from ...models import (
    Accountability,
    Appeal,
    Deadline,
    Organisation,
    Person,
    Rectification,
    Sanction,
    Track,
    User,
)
from ...models.records import DeadlineStatus
from ...permissions import has_role, role_refusal, roles_of
from ...roles import Role
from ...rule_table import RuleCode
from ..records import BATCH
from ..records.steps import RECORD
from ..steps import Creation, apply_step, check_direct_service, created_many
from ..validation import require_choice, require_past_date, require_text
from . import sanctions
from .case import CASE, FIRST_APPEAL_WINDOW, case_deadlines, case_snapshot, case_step, case_type

AS = AccountabilityState


# ── open a case ─────────────────────────────────────────────────────────────────────
#: Creation is not a transition of the table: an officer opens a case on a finding.
INITIATE_STEP = Step(
    "initiate",
    gettext_lazy("启动责任追究"),
    tuple(sorted(RECORD_STANDING)),
    None,
    frozenset({Role.OFFICER}),
    "§6.4",
)


def initiator_refusal(acting_user, record) -> Refusal | None:
    """An officer without a 回避 conflict opens a case, or the system escalating an overdue
    rectification (scenario 9)."""
    if acting_user is None:
        return None
    if not has_role(acting_user, Role.OFFICER):
        return PermissionDeniedError(_("只有办案人员可以启动责任追究。"), code="permission_denied")
    return role_refusal(acting_user, record, INITIATE_STEP)


def _initiating_role(acting_user, record) -> str:
    refuse(initiator_refusal(acting_user, record))
    return Role.SYSTEM if acting_user is None else Role.OFFICER


def _case_record(acting_user, record_id: int):
    if acting_user is not None:
        record = RECORD.get(acting_user, record_id, lock=False)
    else:
        record = RECORD.model.objects.filter(pk=record_id).first()
        if record is None:
            raise NotFoundError(str(RECORD.not_found), code="not_found")
    return record


def initiate_state_refusal(record) -> Refusal | None:
    """A case follows a finding: the record is determined and not revoked."""
    if record.state in RECORD_STANDING:
        return None
    return DomainError(
        _("失信记录处于“%(state)s”状态，不能启动责任追究。") % {"state": record.get_state_display()},
        field="record",
        code="record_state",
    )


def _subjects(record, person_ids: Iterable[int], unit_id: int | None) -> tuple[list[Person], int | None]:
    """The persons and unit held to account; by default the record's own subject."""
    ids = list(dict.fromkeys(person_ids or []))
    if not ids and not unit_id:
        return list(Person.objects.filter(pk=record.subject_person_id)), record.subject_organisation_id
    persons = list(Person.objects.filter(pk__in=ids))
    if len(persons) != len(ids):
        raise DomainError(_("被追责人员不存在。"), field="persons", code="not_found")
    if unit_id and not Organisation.objects.filter(pk=unit_id).exists():
        raise DomainError(_("被追责单位不存在。"), field="unit", code="not_found")
    return persons, unit_id


def _check_rectification(record, rectification_id: int | None) -> None:
    if rectification_id and not Rectification.objects.filter(pk=rectification_id, record=record).exists():
        raise DomainError(_("该整改不属于这条失信记录。"), field="rectification", code="not_found")


@transaction.atomic  # not durable: the rectification escalation opens a case inside its own step
def accountability_initiate(
    *,
    acting_user,
    record_id: int,
    track: str,
    reason: str,
    person_ids: Sequence[int] = (),
    unit_id: int | None = None,
    rectification_id: int | None = None,
    initiated_on: dt.date | None = None,
    ip_address: str | None = None,
) -> Accountability:
    require_choice(track, Track, "track", _("程序"))
    reason = require_text(reason, "reason", _("请填写立案事由。"))
    day = require_past_date(initiated_on or clock.today(), "initiated_on", _("立案日期"))
    record = _case_record(acting_user, record_id)
    role = _initiating_role(acting_user, record)
    refuse(initiate_state_refusal(record))
    persons, unit_id = _subjects(record, person_ids, unit_id)
    _check_rectification(record, rectification_id)
    case = Accountability(
        record=record,
        rectification_id=rectification_id,
        unit_id=unit_id,
        track=track,
        reason=reason,
        initiated_by=acting_user,
        initiated_on=day,
    )
    [case] = open_cases([(case, [p.pk for p in persons])], audit.Acting(acting_user, role, ip_address))
    return case


def open_cases(
    opened: Sequence[tuple[Accountability, Sequence[int]]], by: audit.Acting
) -> list[Accountability]:
    """Open unsaved cases, each with the ids of the persons it holds to account, inside the
    caller's transaction, one or many in a fixed number of statements: the cases' INSERT,
    their persons', an `accountability.initiate` entry each (the new case as the diff) and
    their reactions. How an officer's `accountability_initiate` and the escalation sweep open one."""
    cases = [case for case, _persons in opened]
    Accountability.objects.bulk_create(cases, batch_size=BATCH)
    through = Accountability.persons.through
    rows = [through(accountability_id=case.pk, person_id=pk) for case, ids in opened for pk in ids]
    through.objects.bulk_create(rows, batch_size=BATCH)
    creations = [
        Creation(case, case.record, case_snapshot(case, persons=ids), case.reason) for case, ids in opened
    ]
    created_many(creations, by, action=AuditAction.ACCOUNTABILITY_INITIATE)
    return cases


# ── investigation, hearing, deliberation ────────────────────────────────────────────
def _investigators(ids: Sequence[int]) -> list[User]:
    """S14 Art 42: at least two investigators, each a case officer."""
    users = [u for u in User.objects.filter(pk__in=set(ids or [])) if Role.OFFICER in roles_of(u)]
    if len(users) < 2:
        raise DomainError(_("调查须由两名以上办案人员进行。"), field="investigators", code="investigators")
    return users


def _end_escalation(case: Accountability) -> None:
    """DOMAIN §6.3 "second overdue": the 督办 step (≤5 WD) is done once the commission
    takes up the case the escalation opened; the order's `escalation` limit ends here."""
    if case.rectification_id:
        rules.close_deadline(case.record, RuleCode.ESCALATION, owner=case.rectification)


def accountability_investigate(
    *, acting_user, accountability_id: int, investigators: Sequence[int], ip_address: str | None = None
) -> Accountability:
    names = "、".join(u.get_full_name() or u.get_username() for u in _investigators(investigators))
    with official_language():
        reason = _("调查人员：%(names)s") % {"names": names}
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="investigate",
        after=_end_escalation,
        reason=reason,
        ip_address=ip_address,
    )


def accountability_hear(
    *,
    acting_user,
    accountability_id: int,
    notified_on: dt.date,
    statement: str = "",
    ip_address: str | None = None,
) -> Accountability:
    """S14 Art 43: the person is told the facts and the intended basis, and heard."""
    require_past_date(notified_on, "notified_on", _("告知日期"))
    with official_language():
        reason = _("%(date)s 告知拟处理事实和依据。") % {"date": notified_on}
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="hear",
        reason=f"{reason}{(statement or '').strip()}",
        ip_address=ip_address,
    )


def accountability_deliberate(
    *, acting_user, accountability_id: int, opinion: str, ip_address: str | None = None
) -> Accountability:
    opinion = require_text(opinion, "opinion", _("请填写审理意见。"))
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="deliberate",
        reason=opinion,
        ip_address=ip_address,
    )


# ── decision ────────────────────────────────────────────────────────────────────────
def _record_decisions(case: Accountability, parsed, combined: Mapping[int, int]) -> None:
    rows = sanctions.create_sanctions(case, parsed, combined)
    if any(r.decision_type in sanctions.HR_EXECUTION_TYPES for r in rows):
        rules.open_deadline(case.record, RuleCode.HR_EXECUTION, case.decided_on, owner=case)


def accountability_decide(
    *,
    acting_user,
    accountability_id: int,
    decisions: Sequence[Mapping],
    decided_on: dt.date | None = None,
    combined_periods: Mapping[int, int] | None = None,
    unit_measure: str = "",
    reason: str = "",
    ip_address: str | None = None,
) -> Accountability:
    """The collective decision (S14 Art 4, 44). `decisions`: [{person_id, decision_type,
    basis, effective_on}]; `combined_periods`: {person_id: months} for a person with
    several sanctions, within [longest, min(sum, cap)] (default: min(sum, cap)).
    No decision at all is 撤销案件 and needs a reason."""
    day = require_past_date(decided_on or clock.today(), "decided_on", _("决定日期"))
    if unit_measure and unit_measure not in sanctions.UNIT_MEASURES:
        raise DomainError(_("对单位的问责方式无效。"), field="unit_measure", code="invalid_choice")
    if not decisions and not unit_measure:
        reason = require_text(reason, "reason", _("不作处理须说明理由。"))
    combined = {int(k): int(v) for k, v in (combined_periods or {}).items()}

    parsed = []

    def change(case: Accountability) -> None:
        nonlocal parsed
        refuse(own_case(acting_user, case))
        if day < case.initiated_on:
            raise DomainError(_("决定日期不能早于立案日期。"), field="decided_on", code="date_order")
        parsed = sanctions.parse_decisions(decisions, case.track, day)
        sanctions.check_decisions(case, parsed, unit_measure, combined)
        case.decided_on = day

    with official_language():
        measure = str(sanctions.D(unit_measure).label) if unit_measure else ""
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="decide",
        change=change,
        after=lambda case: _record_decisions(case, parsed, combined),
        reason="；".join(p for p in (str(measure), reason.strip()) if p),
        ip_address=ip_address,
    )


# ── service, execution, period ──────────────────────────────────────────────────────
def _open_appeal_window(case: Accountability) -> None:
    if case.sanctions.exclude(decision_type__in=sanctions.NOT_APPEALABLE).exists():
        rules.open_deadline(case.record, FIRST_APPEAL_WINDOW[case.track], case.served_on, owner=case)


def service_change(served_on: dt.date):
    """The (change, after) pair of the decision's service (S14 Art 46): the appeal window
    runs from it. Taken by the service of the decision notices this system issues (政务处分
    决定书, 问责决定书: notices.services.notice_serve), or by `accountability_serve`."""
    require_past_date(served_on, "served_on", _("送达日期"))

    def change(case: Accountability) -> None:
        if served_on < case.decided_on:
            raise DomainError(_("送达日期不能早于决定日期。"), field="served_on", code="date_order")
        case.served_on = served_on

    return change, _open_appeal_window


def accountability_serve(
    *, acting_user, accountability_id: int, served_on: dt.date, ip_address: str | None = None
) -> Accountability:
    """The decision's service typed in: for a decision this system issues no notice of (the
    appointing body's own 处分决定书); refused while a decision notice of the case is on
    its way, whose service records it."""
    change, after = service_change(served_on)

    def guarded(case: Accountability) -> None:
        check_direct_service(case, "serve")
        change(case)

    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="serve",
        change=guarded,
        after=after,
        ip_address=ip_address,
    )


def accountability_execute(
    *, acting_user, accountability_id: int, note: str = "", ip_address: str | None = None
) -> Accountability:
    """HR applies the consequences (post, rank, pay) and files the decision (S14 Art 54)."""
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="execute",
        after=lambda case: rules.close_deadline(case.record, RuleCode.HR_EXECUTION, owner=case),
        reason=(note or "").strip(),
        ip_address=ip_address,
    )


def _hear_pending_appeals(case: Accountability) -> None:
    """An appeal filed while the decision was with HR left the case there (it suspends
    nothing, S15 Art 56); with the period running it is the appeal's turn."""
    if Appeal.objects.filter(sanction__accountability=case, outcome="").exists():
        case.appeal()
        case.save()


def accountability_start_period(
    *, acting_user, accountability_id: int, ip_address: str | None = None
) -> Accountability:
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="start_period",
        after=_hear_pending_appeals,
        ip_address=ip_address,
    )


def _running(on: dt.date) -> models.Q:
    return models.Q(revoked=False, released_on__isnull=True, period_end__gte=on)


def _release_ended(case: Accountability, on: dt.date) -> None:
    if case.sanctions.filter(_running(on)).exists():
        raise DomainError(_("处分期尚未届满。"), field="period_end", code="period_running")
    case.sanctions.filter(revoked=False, released_on__isnull=True, period_end__lt=on).update(released_on=on)


def accountability_release(
    *, acting_user, accountability_id: int, ip_address: str | None = None
) -> Accountability:
    """S14 Art 26: released at the end of the period (normally by the daily sweep)."""
    today = clock.today()
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="release",
        change=lambda case: _release_ended(case, today),
        ip_address=ip_address,
    )


def _check_closable(case: Accountability) -> None:
    today = clock.today()
    if case.sanctions.filter(_running(today)).exists():
        raise DomainError(_("仍有处分在处分期内，不能办结。"), field="state", code="period_running")
    if Appeal.objects.filter(sanction__accountability=case, outcome="").exists():
        raise DomainError(_("仍有未决的复审/复核/申诉，不能办结。"), field="state", code="appeal_pending")
    windows = case_deadlines(case).filter(kind__in=FIRST_APPEAL_WINDOW.values(), due_on__gte=today)
    if windows.exists():
        raise DomainError(
            _("申请复审/复核/申诉的期限尚未届满，不能办结。"), field="state", code="window_open"
        )


def accountability_close(
    *, acting_user, accountability_id: int, reason: str = "", ip_address: str | None = None
) -> Accountability:
    return case_step(
        acting_user=acting_user,
        case_id=accountability_id,
        step="close",
        change=_check_closable,
        after=lambda case: case_deadlines(case).update(status=DeadlineStatus.CANCELLED),
        reason=(reason or "").strip(),
        ip_address=ip_address,
    )


# ── the daily sweep ─────────────────────────────────────────────────────────────────
def _release_entry(sanction: Sanction) -> dict:
    return dict(
        actor=None,
        role=Role.SYSTEM,
        obj=sanction,
        record=sanction.accountability.record,
        action=AuditAction.SANCTION_RELEASE,
        reason=_("处分期满自动解除"),
        diff={"released_on": [None, sanction.released_on]},
    )


def _release_sanctions(today: dt.date) -> int:
    due = Sanction.objects.select_for_update(skip_locked=True).filter(
        revoked=False, released_on__isnull=True, period_end__lt=today
    )
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    stamped = Sanction.objects.filter(pk__in=ids, released_on__isnull=True).update(released_on=today)
    if stamped != len(ids):
        # Only without row locks (SQLite): another sweep got there first; leave it to it.
        transaction.set_rollback(True)
        return 0
    released = Sanction.objects.filter(pk__in=ids).select_related("accountability__record").order_by("pk")
    audit.append_many(_release_entry(s) for s in released)
    return len(ids)


def _release_cases(today: dt.date) -> None:
    running = Sanction.objects.filter(_running(today)).values("accountability")
    cases = Accountability.objects.select_for_update(skip_locked=True, of=("self",))
    for case in cases.filter(state=AS.IN_PERIOD).exclude(pk__in=running).select_related("record"):
        apply_step(CASE, case, audit.SYSTEM, step="release", capture=case_snapshot)


def _lapsed_windows(on: dt.date) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        owner_type=case_type(),
        kind__in=FIRST_APPEAL_WINDOW.values(),
        status=DeadlineStatus.OPEN,
        due_on__lt=on,
    )


def sanctions_release_due(today: dt.date | None = None) -> int:
    """Release every sanction whose period ended before `today` (S14 Art 26: automatic at
    the end of the period), move the cases with nothing left running from IN_PERIOD to
    RELEASED, and close the appeal windows that lapsed unused. Set-based and idempotent;
    rows another worker holds are skipped. Returns the number of sanctions released."""
    today = today or clock.today()
    with transaction.atomic(durable=True):
        count = _release_sanctions(today)
        if transaction.get_rollback():
            return 0
        _release_cases(today)
        _lapsed_windows(today).update(status=DeadlineStatus.MET)
    return count
