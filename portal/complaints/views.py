"""The complaint pages under /work/complaints/ (DOMAIN §9.3): the list and the page of one
complaint for those who triage and read them, the intake form and the hotline import for
the intake operator and the officer. The complainant's name and contact are shown in full
only to those who call back (exchange.complaints.masking). Every write is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import DomainError
from casework.http import client_ip
from exchange import batches
from exchange.complaints import queries, services
from exchange.complaints.lifecycle import COMPLAINT_STEPS, TRIAGE_ROLES, ComplaintState
from exchange.complaints.masking import complainant_for
from exchange.models import ImportKind
from portal import paging
from portal.workbench.access import require_role

from .forms import AcceptForm, ComplaintForm, ImportForm, MergeForm, ReasonForm


def _row(user, complaint) -> dict:
    name, contact = complainant_for(user, complaint)
    return {
        "complaint": complaint,
        "name": name,
        "contact": contact,
        "routing_left": days_label(queries.routing_days_left(complaint)),
        "feedback_left": days_label(queries.feedback_days_left(complaint)),
        "answered_on": queries.answered_on(complaint),
    }


def days_label(left: int | None) -> str:
    """Working days left, or overdue by, as every page counts them; blank once done."""
    if left is None:
        return ""
    if left < 0:
        return _("已逾期 %(n)d 个工作日") % {"n": -left}
    return _("剩余 %(n)d 个工作日") % {"n": left}


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    complaints = queries.visible_complaints(request.user)
    state = request.GET.get("state", "")
    if state in ComplaintState.values:
        complaints = complaints.filter(state=state)
    page = paging.paginate(request, complaints, per_page=50, salt="complaints")
    context = {
        "page": page,
        "total": paging.capped_count(complaints),
        "query": paging.page_query(request.GET),
        "rows": [_row(request.user, c) for c in page.object_list],
        "states": ComplaintState.choices,
        "state": state,
        "may_triage": _may_triage(request.user),
    }
    return render(request, "portal/complaints/list.html", context)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    complaint = queries.complaint_get(request.user, pk)
    return _detail(request, complaint)


def _detail(request, complaint, forms=None, status=200) -> HttpResponse:
    may = _may_triage(request.user) and complaint.state == ComplaintState.RECEIVED
    forms = forms or {}
    context = {
        **_row(request.user, complaint),
        "may_triage": may,
        "steps": COMPLAINT_STEPS,
        "accept_form": forms.get("accept") or AcceptForm(initial={"organisation": complaint.organisation_id}),
        "merge_form": forms.get("merge") or MergeForm(),
        "return_form": forms.get("return") or ReasonForm(prefix="return"),
        "close_form": forms.get("close") or ReasonForm(prefix="close"),
        "merge_candidates": queries.open_about_same_matter(complaint)[:50] if may else [],
    }
    return render(request, "portal/complaints/detail.html", context, status=status)


@login_required
@require_POST
def complaint_act(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    require_role(request.user, *TRIAGE_ROLES)
    complaint = queries.complaint_get(request.user, pk)
    form = _step_form(step, request.POST)
    if form is None:
        return redirect("complaint-detail", pk=pk)
    if form.is_valid():
        try:
            _take(step, request, pk, form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("已办理：%(step)s。") % {"step": COMPLAINT_STEPS[step].label})
            return redirect("complaint-detail", pk=pk)
    return _detail(request, complaint, {step: form}, status=400)


def _step_form(step: str, data):
    if step == "accept":
        return AcceptForm(data)
    if step == "merge":
        return MergeForm(data)
    if step in ("return", "close"):
        return ReasonForm(data, prefix=step)
    return None


def _take(step: str, request, pk: int, data: dict) -> None:
    common = {"acting_user": request.user, "complaint_id": pk, "ip_address": client_ip(request)}
    if step == "accept":
        organisation = data.get("organisation")
        services.accept(**common, organisation_id=organisation.pk if organisation else None)
    elif step == "merge":
        services.merge(**common, into_id=data["into"])
    elif step == "return":
        services.return_to_channel(**common, reason=data["reason"])
    else:
        services.close(**common, reason=data["reason"])


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *TRIAGE_ROLES)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        intake = services.Intake(**data, organisation_id=organisation.pk if organisation else None)
        try:
            complaint, created = services.complaint_receive(
                acting_user=request.user, intake=intake, ip_address=client_ip(request)
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            if created:
                messages.success(request, _("投诉已登记：%(number)s。") % {"number": complaint.number})
            else:
                messages.info(request, _("该工单已登记：%(number)s。") % {"number": complaint.number})
            return redirect("complaint-detail", pk=complaint.pk)
    return render(request, "portal/complaints/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def complaint_import(request: HttpRequest) -> HttpResponse:
    """Upload a hotline export: a dry run answers at once, a real run goes to a worker."""
    require_role(request.user, *TRIAGE_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = batches.start(
                by=_acting(request),
                kind=ImportKind.HOTLINE,
                file_name=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as refused:
            form.add_error("file", refused.message)
        else:
            messages.success(request, _("已上传：%(name)s。") % {"name": batch.file_name})
            return redirect(batch_url(batch.pk))
    return render(
        request, "portal/complaints/import.html", {"form": form}, status=400 if form.errors else 200
    )


def batch_url(pk: int) -> str:
    """The shared batch page (portal.imports): progress bar and row report; the hotline's
    batches are readable there by those who import them (exchange.importers.IMPORT_ROLES)."""
    return reverse("import-batch", args=[pk])


def _acting(request):
    from casework import audit
    from casework.permissions import has_role

    role = next(r for r in TRIAGE_ROLES if has_role(request.user, r))
    return audit.Acting(request.user, role, client_ip(request))


def _may_triage(user) -> bool:
    from casework.permissions import has_role

    return has_role(user, *TRIAGE_ROLES)
