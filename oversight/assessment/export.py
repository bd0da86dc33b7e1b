"""The workbook a 考评办 expects: one row per unit — unit, one column per indicator, the
deductions with their references, total, grade, rank — from the same results the page shows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from exchange.spreadsheets import write_xlsx

from ..models import Assessment
from . import scoring


def workbook(assessment: Assessment) -> bytes:
    indicators = list(assessment.indicators.all())
    headers = [
        _("单位"),
        *(f"{i.name}（{i.weight}）" for i in indicators),
        _("扣分明细及依据"),
        _("总分"),
        _("等级"),
        _("排名"),
    ]
    rows = (
        [
            score.name,
            *(float(score.scores.get(i.code, 0)) for i in indicators),
            score.deductions,
            float(score.total),
            score.grade,
            score.rank,
        ]
        for score in scoring.results(assessment)
    )
    return write_xlsx(headers, rows, title=_("%(year)s年度考核结果") % {"year": assessment.year})
