"""Every lifecycle on one screen: the record (DOMAIN §5.1) and its sub-processes (§6.2–6.5).
For each step: its label, the states it leaves from, the state it reaches and the roles
that may take it.

The FSM methods on the models and the services read these tables; nothing else decides
who may move a case where.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role

#: The one short name of each state enum, wherever a module abbreviates it (never another, so
#: `RS.DRAFT` means the same thing in every file; tests/test_enum_aliases.py checks it).
ENUM_ALIASES = {
    "RecordState": "S",
    "ObjectionState": "OS",
    "RectificationState": "RS",
    "ItemState": "IS",
    "AccountabilityState": "AS",
    "RepairState": "PS",
    "NoticeState": "NS",  # notices.lifecycle
}


class RecordState(models.TextChoices):
    LEAD = "LEAD", _("线索")
    VERIFYING = "VERIFYING", _("核查中")
    DISMISSED = "DISMISSED", _("不予认定")
    PROPOSED = "PROPOSED", _("拟认定")
    PRE_NOTICE = "PRE_NOTICE", _("事前告知")
    DETERMINED = "DETERMINED", _("已认定")
    EFFECTIVE = "EFFECTIVE", _("生效")
    REVOKED = "REVOKED", _("已撤销")
    REPAIRED = "REPAIRED", _("已修复")
    EXPIRED = "EXPIRED", _("期满")
    ARCHIVED = "ARCHIVED", _("归档")


S = RecordState

#: States in which the record is a decision: changes to it are amendments, audited with a diff.
DECIDED_STATES = frozenset({S.DETERMINED, S.EFFECTIVE, S.REVOKED, S.REPAIRED, S.EXPIRED, S.ARCHIVED})
#: From the prior notice on, the subject (its unit, or the civil servant) may see the record:
#: before it the case is an internal investigation.
RECORD_SUBJECT_VISIBLE = (
    S.PRE_NOTICE,
    S.DETERMINED,
    S.EFFECTIVE,
    S.REVOKED,
    S.REPAIRED,
    S.EXPIRED,
    S.ARCHIVED,
)
#: A finding that stands: determined, neither revoked nor archived. It may be followed by an
#: accountability case (S14 Art 49) and objected to (DOMAIN §6.2 "When": not PRE_NOTICE, that
#: is the 陈述申辩 of §6.1; not REVOKED, nothing is left on display to object to).
RECORD_STANDING = (S.DETERMINED, S.EFFECTIVE, S.REPAIRED, S.EXPIRED)
#: A decision in force: rectification may be ordered, obligations marked fulfilled.
RECORD_IN_FORCE = (S.DETERMINED, S.EFFECTIVE)
#: The case is still being worked: nothing decided has taken effect yet.
RECORD_IN_PROGRESS = (S.LEAD, S.VERIFYING, S.PROPOSED, S.PRE_NOTICE, S.DETERMINED)
#: No longer held against the subject nor displayed.
RECORD_ENDED = (S.REVOKED, S.REPAIRED, S.EXPIRED, S.ARCHIVED)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    roles: frozenset[str]
    domain_ref: str  # the row of DOMAIN §5.1


def _step(name, label, sources, target, roles, ref) -> Step:
    return Step(name, label, tuple(sources), target, frozenset(roles), ref)


RECORD_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step(
            "start_verification",
            _("开始核查"),
            [S.LEAD],
            S.VERIFYING,
            [Role.OFFICER],
            "T2",
        ),
        # Also from a proposal, until the determination: no proposal is a dead end.
        _step(
            "dismiss",
            _("不予认定"),
            [S.LEAD, S.VERIFYING, S.PROPOSED, S.PRE_NOTICE],
            S.DISMISSED,
            [Role.APPROVER],
            "T3",
        ),
        _step("propose", _("提出拟认定"), [S.VERIFYING], S.PROPOSED, [Role.OFFICER], "T4"),
        # The approver sends a proposal back for rework (with a reason); the officer
        # proposes again. The prior notice of the old proposal, if any, no longer applies.
        _step(
            "return_proposal",
            _("退回拟认定"),
            [S.PROPOSED, S.PRE_NOTICE],
            S.VERIFYING,
            [Role.APPROVER],
            "T4 (c)",
        ),
        # The officer corrects the proposal until the determination; once the prior
        # notice is out, the corrected proposal needs a new one (back to PROPOSED).
        _step(
            "amend_proposal",
            _("修改拟认定"),
            [S.PROPOSED, S.PRE_NOTICE],
            S.PROPOSED,
            [Role.OFFICER],
            "T4 (c)",
        ),
        _step(
            "answer_defence",
            _("答复陈述申辩"),
            [S.PROPOSED],
            None,
            [Role.OFFICER],
            "T6",
        ),
        # The approval drafts the 事前告知书; the defence window opens only when the issued
        # notice is served (serve_pre_notice, taken by the notice's own service).
        _step(
            "approve_pre_notice",
            _("批准事前告知"),
            [S.PROPOSED],
            S.PRE_NOTICE,
            [Role.APPROVER],
            "T5",
        ),
        _step(
            "serve_pre_notice",
            _("登记事前告知书送达"),
            [S.PRE_NOTICE],
            None,
            [Role.OFFICER],
            "T5",
        ),
        _step(
            "submit_defence",
            _("提交陈述申辩"),
            [S.PRE_NOTICE],
            S.PROPOSED,
            [Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.CIVIL_SERVANT, Role.OFFICER],
            "T6",
        ),
        _step("determine", _("认定"), [S.PRE_NOTICE], S.DETERMINED, [Role.APPROVER], "T7"),
        _step("serve", _("登记送达"), [S.DETERMINED], S.EFFECTIVE, [Role.OFFICER], "T8"),
        _step(
            "amend",
            _("更正"),
            [S.DETERMINED, S.EFFECTIVE],
            None,
            [Role.APPROVER],
            "T14",
        ),
        _step("revoke", _("撤销"), [S.EFFECTIVE], S.REVOKED, [Role.APPROVER], "T10"),
        _step("repair", _("信用修复"), [S.EFFECTIVE], S.REPAIRED, [Role.APPROVER], "T11"),
        _step("reinstate", _("撤销修复"), [S.REPAIRED], S.EFFECTIVE, [Role.APPROVER], "§6.5"),
        _step("expire", _("公示期满"), [S.EFFECTIVE], S.EXPIRED, [Role.SYSTEM], "T12"),
        _step(
            "archive",
            _("归档"),
            [S.REPAIRED, S.EXPIRED, S.REVOKED, S.DISMISSED],
            S.ARCHIVED,
            [Role.OFFICER, Role.SYSTEM],
            "T13",
        ),
    ]
}


SUBJECT_ROLES = (Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.CIVIL_SERVANT)


def _table(*steps: Step) -> dict[str, Step]:
    return {s.name: s for s in steps}


# ── Objection (异议), DOMAIN §6.2 ───────────────────────────────────────────────────
class ObjectionState(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("已提交")
    NEEDS_SUPPLEMENT = "NEEDS_SUPPLEMENT", _("待补正")
    ACCEPTED = "ACCEPTED", _("已受理")
    NOT_ACCEPTED = "NOT_ACCEPTED", _("不予受理")
    VERIFYING = "VERIFYING", _("核查中")
    EXTENDED = "EXTENDED", _("已延期")
    DECIDED = "DECIDED", _("已决定")
    SERVED = "SERVED", _("已送达")
    CLOSED = "CLOSED", _("已办结")


OS = ObjectionState
#: Accepted and not yet decided: the record carries the "异议处理中" flag.
OBJECTION_PENDING = (OS.ACCEPTED, OS.VERIFYING, OS.EXTENDED)
OBJECTION_STEPS = _table(
    _step("request_supplement", _("通知补正"), [OS.SUBMITTED], OS.NEEDS_SUPPLEMENT, [Role.OFFICER], "§6.2"),
    _step("supplement", _("补正材料"), [OS.NEEDS_SUPPLEMENT], OS.SUBMITTED, SUBJECT_ROLES, "§6.2"),
    _step("accept", _("受理异议"), [OS.SUBMITTED], OS.ACCEPTED, [Role.OFFICER], "§6.2"),
    # SYSTEM: a repeated objection (same grounds, no new evidence) is refused on filing.
    _step("refuse", _("不予受理"), [OS.SUBMITTED], OS.NOT_ACCEPTED, [Role.OFFICER, Role.SYSTEM], "§6.2"),
    _step("start_verification", _("开始核查"), [OS.ACCEPTED], OS.VERIFYING, [Role.OFFICER], "§6.2"),
    _step("extend", _("延期处理"), [OS.VERIFYING], OS.EXTENDED, [Role.APPROVER], "§6.2"),
    _step("decide", _("作出异议处理决定"), [OS.VERIFYING, OS.EXTENDED], OS.DECIDED, [Role.APPROVER], "§6.2"),
    _step("serve", _("送达处理结果"), [OS.DECIDED], OS.SERVED, [Role.OFFICER], "§6.2"),
    _step("close", _("办结"), [OS.SERVED], OS.CLOSED, [Role.OFFICER, Role.SYSTEM], "§6.2"),
)


# ── Rectification (整改), DOMAIN §6.3: the case, and each numbered item ─────────────────
class RectificationState(models.TextChoices):
    DRAFT = "DRAFT", _("拟稿")
    ISSUED = "ISSUED", _("已下达")
    IN_PROGRESS = "IN_PROGRESS", _("整改中")
    SUBMITTED = "SUBMITTED", _("已提交")
    REVIEWING = "REVIEWING", _("审核中")
    RETURNED = "RETURNED", _("已退回")
    ACCEPTED = "ACCEPTED", _("已验收销号")
    ESCALATED = "ESCALATED", _("已督办")
    MOOT = "MOOT", _("无需整改")


class ItemState(models.TextChoices):
    OPEN = "OPEN", _("整改中")
    SUBMITTED = "SUBMITTED", _("已提交")
    ACCEPTED = "ACCEPTED", _("已验收")
    RETURNED = "RETURNED", _("已退回")
    OVERDUE = "OVERDUE", _("已逾期")
    URGED = "URGED", _("已催办")
    ESCALATED = "ESCALATED", _("已督办")
    MOOT = "MOOT", _("无需整改")


class RequestState(models.TextChoices):
    """An item's extension request (scenario 11): decided once, by the approver."""

    PENDING = "PENDING", _("待审批")
    APPROVED = "APPROVED", _("已批准")
    REJECTED = "REJECTED", _("不予批准")


