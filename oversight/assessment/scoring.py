"""From score lines to scores: each indicator's score is its starting value (its weight, or
0 for an additions indicator) plus its lines' points, kept between 0 and its weight — so an
indicator's deductions never exceed its weight. A unit's total is the sum of its indicators;
grades and ranks follow from the totals (CHENGXIN["ASSESSMENT"]["GRADES"]).

Before approval the scores are read live from the lines; after it, from the frozen
`UnitResult` rows, which nothing later changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Max

from casework.models import Organisation

from ..models import Assessment, AssessmentState, Indicator, ScoreLine, UnitResult

ZERO = Decimal(0)


@dataclass
class UnitScore:
    organisation_id: int
    name: str
    scores: dict[str, Decimal]
    total: Decimal
    grade: str
    deductions: str = ""
    rank: int = 0
    lines: list[ScoreLine] = field(default_factory=list)


def assessed_units():
    types = settings.CHENGXIN["ASSESSMENT"]["UNIT_TYPES"]
    return Organisation.objects.filter(is_active=True, type__in=types).order_by("name", "pk")


def grade_for(total: Decimal) -> str:
    for grade, minimum in settings.CHENGXIN["ASSESSMENT"]["GRADES"]:
        if total >= Decimal(str(minimum)):
            return grade
    return settings.CHENGXIN["ASSESSMENT"]["GRADES"][-1][0]


def indicator_score(indicator: Indicator, points: Decimal) -> Decimal:
    start = ZERO if indicator.bonus else indicator.weight
    return min(max(start + points, ZERO), indicator.weight)


def deduction_text(lines: list[ScoreLine]) -> str:
    """The lines as the 考评办 reads them: indicator, points, explanation, references."""
    return "\n".join(
        f"{line.indicator.name} {line.points:+}：{line.explanation}"
        + (f"（{'、'.join(ref['label'] for ref in line.references)}）" if line.references else "")
        for line in lines
    )


def unit_score(organisation: Organisation, indicators: list[Indicator], lines: list[ScoreLine]) -> UnitScore:
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        sums[line.indicator_id] += line.points
    scores = {i.code: indicator_score(i, sums[i.pk]) for i in indicators}
    total = sum(scores.values(), ZERO)
    return UnitScore(
        organisation.pk,
        organisation.name,
        scores,
        total,
        grade_for(total),
        deduction_text(lines),
        lines=lines,
    )


def live_scores(assessment: Assessment, organisation_ids=None) -> list[UnitScore]:
    """Three queries for every unit: indicators, units, lines."""
    indicators = list(assessment.indicators.all())
    units = assessed_units()
    lines = assessment.lines.select_related("indicator").order_by("indicator__position", "pk")
    if organisation_ids is not None:
        units, lines = (
            units.filter(pk__in=organisation_ids),
            lines.filter(organisation_id__in=organisation_ids),
        )
    by_unit: dict[int, list[ScoreLine]] = defaultdict(list)
    for line in lines:
        by_unit[line.organisation_id].append(line)
    return [unit_score(unit, indicators, by_unit[unit.pk]) for unit in units]


def current_results(assessment: Assessment):
    """Each unit's latest revision of its frozen result."""
    latest = assessment.results.values("organisation").annotate(last=Max("revision"))
    wanted = {row["organisation"]: row["last"] for row in latest}
    return [
        r
        for r in assessment.results.order_by("organisation_name", "organisation_id", "-revision")
        if wanted.get(r.organisation_id) == r.revision
    ]


def frozen_scores(assessment: Assessment) -> list[UnitScore]:
    return [
        UnitScore(
            r.organisation_id,
            r.organisation_name,
            {code: Decimal(value) for code, value in r.scores.items()},
            r.total,
            r.grade,
            r.deductions,
        )
        for r in current_results(assessment)
    ]


def ranked(scores: list[UnitScore]) -> list[UnitScore]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores, key=lambda s: (-s.total, s.name))
    for position, score in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        score.rank = previous.rank if previous and previous.total == score.total else position
    return ordered


def results(assessment: Assessment) -> list[UnitScore]:
    """What the page and the workbook show: frozen once approved, live before."""
    if assessment.state == AssessmentState.APPROVED:
        return ranked(frozen_scores(assessment))
    return ranked(live_scores(assessment))


def freeze_rows(assessment: Assessment, scores: list[UnitScore], revision: int = 1) -> list[UnitResult]:
    return [
        UnitResult(
            assessment=assessment,
            organisation_id=s.organisation_id,
            organisation_name=s.name,
            revision=revision,
            scores={code: str(value) for code, value in s.scores.items()},
            deductions=s.deductions,
            total=s.total,
            grade=s.grade,
        )
        for s in scores
    ]
