"""The result notice (年度政务诚信考核评价结果通报, N24) each assessed unit receives when the
approver approves the year: its score, grade and rank, its main deductions and the standings
of every unit, issued through notices.addressed in the approval's transaction."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from casework import audit
from notices.addressed import addressed_notices, issue_addressed
from notices.models import Notice

from ..models import Assessment
from . import scoring
from .lifecycle import objection_deadline

TYPE_CODE = "N24"


def deductions(score: scoring.UnitScore, indicators) -> list[dict]:
    """Per indicator, the points it lost (never more than its weight) and how many lines took
    them: the largest first. The records behind them are on the unit's page, not in the notice."""
    rows = []
    for indicator in indicators:
        lost = indicator.weight - score.scores[indicator.code]
        if indicator.bonus or lost <= 0:
            continue
        count = sum(1 for line in score.lines if line.indicator_id == indicator.pk and line.points < 0)
        rows.append({"indicator": indicator.name, "points": _points(lost), "count": count})
    return sorted(rows, key=lambda row: -Decimal(row["points"]))


def data_for(assessment: Assessment, score: scoring.UnitScore, ranked: list, indicators) -> dict:
    return {
        "addressee": score.name,
        "year": assessment.year,
        "method": settings.CHENGXIN["ASSESSMENT"]["METHOD"],
        "unit_count": len(ranked),
        "total": _points(score.total),
        "grade": score.grade,
        "rank": score.rank,
        "deductions": deductions(score, indicators),
        "standings": [
            {"rank": s.rank, "unit": s.name, "total": _points(s.total), "grade": s.grade} for s in ranked
        ],
        "objection_deadline": objection_deadline(assessment).isoformat(),
    }


def issue_result_notices(assessment: Assessment, ranked: list[scoring.UnitScore], by: audit.Acting) -> int:
    """One numbered notice per unit, in the approval's transaction; how many were issued."""
    indicators = list(assessment.indicators.all())
    organisations = {
        o.pk: o for o in scoring.assessed_units().filter(pk__in=[s.organisation_id for s in ranked])
    }
    for score in ranked:
        issue_addressed(
            by=by,
            type_code=TYPE_CODE,
            addressed_to=organisations[score.organisation_id],
            about=assessment,
            data=data_for(assessment, score, ranked, indicators),
        )
    return len(ranked)


def result_notices(assessment: Assessment):
    return addressed_notices(assessment).filter(type_code=TYPE_CODE)


def result_notice_for(assessment: Assessment, organisation_id: int) -> Notice | None:
    return result_notices(assessment).filter(addressed_to_id=organisation_id).first()


def result_notice_to_retry(assessment: Assessment, organisation_id: int) -> Notice | None:
    """The unit's result notice, a voided one included (so that its retry is refused by name)."""
    issued = result_notice_for(assessment, organisation_id)
    if issued is not None:
        return issued
    return (
        Notice.objects.filter(
            record__isnull=True,
            type_code=TYPE_CODE,
            content_type=ContentType.objects.get_for_model(Assessment),
            object_id=assessment.pk,
            addressed_to_id=organisation_id,
        )
        .order_by("-pk")
        .first()
    )


def _points(value: Decimal) -> str:
    return f"{value:.1f}"