RS = RectificationState
IS = ItemState
#: Until it is served, an order is the commission's internal draft.
RECTIFICATION_UNSERVED = (RS.DRAFT, RS.ISSUED)
#: Served and in the unit's hands until it is accepted.
RECTIFICATION_WITH_UNIT = (RS.IN_PROGRESS, RS.SUBMITTED, RS.REVIEWING, RS.RETURNED)
#: An order still running: no second one may be drafted for the record.
RECTIFICATION_RUNNING = (*RECTIFICATION_UNSERVED, *RECTIFICATION_WITH_UNIT)
#: Not closed: a revocation makes it moot.
RECTIFICATION_OPEN = (*RECTIFICATION_RUNNING, RS.ESCALATED)
#: No longer standing in the way of a repair.
RECTIFICATION_SETTLED = (RS.ACCEPTED, RS.MOOT)
RECTIFICATION_STEPS = _table(
    _step("issue", _("下达整改通知"), [RS.DRAFT], RS.ISSUED, [Role.APPROVER], "§6.3"),
    _step("serve", _("送达整改通知"), [RS.ISSUED], RS.IN_PROGRESS, [Role.OFFICER], "§6.3"),
    _step("sign_off", _("主要负责人签字"), [RS.IN_PROGRESS, RS.RETURNED], None, [Role.UNIT_HEAD], "§6.3"),
    _step(
        "submit", _("提交整改报告"), [RS.IN_PROGRESS, RS.RETURNED], RS.SUBMITTED, [Role.UNIT_LIAISON], "§6.3"
    ),
    _step("start_review", _("开始审核"), [RS.SUBMITTED], RS.REVIEWING, [Role.OFFICER], "§6.3"),
    _step("return_items", _("退回整改"), [RS.REVIEWING], RS.RETURNED, [Role.OFFICER], "§6.3"),
    _step("accept", _("验收销号"), [RS.REVIEWING], RS.ACCEPTED, [Role.APPROVER, Role.OFFICER], "§6.3"),
    _step(
        "escalate",
        _("督办/约谈"),
        [RS.IN_PROGRESS, RS.RETURNED],
        RS.ESCALATED,
        [Role.SYSTEM, Role.OFFICER],
        "§6.3",
    ),
    _step(
        "close_moot",
        _("撤销后无需整改"),
        RECTIFICATION_OPEN,
        RS.MOOT,
        [Role.SYSTEM, Role.APPROVER],
        "scenario 6",
    ),
)
ITEM_STEPS = _table(
    _step(
        "submit",
        _("提交整改材料"),
        [IS.OPEN, IS.RETURNED, IS.OVERDUE, IS.URGED],
        IS.SUBMITTED,
        [Role.UNIT_LIAISON],
        "§6.3",
    ),
    _step("accept", _("验收"), [IS.SUBMITTED], IS.ACCEPTED, [Role.OFFICER], "§6.3"),
    _step("return_", _("退回"), [IS.SUBMITTED], IS.RETURNED, [Role.OFFICER], "scenario 10"),
    _step("mark_overdue", _("逾期"), [IS.OPEN, IS.RETURNED], IS.OVERDUE, [Role.SYSTEM], "scenario 9"),
    _step("urge", _("催办"), [IS.OVERDUE], IS.URGED, [Role.SYSTEM, Role.OFFICER], "scenario 9"),
    _step("escalate", _("督办"), [IS.URGED], IS.ESCALATED, [Role.SYSTEM, Role.OFFICER], "scenario 9"),
    _step(
        "close_moot",
        _("无需整改"),
        [IS.OPEN, IS.SUBMITTED, IS.RETURNED, IS.OVERDUE, IS.URGED],
        IS.MOOT,
        [Role.SYSTEM],
        "scenario 6",
    ),
)


