"""Thin views over oversight.assessment for the assessors and approvers: the 403 page for
other roles (`require_role`), the services' refusals shown as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework.downloads import DownloadAction, audit_download
from casework.errors import DomainError, PermissionDeniedError
from casework.http import client_ip
from casework.permissions import has_role
from notices.api import issued_pdf_response
from oversight.assessment import export as assessment_export
from oversight.assessment import objections, queries, scoring, services
from oversight.assessment.lifecycle import ASSESSMENT_STEPS
from oversight.assessment.notice import result_notices
from oversight.models import Assessment, AssessmentState, ObjectionState, ResultObjection
from portal.workbench.access import require_role

from .forms import AdjustmentForm, AnswerForm, CreateForm, IndicatorForm, ReasonForm

#: The steps a button on the year's page takes (the others have their own forms).
BUTTON_STEPS = ("start_scoring", "recompute", "submit", "approve", "return")


def _year(request: HttpRequest, year: int) -> Assessment:
    require_role(request.user, *queries.READ_ROLES)
    return get_object_or_404(queries.visible_assessments(request.user), year=year)


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{error}"
        for name, errors in form.errors.items()
        for error in errors
    )


def _act(request: HttpRequest, call, done: str) -> bool:
    try:
        call()
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, done)
    return True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    form = CreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = lambda: services.assessment_create(  # noqa: E731
            acting_user=request.user,
            year=data["year"],
            copy_from_year=data["copy_from_year"],
            ip_address=client_ip(request),
        )
        if _act(request, call, _("已创建 %(year)s 年度考核。") % {"year": data["year"]}):
            return redirect("assessment-year", year=data["year"])
    context = {
        "assessments": queries.visible_assessments(request.user),
        "form": form,
        "may_create": has_role(request.user, *ASSESSMENT_STEPS["edit_tree"].roles),
    }
    return render(request, "portal/assessment/home.html", context)


@login_required
@require_safe
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    assessment = _year(request, year)
    indicators = list(assessment.indicators.all())
    steps = [
        (name, ASSESSMENT_STEPS[name].label, services.refusal(request.user, assessment, name))
        for name in BUTTON_STEPS
    ]
    context = {
        "assessment": assessment,
        "indicators": indicators,
        "results": scoring.results(assessment),
        "steps": [s for s in steps if assessment.state in ASSESSMENT_STEPS[s[0]].sources],
        "tree_refusal": services.refusal(request.user, assessment, "edit_tree"),
        "indicator_form": IndicatorForm(),
        "adjust_refusal": services.refusal(request.user, assessment, "adjust"),
        "adjust_form": AdjustmentForm(units=scoring.assessed_units(), indicators=indicators),
        "return_form": ReasonForm(),
        "objections": assessment.objections.select_related("organisation", "filed_by"),
        "answer_form": AnswerForm(indicators=indicators),
        "may_answer": not services.refusal(request.user, assessment, "answer"),
        "objection_deadline": objections.objection_deadline(assessment),
        "notices_issued": result_notices(assessment).count(),
        "pending": ObjectionState.PENDING,
    }
    return render(request, "portal/assessment/year.html", context)


@login_required
@require_POST
def indicator_save(request: HttpRequest, year: int, pk: int | None = None) -> HttpResponse:
    assessment = _year(request, year)
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("指标填写有误。") + _form_errors(form))
        return redirect("assessment-year", year=year)
    _act(
        request,
        lambda: services.indicator_save(
            acting_user=request.user,
            assessment_id=assessment.pk,
            indicator_id=pk,
            ip_address=client_ip(request),
            **form.cleaned_data,
        ),
        _("指标已保存。"),
    )
    return redirect("assessment-year", year=year)


@login_required
@require_POST
def indicator_delete(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    assessment = _year(request, year)
    _act(
        request,
        lambda: services.indicator_delete(
            acting_user=request.user,
            assessment_id=assessment.pk,
            indicator_id=pk,
            ip_address=client_ip(request),
        ),
        _("指标已删除。"),
    )
    return redirect("assessment-year", year=year)


@login_required
@require_POST
def step(request: HttpRequest, year: int, step: str) -> HttpResponse:
    assessment = _year(request, year)
    if step not in BUTTON_STEPS:
        return redirect("assessment-year", year=year)
    kwargs = {"acting_user": request.user, "assessment_id": assessment.pk, "ip_address": client_ip(request)}
    if step == "return":
        kwargs["reason"] = request.POST.get("reason", "")
    call = {
        "start_scoring": services.assessment_start_scoring,
        "recompute": services.assessment_recompute,
        "submit": services.assessment_submit,
        "approve": services.assessment_approve,
        "return": services.assessment_return,
    }[step]
    _act(request, lambda: call(**kwargs), _("已完成“%(step)s”。") % {"step": ASSESSMENT_STEPS[step].label})
    return redirect("assessment-year", year=year)


@login_required
@require_POST
def adjust(request: HttpRequest, year: int) -> HttpResponse:
    assessment = _year(request, year)
    form = AdjustmentForm(
        request.POST, request.FILES, units=scoring.assessed_units(), indicators=assessment.indicators.all()
    )
    if not form.is_valid():
        messages.error(request, _("加减分填写有误。") + _form_errors(form))
        return redirect("assessment-year", year=year)
    data = form.cleaned_data
    _act(
        request,
        lambda: services.adjustment_add(
            acting_user=request.user,
            assessment_id=assessment.pk,
            organisation_id=data["organisation"],
            indicator_id=data["indicator"],
            points=data["points"],
            reason=data["reason"],
            evidence=data["evidence"],
            ip_address=client_ip(request),
        ),
        _("已录入加减分。"),
    )
    return redirect("assessment-year", year=year)


@login_required
@require_safe
def unit_detail(request: HttpRequest, year: int, organisation_id: int) -> HttpResponse:
    assessment = _year(request, year)
    score = next((s for s in scoring.results(assessment) if s.organisation_id == organisation_id), None)
    if score is None:
        raise Http404
    lines = queries.lines_for(request.user, assessment, organisation_id)
    result_notice = queries.result_notice(request.user, assessment, organisation_id)
    context = {
        "assessment": assessment,
        "score": score,
        "result_notice": result_notice,
        "notice_url": reverse("assessment-notice", args=[year, organisation_id]),
        "render_url": reverse("assessment-notice-render", args=[year, organisation_id]),
        "may_retry_render": result_notice is not None
        and result_notice.render_failed
        and not services.refusal(request.user, assessment, "retry_render"),
        "lines": lines,
        "indicators": assessment.indicators.all(),
        "evidence_links": True,
    }
    return render(request, "portal/assessment/unit.html", context)


@login_required
@require_safe
def result_notice(request: HttpRequest, year: int, organisation_id: int) -> HttpResponse:
    assessment = _year(request, year)
    return notice_download(request, queries.result_notice(request.user, assessment, organisation_id))


@login_required
@require_POST
def result_notice_render(request: HttpRequest, year: int, organisation_id: int) -> HttpResponse:
    """重新生成: another rendering of a unit's result notice whose rendering failed (approvers)."""
    assessment = _year(request, year)
    try:
        services.result_notice_retry_render(
            acting_user=request.user,
            assessment_id=assessment.pk,
            organisation_id=organisation_id,
            ip_address=client_ip(request),
        )
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已重新提交生成，请稍后刷新。"))
    return redirect("assessment-unit", year=year, organisation_id=organisation_id)


