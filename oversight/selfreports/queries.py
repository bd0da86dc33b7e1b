"""Reads of the self-reports, already scoped to the user: the commission's roles see every
unit's, a unit's liaison and head their own unit's, anyone else nothing. Plus the quarters
units owe, the commission's status grid and the annual assessment's late reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import calendar, clock
from casework.models import Organisation, OrganisationType
from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, roles_of
from workflows.owed import Due, due

from ..models import QuarterlyReport, SelfReport
from ..models.selfreports import Quarter
from .services import first_quarter, quarterly_due


def _unit_scope(user) -> Q | None:
    """All (Q()), the user's unit, or None: nothing."""
    roles = roles_of(user)
    if roles & SEE_ALL_ROLES:
        return Q()
    if roles & UNIT_ROLES and user.organisation_id:
        return Q(organisation_id=user.organisation_id)
    return None


def may_see_all(user) -> bool:
    return bool(roles_of(user) & SEE_ALL_ROLES)


def visible_self_reports(user) -> QuerySet[SelfReport]:
    scope = _unit_scope(user)
    if scope is None:
        return SelfReport.objects.none()
    return SelfReport.objects.filter(scope).select_related("organisation", "record", "submitted_by")


def visible_quarterly_reports(user) -> QuarterlyReport | QuerySet[QuarterlyReport]:
    scope = _unit_scope(user)
    if scope is None:
        return QuarterlyReport.objects.none()
    return QuarterlyReport.objects.filter(scope).select_related("organisation", "submitted_by")


def self_report_list(user, *, unit: int | None = None, kind: str = "", late: bool | None = None):
    reports = visible_self_reports(user)
    if unit:
        reports = reports.filter(organisation_id=unit)
    if kind:
        reports = reports.filter(kind=kind)
    if late is not None:
        reports = reports.filter(late=late)
    return reports


def reporting_units() -> QuerySet[Organisation]:
    """The bodies that owe quarterly reports: every active one but 村(社区) (self-governing)."""
    return Organisation.objects.filter(is_active=True).exclude(type=OrganisationType.VILLAGE).order_by("name")


def ended_quarters(today: dt.date) -> list[Quarter]:
    """The quarters owed a report by now: from the first (SELF_REPORTS SINCE) to the last ended."""
    quarters, current, this = [], first_quarter(), Quarter.of(today)
    while current < this:
        quarters.append(current)
        current = current.next()
    return quarters


@dataclass(frozen=True)
class QuarterRow:
    quarter: Quarter
    due_on: dt.date
    report: QuarterlyReport | None
    due: Due | None  # what is left while not reported


def unit_quarters(user, today: dt.date | None = None) -> list[QuarterRow]:
    """The user's unit's ended quarters, latest first, with their report or what is left."""
    today = today or clock.today()
    reports = {
        (r.year, r.quarter): r
        for r in visible_quarterly_reports(user).filter(organisation_id=user.organisation_id)
    }
    rows = []
    for quarter in reversed(ended_quarters(today)):
        report, due_on = reports.get((quarter.year, quarter.number)), quarterly_due(quarter)
        rows.append(QuarterRow(quarter, due_on, report, None if report else due(due_on, today)))
    return rows


REPORTED, LATE, MISSING, PENDING, NOT_ENDED = "reported", "late", "missing", "pending", "not_ended"
STATUS_LABELS = {
    REPORTED: gettext_lazy("已报送"),
    LATE: gettext_lazy("逾期报送"),
    MISSING: gettext_lazy("逾期未报"),
    PENDING: gettext_lazy("待报送"),
    NOT_ENDED: gettext_lazy("季度未结束"),
}


def _status(report: QuarterlyReport | None, due_on: dt.date, quarter: Quarter, today: dt.date) -> str:
    if report is not None:
        return LATE if report.late else REPORTED
    if today <= quarter.last_day:
        return NOT_ENDED
    return MISSING if due_on < today else PENDING


@dataclass(frozen=True)
class GridCell:
    quarter: Quarter
    status: str
    report: QuarterlyReport | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class GridRow:
    unit: Organisation
    cells: list[GridCell]


def quarter_grid(user, year: int, today: dt.date | None = None) -> list[GridRow]:
    """Units × the year's quarters: reported, late, missing (past due), pending or not ended;
    the commission's roles only (others get no rows). Three queries whatever the size."""
    if not may_see_all(user):
        return []
    today = today or clock.today()
    quarters = [Quarter(year, n) for n in range(1, 5) if Quarter(year, n) >= first_quarter()]
    reports = {(r.organisation_id, r.quarter): r for r in visible_quarterly_reports(user).filter(year=year)}
    dues = {q: quarterly_due(q) for q in quarters}
    rows = []
    for unit in reporting_units():
        found = [(q, reports.get((unit.pk, q.number))) for q in quarters]
        rows.append(GridRow(unit, [GridCell(q, _status(r, dues[q], q, today), r) for q, r in found]))
    return rows


def late_reports(year: int, today: dt.date | None = None) -> dict[int, list[tuple[str, str]]]:
    """For the annual assessment: per unit, its self-reports of `year` made late, and its
    quarterly reports of `year` made late or missing past their due day, as (reference,
    explanation). Set-based: three queries whatever the number of units."""
    today = today or clock.today()
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    late = SelfReport.objects.filter(late=True, due_on__year=year).select_related("record")
    for report in late.order_by("organisation_id", "due_on", "id"):
        over = calendar.working_days_left(report.submitted_on, report.due_on)  # > 0: days late
        found[report.organisation_id].append(
            (
                report.record.reference or report.document_number,
                _(
                    "%(number)s（%(kind)s）%(received)s收到，应于%(due)s前报告，%(submitted)s报告，逾期%(n)s个工作日。"
                )
                % {
                    "number": report.document_number,
                    "kind": report.get_kind_display(),
                    "received": report.received_on.isoformat(),
                    "due": report.due_on.isoformat(),
                    "submitted": report.submitted_on.isoformat(),
                    "n": over,
                },
            )
        )
    reports = {
        (r.organisation_id, r.quarter): r for r in QuarterlyReport.objects.filter(year=year).order_by()
    }
    units = list(reporting_units().values_list("pk", flat=True))
    for quarter in (q for q in ended_quarters(today) if q.year == year):
        due_on = quarterly_due(quarter)
        for unit_id in units:
            report = reports.get((unit_id, quarter.number))
            status = _status(report, due_on, quarter, today)
            if status == LATE:
                text = _("%(quarter)s的季度报告应于%(due)s前报送，%(day)s报送。") % {
                    "quarter": quarter,
                    "due": due_on.isoformat(),
                    "day": report.submitted_on.isoformat(),
                }
            elif status == MISSING:
                text = _("%(quarter)s的季度报告应于%(due)s前报送，至今未报送。") % {
                    "quarter": quarter,
                    "due": due_on.isoformat(),
                }
            else:
                continue
            found[unit_id].append((str(quarter), text))
    return dict(found)