# ── Accountability (责任追究/问责/处分), DOMAIN §6.4 ───────────────────────────────────
class AccountabilityState(models.TextChoices):
    INITIATED = "INITIATED", _("已立案")
    INVESTIGATING = "INVESTIGATING", _("调查中")
    HEARING = "HEARING", _("陈述申辩")
    DELIBERATION = "DELIBERATION", _("审理")
    DECIDED = "DECIDED", _("已决定")
    SERVED = "SERVED", _("已送达")
    EXECUTING = "EXECUTING", _("执行中")
    IN_PERIOD = "IN_PERIOD", _("处分期内")
    APPEALED = "APPEALED", _("申诉/复审中")
    RELEASED = "RELEASED", _("已解除")
    CLOSED = "CLOSED", _("已办结")


AS = AccountabilityState
#: From the hearing on, the persons and the unit concerned see the case (S14 Art 43).
ACCOUNTABILITY_SUBJECT_VISIBLE = (
    AS.HEARING,
    AS.DELIBERATION,
    AS.DECIDED,
    AS.SERVED,
    AS.EXECUTING,
    AS.IN_PERIOD,
    AS.APPEALED,
    AS.RELEASED,
    AS.CLOSED,
)
#: From the decision on, HR sees the case.
ACCOUNTABILITY_HR_VISIBLE = ACCOUNTABILITY_SUBJECT_VISIBLE[2:]
#: Decided and not yet carried out.
ACCOUNTABILITY_UNEXECUTED = (AS.DECIDED, AS.SERVED)
#: Waiting for HR to carry the decision out.
ACCOUNTABILITY_TO_EXECUTE = (AS.SERVED, AS.EXECUTING)
ACCOUNTABILITY_STEPS = _table(
    _step("investigate", _("开始调查"), [AS.INITIATED], AS.INVESTIGATING, [Role.OFFICER], "§6.4"),
    _step("hear", _("告知并听取陈述申辩"), [AS.INVESTIGATING], AS.HEARING, [Role.OFFICER], "§6.4"),
    _step("deliberate", _("提请审理"), [AS.HEARING], AS.DELIBERATION, [Role.OFFICER], "§6.4"),
    _step("decide", _("作出决定"), [AS.DELIBERATION], AS.DECIDED, [Role.APPROVER], "§6.4"),
    _step("serve", _("送达决定"), [AS.DECIDED], AS.SERVED, [Role.OFFICER], "§6.4"),
    _step("execute", _("执行"), [AS.SERVED], AS.EXECUTING, [Role.HR_ADMIN, Role.OFFICER], "§6.4"),
    _step(
        "start_period", _("处分期开始"), [AS.EXECUTING], AS.IN_PERIOD, [Role.HR_ADMIN, Role.SYSTEM], "§6.4"
    ),
    _step(
        "appeal",
        _("申请复审/复核/申诉"),
        [AS.SERVED, AS.EXECUTING, AS.IN_PERIOD, AS.APPEALED],  # APPEALED: a second person of the case
        AS.APPEALED,
        # The sanctioned person's own right (DOMAIN §2 R7); the officer records one received on paper.
        [Role.CIVIL_SERVANT, Role.OFFICER],
        "scenario 20",
    ),
    _step(
        "decide_appeal", _("作出复审/复核决定"), [AS.APPEALED], AS.IN_PERIOD, [Role.APPROVER], "scenario 20"
    ),
    _step("release", _("处分期满解除"), [AS.IN_PERIOD], AS.RELEASED, [Role.SYSTEM, Role.HR_ADMIN], "§6.4"),
    _step(
        "close",
        _("办结"),
        [AS.DECIDED, AS.SERVED, AS.RELEASED],
        AS.CLOSED,
        [Role.OFFICER, Role.SYSTEM],
        "§6.4",
    ),
)


