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

from casework.permissions import has_role

from ..assessment import queries as assessment_queries
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
    #: The rows the chart draws, when not all of the table's (the table keeps every row).
    drawn: Callable[[list[tuple]], list[tuple]] | None = None
    #: Said under the title when the chart draws fewer rows than the table has.
    note: str | Promise = ""
    #: Who may see it, when not everyone the page admits (the page leaves it out for the others).
    roles: frozenset[str] | None = None

    def shown_to(self, user) -> bool:
        return self.roles is None or has_role(user, *self.roles)

    def table(self, *, user, scope: Scope) -> Table:
        return self.query(user=user, scope=scope)


#: How many units the coverage chart draws at the most.
COVERAGE_DRAWN = 15


def lowest_coverage(rows: list[tuple]) -> list[tuple]:
    """The units below 100 %, lowest first (at most COVERAGE_DRAWN), then the total: the ones
    HR has to act on. Fifty units at 100 % would bury them."""
    *units, total = rows
    below = sorted((row for row in units if row[1] is not None and row[1] < 100), key=lambda row: row[1])
    return [*below[:COVERAGE_DRAWN], total]


COMMISSION_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("records-per-month", _("每月新增记录"), figures.records_per_month, "line"),
    FigureSpec("records-by-category", _("记录按失信类别"), figures.records_by_category, "hbar"),
    FigureSpec("records-by-tier", _("记录按失信等级"), figures.records_by_tier, "pie"),
    FigureSpec("overdue-by-unit", _("各单位逾期期限"), figures.overdue_by_unit, "hbar"),
    FigureSpec("objections", _("异议办理状态"), figures.objections_by_state, "bar"),
    FigureSpec("repairs", _("信用修复办理状态"), figures.repairs_by_state, "bar"),
    FigureSpec("disclosure", _("公示情况"), figures.disclosure_by_state, "pie"),
    FigureSpec("alerts", _("风险预警按级别"), figures.alerts_by_level, "bar"),
    FigureSpec(
        "integrity-coverage",
        _("公务员诚信档案覆盖率"),
        figures.integrity_coverage,
        "hbar",
        drawn=lowest_coverage,
        note=_("图中为覆盖率未达 100% 的单位（覆盖率最低的 15 个）和合计；全部单位见数据表。"),
    ),
    FigureSpec(
        "assessment-grades",
        _("年度考核等次"),
        figures.assessment_grades,
        "bar",
        roles=assessment_queries.READ_ROLES,
    ),
)

UNIT_FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("unit-open-work", _("本单位在办期限"), unit.unit_open_work, "hbar", series=(1, 2)),
)


def for_user(specs: tuple[FigureSpec, ...], user) -> tuple[FigureSpec, ...]:
    """The figures `user` may see."""
    return tuple(spec for spec in specs if spec.shown_to(user))


def find(specs: tuple[FigureSpec, ...], name: str, user) -> FigureSpec | None:
    """The figure `name` if `user` may see it."""
    return next((spec for spec in for_user(specs, user) if spec.name == name), None)
