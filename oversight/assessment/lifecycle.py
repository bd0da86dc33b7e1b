"""The assessment's states and steps on one screen (as casework.lifecycle does for a record).

DRAFT ──start_scoring──► SCORING ──submit──► SUBMITTED ──approve──► APPROVED (results frozen)
  ↺ edit_tree              ↺ recompute, adjust     └──return──► SCORING (with a reason)

The tree is edited in DRAFT only: once scoring starts it is frozen. The approver must not be
the person who submitted (separation of duties). After approval a unit may object within
its window (CHENGXIN["ASSESSMENT"]["OBJECTION_WORKING_DAYS"]) and an assessor answers.
A unit's result notice whose rendering failed is rendered again on an approver's request
(retry_render).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casework import calendar
from casework.lifecycle import Step
from casework.permissions import UNIT_ROLES
from casework.roles import Role

from ..models import AssessmentState

A = AssessmentState
ASSESSORS = frozenset({Role.ASSESSOR})
APPROVERS = frozenset({Role.APPROVER})


def _step(name, label, sources, target, roles) -> Step:
    return Step(name, label, tuple(sources), target, frozenset(roles), "§9.1 (c)")


ASSESSMENT_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step("edit_tree", _("编辑考核指标"), [A.DRAFT], None, ASSESSORS),
        _step("start_scoring", _("开始评分（冻结指标）"), [A.DRAFT], A.SCORING, ASSESSORS),
        _step("recompute", _("重新计算扣分"), [A.SCORING], None, ASSESSORS),
        _step("adjust", _("人工加减分"), [A.SCORING], None, ASSESSORS),
        _step("submit", _("提交审定"), [A.SCORING], A.SUBMITTED, ASSESSORS),
        _step("return", _("退回重新评分"), [A.SUBMITTED], A.SCORING, APPROVERS),
        _step("approve", _("审定并冻结结果"), [A.SUBMITTED], A.APPROVED, APPROVERS),
        _step("object", _("对考核结果提出异议"), [A.APPROVED], None, UNIT_ROLES),
        _step("answer", _("答复考核结果异议"), [A.APPROVED], None, ASSESSORS),
        _step("retry_render", _("重新生成考核结果通报"), [A.APPROVED], None, APPROVERS),
    ]
}

#: Stored audit action of each step ("assessment.<step>"): hashed into the chain, never renamed.
AUDIT_PREFIX = "assessment"


def action(step: str) -> str:
    return f"{AUDIT_PREFIX}.{step}"


def objection_deadline(assessment) -> dt.date | None:
    """The last day of the units' objection window, once the year is approved."""
    if assessment.approved_on is None:
        return None
    days = settings.CHENGXIN["ASSESSMENT"]["OBJECTION_WORKING_DAYS"]
    return calendar.add_working_days(assessment.approved_on, days).date
