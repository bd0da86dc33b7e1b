"""Reads, already scoped to the user: the commission's assessors and approvers see every
year; a unit's liaison and head see approved years, and only their own unit's result, lines
and the records behind them they may see (casework.permissions.visible_records)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from casework.permissions import UNIT_ROLES, has_role, visible_records
from casework.roles import Role
from notices.models import Notice

from ..models import Assessment, AssessmentState, ResultObjection, ScoreLine
from . import notice, scoring

READ_ROLES = frozenset({Role.ASSESSOR, Role.APPROVER})


def visible_assessments(user) -> QuerySet[Assessment]:
    if has_role(user, *READ_ROLES):
        return Assessment.objects.all()
    if has_role(user, *UNIT_ROLES) and user.organisation_id:
        return Assessment.objects.filter(
            state=AssessmentState.APPROVED, results__organisation_id=user.organisation_id
        ).distinct()
    return Assessment.objects.none()


def own_result(user, assessment: Assessment) -> scoring.UnitScore | None:
    """The user's unit's current result, ranked among all units."""
    for score in scoring.results(assessment):
        if score.organisation_id == user.organisation_id:
            return score
    return None


def latest_own_result(user) -> tuple[Assessment, scoring.UnitScore] | None:
    """The user's unit's result in the latest approved year it was assessed in (the unit's
    dashboard), or None before any."""
    if not (has_role(user, *UNIT_ROLES) and user.organisation_id):
        return None
    latest = visible_assessments(user).filter(state=AssessmentState.APPROVED).order_by("-year").first()
    result = own_result(user, latest) if latest else None
    return (latest, result) if latest and result else None


def lines_for(user, assessment: Assessment, organisation_id: int) -> list[tuple[ScoreLine, list[dict]]]:
    """A unit's lines, each with its references; a reference carries `visible` (the user may
    open the record behind it) so the page links only those."""
    lines = list(assessment.lines.filter(organisation_id=organisation_id).select_related("indicator"))
    record_ids = {ref.get("record_id") for line in lines for ref in line.references} - {None}
    visible = set(visible_records(user).filter(pk__in=record_ids).values_list("pk", flat=True))
    return [_masked(line, visible) for line in lines]


def _masked(line: ScoreLine, visible: set[int]) -> tuple[ScoreLine, list[dict]]:
    """A line resting on a record the user may not see names neither it nor its reference
    (the explanation quotes the reference): it says the indicator and that it is hidden."""
    refs = [{**ref, "visible": ref.get("record_id") in visible} for ref in line.references]
    hidden = [ref for ref in refs if ref.get("record_id") is not None and not ref["visible"]]
    if hidden:
        refs = [ref for ref in refs if ref not in hidden] + [
            {"label": _("您无权查看的记录"), "visible": False}
        ]
        line.explanation = _("%(indicator)s：涉及您无权查看的记录") % {"indicator": line.indicator.name}
    return line, refs


def own_lines(user, assessment: Assessment) -> list[tuple[ScoreLine, list[dict]]]:
    return lines_for(user, assessment, user.organisation_id)


def own_objections(user, assessment: Assessment) -> QuerySet[ResultObjection]:
    return assessment.objections.filter(organisation_id=user.organisation_id)


def result_notice(user, assessment: Assessment, organisation_id: int) -> Notice | None:
    """The unit's result notice (N24): the commission's readers see every unit's, a unit's
    liaison and head only their own."""
    if not has_role(user, *READ_ROLES) and organisation_id != user.organisation_id:
        return None
    if not visible_assessments(user).filter(pk=assessment.pk).exists():
        return None
    return notice.result_notice_for(assessment, organisation_id)
