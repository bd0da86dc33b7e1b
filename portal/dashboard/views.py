"""Dashboards and statistics: the figures of oversight.statistics drawn as charts, each with
its data table and its Excel export. The commission's figures are on its dashboard (/work/,
portal.workbench) and, filtered, on the statistics page; a unit's on its portal (/unit/).
The statistics page and the commission's exports are the commission's (SEE_ALL_ROLES): anyone
else gets the 403 page."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from casework import clock
from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, has_role
from oversight.assessment.queries import latest_own_result
from oversight.statistics import export
from oversight.statistics.registry import COMMISSION_FIGURES, UNIT_FIGURES, FigureSpec, find, for_user
from oversight.statistics.scope import Scope
from oversight.statistics.snapshot import Snapshot
from oversight.statistics.unit import unit_deadlines
from portal import exports
from portal.workbench.access import require_role

from .charts import Shown, show
from .forms import StatisticsForm


def commission_board(user, today: dt.date, snapshot: Snapshot | None = None) -> list[Shown]:
    """The commission dashboard's charts (portal.workbench.views.dashboard): every record;
    those the snapshot kept as of its refresh (oversight.statistics.snapshot)."""
    kept = snapshot.tables if snapshot else {}
    scope = Scope(today=today)
    return [
        Shown(spec, kept[spec.name] if spec.name in kept else spec.table(user=user, scope=scope))
        for spec in for_user(COMMISSION_FIGURES, user)
    ]


def unit_board(user, today: dt.date) -> dict:
    """The unit dashboard's part of /unit/: its open work as a chart, its nearest time limits
    in working days, and its score in the latest approved assessment (None before any)."""
    scope = Scope(today=today)
    return {
        "figures": show(for_user(UNIT_FIGURES, user), user=user, scope=scope),
        "deadlines": unit_deadlines(user=user, scope=scope),
        "score": latest_own_result(user),
    }


def _filters(request: HttpRequest) -> tuple[StatisticsForm, Scope | None]:
    form = StatisticsForm(request.GET or None)
    today = clock.today()
    if not form.is_bound:
        return form, Scope(today=today)
    return form, form.scope(today) if form.is_valid() else None


@login_required
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *SEE_ALL_ROLES)
    form, scope = _filters(request)
    context = {
        "form": form,
        "figures": show(for_user(COMMISSION_FIGURES, request.user), user=request.user, scope=scope)
        if scope
        else [],
        "query": request.GET.urlencode(),
        "today": clock.today(),
    }
    return render(request, "portal/dashboard/statistics.html", context, status=200 if scope else 400)


@login_required
@require_safe
def statistics_export(request: HttpRequest) -> HttpResponse:
    """Every figure under the page's filters, one sheet each."""
    require_role(request.user, *SEE_ALL_ROLES)
    _form, scope = _filters(request)
    if scope is None:
        return statistics(request)
    sheets = [
        (str(spec.title), spec.table(user=request.user, scope=scope))
        for spec in for_user(COMMISSION_FIGURES, request.user)
    ]
    return exports.xlsx_response(export.workbook(sheets), exports.dated(_("统计数据")))


def _one(spec: FigureSpec | None, request: HttpRequest, scope: Scope) -> HttpResponse:
    if spec is None:
        raise Http404(_("没有这项统计。"))
    table = spec.table(user=request.user, scope=scope)
    return exports.xlsx_response(export.workbook([(str(spec.title), table)]), exports.dated(str(spec.title)))


@login_required
@require_safe
def figure_export(request: HttpRequest, name: str) -> HttpResponse:
    """One commission figure (with the statistics page's filters, if any) as a workbook."""
    require_role(request.user, *SEE_ALL_ROLES)
    _form, scope = _filters(request)
    if scope is None:
        return statistics(request)
    return _one(find(COMMISSION_FIGURES, name, request.user), request, scope)


@login_required
@require_safe
def unit_figure_export(request: HttpRequest, name: str) -> HttpResponse:
    user = request.user
    if not (has_role(user, *UNIT_ROLES) and user.organisation_id):
        raise PermissionDenied(_("单位工作台供责任单位的联络员和主要负责人使用。"))
    return _one(find(UNIT_FIGURES, name, user), request, Scope(today=clock.today()))