# ── Credit repair (信用修复), DOMAIN §6.5 ─────────────────────────────────────────────
class RepairState(models.TextChoices):
    SUBMITTED = "SUBMITTED", _("已提交")
    ACCEPTED = "ACCEPTED", _("已受理")
    EXTENDED = "EXTENDED", _("已延期")
    GRANTED = "GRANTED", _("准予修复")
    REFUSED = "REFUSED", _("不予修复")
    REVOKED = "REVOKED", _("已撤销修复")


PS = RepairState
#: Not decided yet: no second application may be filed.
REPAIR_OPEN = (PS.SUBMITTED, PS.ACCEPTED, PS.EXTENDED)
REPAIR_STEPS = _table(
    _step("accept", _("受理修复申请"), [PS.SUBMITTED], PS.ACCEPTED, [Role.OFFICER, Role.SYSTEM], "§6.5"),
    _step("extend", _("延长决定期限"), [PS.ACCEPTED], PS.EXTENDED, [Role.APPROVER], "§6.5"),
    _step("grant", _("准予修复"), [PS.ACCEPTED, PS.EXTENDED], PS.GRANTED, [Role.APPROVER], "§6.5"),
    # SYSTEM: an application failing an eligibility condition is refused on filing.
    _step(
        "refuse",
        _("不予修复"),
        [PS.SUBMITTED, PS.ACCEPTED, PS.EXTENDED],
        PS.REFUSED,
        [Role.APPROVER, Role.SYSTEM],
        "§6.5",
    ),
    _step("revoke", _("撤销修复"), [PS.GRANTED], PS.REVOKED, [Role.APPROVER], "§6.5"),
)
