"""The list of figures: name (the URL and the sheet), title, query function, chart type.

Every page, export and the benchmark read these lists, so a figure is added with one line.
The integrity-file coverage and the assessment grades joined this way when their parts came in:
a query function taking (*, user, scope) and returning a Table, and one line below.

Chart types (static/js/charts.js): "line", "bar", "hbar" (horizontal bars, long labels),
"pie". `series` names the columns drawn (by index); the first column labels the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import figures, unit
from .figures import Table
from .scope import Scope

Query = Callable[..., Table]


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: str | Promise
    query: Query
    chart: str
    series: tuple[int, ...] = (1,)

    def table(self, *, user, scope: Scope) -> Table:
        return self.query(user=user, scope=scope)


COMMISSION_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("records-per-month", _("每月新增记录"), figures.records_per_month, "line"),
    FigureSpec("records-by-category", _("记录按失信类别"), figures.records_by_category, "hbar"),
    FigureSpec("records-by-tier", _("记录按失信等级"), figures.records_by_tier, "pie"),
    FigureSpec("overdue-by-unit", _("各单位逾期期限"), figures.overdue_by_unit, "hbar"),
    FigureSpec("objections", _("异议办理状态"), figures.objections_by_state, "bar"),
    FigureSpec("repairs", _("信用修复办理状态"), figures.repairs_by_state, "bar"),
    FigureSpec("disclosure", _("公示情况"), figures.disclosure_by_state, "pie"),
    FigureSpec("alerts", _("风险预警按级别"), figures.alerts_by_level, "bar"),
    FigureSpec("integrity-coverage", _("公务员诚信档案覆盖率"), figures.integrity_coverage, "hbar"),
    FigureSpec("assessment-grades", _("年度考核等次"), figures.assessment_grades, "bar"),
)

UNIT_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("unit-open-work", _("本单位在办期限"), unit.unit_open_work, "hbar", series=(1, 2)),
)


def find(specs: tuple[FigureSpec, ...], name: str) -> FigureSpec | None:
    return next((spec for spec in specs if spec.name == name), None)
