"""A unit's liaison and head: their own unit's approved results, the lines and the records
behind them (only those they may see), and an objection within the window. Another unit's
result is never reachable: the pages take the unit from the signed-in user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from casework import clock
from casework.errors import DomainError
from casework.http import client_ip
from casework.permissions import UNIT_ROLES
from oversight.assessment import objections, queries
from portal.workbench.access import require_role

from .forms import ReasonForm
from .views import notice_download


def _require_unit(request: HttpRequest) -> None:
    require_role(request.user, *UNIT_ROLES)
    if not request.user.organisation_id:
        raise Http404


@login_required
def unit_home(request: HttpRequest) -> HttpResponse:
    _require_unit(request)
    assessments = queries.visible_assessments(request.user)
    rows = [(a, queries.own_result(request.user, a)) for a in assessments]
    return render(request, "portal/assessment/unit_home.html", {"rows": rows})


@login_required
def unit_year(request: HttpRequest, year: int) -> HttpResponse:
    _require_unit(request)
    assessment = get_object_or_404(queries.visible_assessments(request.user), year=year)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.objection_file(
                acting_user=request.user,
                assessment_id=assessment.pk,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("异议已提交，等待考评人员答复。"))
        return redirect("unit-assessment-year", year=year)
    context = {
        "assessment": assessment,
        "score": queries.own_result(request.user, assessment),
        "indicators": assessment.indicators.all(),
        "lines": queries.own_lines(request.user, assessment),
        "objections": queries.own_objections(request.user, assessment),
        "objection_refusal": objections.objection_refusal(request.user, assessment, clock.today()),
        "objection_deadline": objections.objection_deadline(assessment),
        "result_notice": queries.result_notice(request.user, assessment, request.user.organisation_id),
        "notice_url": reverse("unit-assessment-notice", args=[year]),
        "form": form,
    }
    return render(request, "portal/assessment/unit_year.html", context)


@login_required
@require_safe
def unit_notice(request: HttpRequest, year: int) -> HttpResponse:
    _require_unit(request)
    assessment = get_object_or_404(queries.visible_assessments(request.user), year=year)
    return notice_download(
        request, queries.result_notice(request.user, assessment, request.user.organisation_id)
    )
