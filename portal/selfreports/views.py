"""Thin views over oversight.selfreports: a unit's liaison and head report and see their own
unit's reports; the commission's roles see every unit's. Anyone else gets the 403 page, and a
report of another unit is missing (404) like any other."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from casework import clock
from casework.errors import DomainError
from casework.http import client_ip
from casework.permissions import SEE_ALL_ROLES
from oversight.models.selfreports import Quarter
from oversight.selfreports import queries, services
from portal import paging
from portal.workbench.access import require_role

from .forms import FilterForm, QuarterlyReportForm, SelfReportForm


def _unit_member(request: HttpRequest):
    if services.reporter_refusal(request.user) is not None:
        raise PermissionDenied(_("政务失信情况报告由责任单位的联络员和主要负责人填报。"))
    return request.user


def _refused(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@login_required
@require_safe
def unit_reports(request: HttpRequest) -> HttpResponse:
    user = _unit_member(request)
    context = {
        "unit": user.organisation,
        "today": clock.today(),
        "reports": queries.visible_self_reports(user).filter(organisation_id=user.organisation_id),
        "quarters": queries.unit_quarters(user),
        "days": services.policy("REPORT_WORKING_DAYS"),
    }
    return render(request, "portal/selfreports/unit.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def self_report_new(request: HttpRequest) -> HttpResponse:
    user = _unit_member(request)
    form = SelfReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.self_report_submit(
                acting_user=user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as error:
            _refused(form, error)
        else:
            done = _("已报告，线索 %(ref)s 已送委员会办理。") % {"ref": report.record.reference}
            messages.success(request, done + (_("本次报告已超过报告期限。") if report.late else ""))
            return redirect("selfreports-detail", pk=report.pk)
    context = {"form": form, "unit": user.organisation, "days": services.policy("REPORT_WORKING_DAYS")}
    return render(request, "portal/selfreports/new.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def self_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = queries.visible_self_reports(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("报告不存在或您无权查看。"))
    return render(
        request,
        "portal/selfreports/detail.html",
        {"report": report, "commission": queries.may_see_all(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quarterly_new(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    user = _unit_member(request)
    if quarter not in (1, 2, 3, 4):
        raise Http404
    period = Quarter(year, quarter)
    held = queries.visible_self_reports(user).filter(
        organisation_id=user.organisation_id, received_on__range=(period.first_day, period.last_day)
    )
    form = QuarterlyReportForm(request.POST or None, held=held, initial={"items": list(held)})
    if request.method == "POST" and form.is_valid():
        try:
            services.quarterly_report_submit(
                acting_user=user,
                year=year,
                quarter=quarter,
                nil=form.cleaned_data["answer"] == "nil",
                item_ids=[item.pk for item in form.cleaned_data["items"]],
                note=form.cleaned_data["note"],
                ip_address=client_ip(request),
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("%(quarter)s的季度报告已报送。") % {"quarter": period})
            return redirect("selfreports-unit")
    context = {
        "form": form,
        "quarter": period,
        "due_on": services.quarterly_due(period),
        "unit": user.organisation,
    }
    return render(request, "portal/selfreports/quarterly.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def work_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *SEE_ALL_ROLES)
    form = FilterForm(request.GET or None, units=queries.reporting_units())
    filters = form.cleaned_data if form.is_valid() else {}
    late = {"yes": True, "no": False}.get(filters.get("late", ""))
    reports = queries.self_report_list(
        request.user, unit=filters.get("unit"), kind=filters.get("kind", ""), late=late
    )
    # by_pk: the page's keys come off the report table's own index, and only its 50 rows
    # then join their record, unit and reporter (else the planner hashes all records).
    source = paging.QuerysetSource(reports, paging.keys_for(reports), by_pk=True)
    context = {
        "form": form,
        "page": paging.paginate(request, source, per_page=50, salt="selfreports"),
        "total": paging.capped_count(reports),
        "query": paging.page_query(request.GET),
    }
    return render(request, "portal/selfreports/work_list.html", context)


@login_required
@require_safe
def work_grid(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *SEE_ALL_ROLES)
    today = clock.today()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    context = {
        "year": year,
        "years": range(services.first_quarter().year, today.year + 1),
        "rows": queries.quarter_grid(request.user, year, today),
    }
    return render(request, "portal/selfreports/grid.html", context)
