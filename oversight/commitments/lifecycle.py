"""The commitment's, the milestone's and the change request's states and steps on one screen
(as casework.lifecycle does for a record).

Commitment
  IN_FORCE ──change (an approved change request)──► CHANGED   lawfully changed, still in force
  IN_FORCE, CHANGED ──complete (every milestone performed)──► PERFORMED
  IN_FORCE, CHANGED ──breach (an officer finds it broken)──► BREACHED   a PRM lead
Milestone
  PENDING ──perform──► PERFORMED
  PENDING, MISSED ──miss (reason and explanation)──► MISSED   a PRM lead when the reason is no excuse
  MISSED ──perform (late)──► PERFORMED                         the lead, if any, stays
Change request
  SUBMITTED ──approve / reject (an approver who did not submit it)──► APPROVED / REJECTED

DOMAIN §9.3 and §9.8: non-performance because of 机构调整 or 人员变动 (换届, 责任更替) is 违约失信
whatever else is on file; a change is lawful only for the national or public interest (or force
majeure), through the statutory procedure, with compensation decided.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.lifecycle import Step
from casework.permissions import UNIT_ROLES
from casework.roles import Role


class CommitmentType(models.TextChoices):
    INVESTMENT = "investment", _("招商引资")
    POLICY = "policy", _("政策承诺")
    CONTRACT = "contract", _("合同协议")
    PUBLIC = "public", _("基层公开承诺")


class CommitmentState(models.TextChoices):
    IN_FORCE = "in_force", _("履行中")
    CHANGED = "changed", _("已依法变更")
    PERFORMED = "performed", _("已履行")
    BREACHED = "breached", _("违约")


class MilestoneState(models.TextChoices):
    PENDING = "pending", _("待履行")
    PERFORMED = "performed", _("已履行")
    MISSED = "missed", _("未履行")


class Reason(models.TextChoices):
    """Why a milestone was not performed, or why a change is asked for."""

    RESTRUCTURING = "restructuring", _("机构调整")
    PERSONNEL = "personnel", _("人员变动")
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
    PUBLIC_INTEREST = "public_interest", _("国家利益或社会公共利益需要依法变更")
    OTHER = "other", _("其他")


class ChangeState(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")


#: Never an excuse (§9.3, S7): 换届 and 责任更替 do not release a government from its word.
BREACH_REASONS = frozenset({Reason.RESTRUCTURING, Reason.PERSONNEL})
#: The only grounds on which a commitment may be changed (§9.8; S25 Art 31).
CHANGE_REASONS = (Reason.PUBLIC_INTEREST, Reason.FORCE_MAJEURE)
#: A commitment still to be kept: its milestones are recorded, it may be changed or broken.
LIVE_STATES = (CommitmentState.IN_FORCE, CommitmentState.CHANGED)

#: Who registers commitments and records their milestones: the commission's officers, and a
#: unit's liaison or head for their own unit (`scope` in services checks the unit).
KEEPER_ROLES = frozenset({Role.OFFICER, *UNIT_ROLES})
#: Who finds a commitment broken as a whole: the commission only.
BREACH_ROLES = frozenset({Role.OFFICER})
#: Who decides a change request: an approver, never the one who submitted it.
DECIDE_ROLES = frozenset({Role.APPROVER})

C, M, CR = CommitmentState, MilestoneState, ChangeState


def _step(name, label, sources, target, roles, ref) -> Step:
    return Step(name, label, tuple(sources), target, frozenset(roles), ref)


COMMITMENT_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step("register", _("登记承诺"), [], C.IN_FORCE, KEEPER_ROLES, "§9.8"),
        _step("add_milestone", _("添加履约节点"), LIVE_STATES, None, KEEPER_ROLES, "§9.8"),
        # Taken by the milestone step that performs the last milestone, not by hand.
        _step("complete", _("承诺履行完毕"), LIVE_STATES, C.PERFORMED, KEEPER_ROLES, "§9.8"),
        # Taken by the approval of a change request, not by hand.
        _step("change", _("依法变更承诺"), [C.IN_FORCE], C.CHANGED, DECIDE_ROLES, "§9.8"),
        _step("breach", _("认定违约"), LIVE_STATES, C.BREACHED, BREACH_ROLES, "§9.8 (c)"),
        _step("request_change", _("申请依法变更"), LIVE_STATES, None, KEEPER_ROLES, "§9.8"),
    ]
}

MILESTONE_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step("perform", _("登记已履行"), [M.PENDING, M.MISSED], M.PERFORMED, KEEPER_ROLES, "§9.8"),
        # Again on a missed milestone: the reason or explanation corrected, never a second lead.
        _step("miss", _("登记未履行"), [M.PENDING, M.MISSED], M.MISSED, KEEPER_ROLES, "§9.8, §9.3"),
    ]
}

CHANGE_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step("approve", _("批准变更"), [CR.SUBMITTED], CR.APPROVED, DECIDE_ROLES, "§9.8"),
        _step("reject", _("不予批准变更"), [CR.SUBMITTED], CR.REJECTED, DECIDE_ROLES, "§9.8"),
    ]
}
