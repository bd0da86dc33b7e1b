"""The record lifecycle on one screen (DOMAIN §5.1): states, and for each step its label,
the states it leaves from, the state it reaches and the roles that may take it.

The FSM methods on `Record` and the services in casework/services/records.py read this
table; nothing else decides who may move a record where.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


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
        _step(
            "dismiss",
            _("不予认定"),
            [S.LEAD, S.VERIFYING],
            S.DISMISSED,
            [Role.APPROVER],
            "T3",
        ),
        _step("propose", _("提出拟认定"), [S.VERIFYING], S.PROPOSED, [Role.OFFICER], "T4"),
        _step(
            "answer_defence",
            _("答复陈述申辩"),
            [S.PROPOSED],
            None,
            [Role.OFFICER],
            "T6",
        ),
        _step(
            "approve_pre_notice",
            _("批准并送达事前告知"),
            [S.PROPOSED],
            S.PRE_NOTICE,
            [Role.APPROVER],
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