def notice_download(request: HttpRequest, notice) -> HttpResponse:
    """The stored PDF of a unit's result notice, byte for byte (as the notices API serves one)."""
    if notice is None:
        raise Http404(_("该单位没有考核结果通报。"))
    if not notice.pdf_ready:
        return HttpResponse(
            _("考核结果通报正在生成，请稍后再试。"), status=409, content_type="text/plain; charset=utf-8"
        )
    return issued_pdf_response(request, notice)


@login_required
@require_safe
def evidence(request: HttpRequest, year: int, pk: int) -> FileResponse:
    """A manual adjustment's evidence, for the commission only (never served by its path)."""
    assessment = _year(request, year)
    line = get_object_or_404(assessment.lines.exclude(evidence=""), pk=pk)
    handle = line.evidence.open("rb")
    audit_download(request, line, DownloadAction.ATTACHMENT)
    return FileResponse(handle, as_attachment=True, filename=line.evidence.name.rsplit("/", 1)[-1])


@login_required
@require_safe
def export(request: HttpRequest, year: int) -> HttpResponse:
    assessment = _year(request, year)
    response = HttpResponse(
        assessment_export.workbook(assessment),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="assessment-{assessment.year}.xlsx"'
    return response


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    objection = get_object_or_404(ResultObjection, pk=pk, assessment__state=AssessmentState.APPROVED)
    form = AnswerForm(request.POST, indicators=objection.assessment.indicators.all())
    if form.is_valid():
        data = form.cleaned_data
        _act(
            request,
            lambda: objections.objection_answer(
                acting_user=request.user,
                objection_id=objection.pk,
                upheld=data["upheld"],
                answer=data["answer"],
                points=data["points"],
                indicator_id=data["indicator"],
                ip_address=client_ip(request),
            ),
            _("异议已答复。"),
        )
    else:
        messages.error(request, _("答复填写有误。") + _form_errors(form))
    return redirect("assessment-year", year=objection.assessment.year)
