"""A unit's objection to its approved result (考核结果异议), and the assessor's answer.

The window: CHENGXIN["ASSESSMENT"]["OBJECTION_WORKING_DAYS"] working days after the approval
day (casework.calendar). An upheld objection adds an adjustment line and appends a new
revision of the unit's result; the approved revision stays as it was.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.errors import DomainError, PermissionDeniedError
from casework.permissions import UNIT_ROLES, has_role
from casework.services.validation import require_text

from ..models import Assessment, AssessmentState, LineOrigin, ObjectionState, ResultObjection, ScoreLine
from . import scoring
from .lifecycle import action, objection_deadline
from .services import _acting, _guard, _locked, _points


def objection_refusal(user, assessment: Assessment, today: dt.date) -> str:
    """Why the user's unit may not object now ("" when it may)."""
    if not (has_role(user, *UNIT_ROLES) and user.organisation_id):
        return _("只有被考核单位的联络员或负责人可以提出异议。")
    if assessment.state != AssessmentState.APPROVED:
        return _("考核结果尚未审定，不能提出异议。")
    if not assessment.results.filter(organisation_id=user.organisation_id).exists():
        return _("本单位不在本年度考核范围内。")
    deadline = objection_deadline(assessment)
    if deadline is not None and today > deadline:
        return _("异议期已于 %(day)s 届满，不能再提出异议。") % {"day": deadline.isoformat()}
    if assessment.objections.filter(
        organisation_id=user.organisation_id, state=ObjectionState.PENDING
    ).exists():
        return _("本单位已有一件待答复的异议。")
    return ""


@transaction.atomic(durable=True)
def objection_file(
    *, acting_user, assessment_id: int, reason: str, ip_address: str | None = None
) -> ResultObjection:
    assessment = _locked(assessment_id)
    reason = require_text(reason, "reason", _("请填写异议理由。"))
    today = clock.today()
    if refused := objection_refusal(acting_user, assessment, today):
        raise PermissionDeniedError(refused, field="reason", code="refused")
    objection = ResultObjection.objects.create(
        assessment=assessment,
        organisation_id=acting_user.organisation_id,
        reason=reason,
        filed_by=acting_user,
        filed_on=today,
    )
    audit.append(
        _acting(acting_user, "object", ip_address),
        obj=objection,
        action=action("object"),
        to_state=ObjectionState.PENDING,
        reason=reason,
    )
    return objection


@transaction.atomic(durable=True)
def objection_answer(
    *,
    acting_user,
    objection_id: int,
    upheld: bool,
    answer: str,
    points=None,
    indicator_id: int | None = None,
    ip_address: str | None = None,
) -> ResultObjection:
    """Upheld: the adjustment (points on an indicator) and a new result revision; rejected: the
    reason. Either way the answer is required."""
    objection = ResultObjection.objects.select_for_update().filter(pk=objection_id).first()
    if objection is None:
        raise DomainError(_("异议不存在。"), field="objection", code="not_found")
    assessment = _locked(objection.assessment_id)
    _guard(acting_user, assessment, "answer")
    if objection.state != ObjectionState.PENDING:
        raise DomainError(_("该异议已答复。"), field="objection")
    answer = require_text(answer, "answer", _("请填写答复意见。"))
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.REJECTED
    objection.answer, objection.answered_by, objection.answered_on = answer, acting_user, clock.today()
    if upheld:
        objection.line = _adjust(assessment, objection, points, indicator_id, answer, acting_user)
    objection.save()
    audit.append(
        _acting(acting_user, "answer", ip_address),
        obj=objection,
        action=action("answer"),
        from_state=ObjectionState.PENDING,
        to_state=objection.state,
        reason=answer,
    )
    return objection


def _adjust(assessment, objection, points, indicator_id, answer, user) -> ScoreLine:
    points = _points(points if points not in (None, "") else "", "points")
    indicator = assessment.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise DomainError(_("异议成立时请选择调整的指标。"), field="indicator")
    line = ScoreLine.objects.create(
        assessment=assessment,
        organisation_id=objection.organisation_id,
        indicator=indicator,
        origin=LineOrigin.OBJECTION,
        points=points,
        explanation=_("异议成立调整：") + answer[:480],
        reason=answer,
        created_by=user,
    )
    last = assessment.results.filter(organisation_id=objection.organisation_id).order_by("-revision").first()
    [score] = scoring.live_scores(assessment, organisation_ids=[objection.organisation_id])
    [row] = scoring.freeze_rows(assessment, [score], revision=(last.revision if last else 0) + 1)
    row.save()
    return line
