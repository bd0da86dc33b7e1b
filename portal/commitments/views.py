"""The commitment pages (DOMAIN §9.8): the commission's under /work/commitments/, a unit's
own under /unit/commitments/ (same pages, `space` says which). Reads go through
oversight.commitments.queries (a hidden commitment is a 404), writes through its services;
a step the user may not take shows greyed out with the guard's reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework import uploads
from casework.downloads import DownloadAction, audit_download
from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES
from oversight.commitments import guards, queries, services
from oversight.commitments.lifecycle import CHANGE_STEPS, COMMITMENT_STEPS, MILESTONE_STEPS
from oversight.models import ChangeRequest
from portal import paging
from portal.workbench.access import require_role

from . import forms

SPACES = {"work": SEE_ALL_ROLES, "unit": UNIT_ROLES}


def _url(space: str, name: str) -> str:
    return f"{space}-{name}"


def _names(space: str) -> dict[str, str]:
    """The URL names of the space's pages, for the templates."""
    parts = ("list", "new", "detail", "file", "act", "milestone", "change-file")
    return {part.replace("-", "_"): f"{space}-commitment-{part}" for part in parts}


def _enter(request, space: str) -> None:
    require_role(request.user, *SPACES[space])


def _get(read, user, pk):
    """`read(user, pk)`, a hidden or missing object being the 404 page."""
    try:
        return read(user, pk)
    except NotFoundError as error:
        raise Http404(str(error.message)) from None


@login_required
def commitment_list(request: HttpRequest, space: str) -> HttpResponse:
    _enter(request, space)
    form = forms.FilterForm(request.GET or None)
    commitments = queries.visible_commitments(request.user)
    if form.is_valid():
        data = form.cleaned_data
        commitments = queries.filtered(commitments, unit=data["unit"], type=data["type"], state=data["state"])
    page = paging.paginate(request, commitments, per_page=50, salt=f"commitments:{space}")
    register = guards.role_refusal(
        request.user, COMMITMENT_STEPS["register"], request.user.organisation_id if space == "unit" else None
    )
    if space == "work" and register is not None and register.code == "not_own_unit":
        register = None  # an officer picks the unit on the form
    context = {
        "space": space,
        "names": _names(space),
        "page": page,
        "total": paging.capped_count(commitments),
        "query": paging.page_query(request.GET),
        "form": form,
        "may_register": register is None,
    }
    return render(request, "portal/commitments/list.html", context)


@login_required
def commitment_new(request: HttpRequest, space: str) -> HttpResponse:
    _enter(request, space)
    require_role(request.user, *COMMITMENT_STEPS["register"].roles)
    unit = request.user.organisation if space == "unit" else None
    form = forms.CommitmentForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        attachment, promisor = data.pop("attachment"), data.pop("promisor")
        try:
            commitment = services.commitment_register(
                acting_user=request.user,
                data=services.CommitmentInput(**data, promisor_id=promisor.pk),
                attachment=attachment,
                ip_address=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("承诺已登记：%(number)s。") % {"number": commitment.number})
            return redirect(_url(space, "commitment-detail"), pk=commitment.pk)
    context = {"space": space, "names": _names(space), "form": form}
    return render(request, "portal/commitments/new.html", context, status=400 if form.errors else 200)


@login_required
def commitment_detail(request: HttpRequest, pk: int, space: str) -> HttpResponse:
    _enter(request, space)
    commitment = _get(queries.commitment_get, request.user, pk)
    return _detail(request, commitment, space)


def _action(step, refusal) -> dict:
    return {"label": step.label, "refused": str(refusal.message) if refusal else ""}


def _detail(request, commitment, space, errors=None, status=200) -> HttpResponse:
    user = request.user
    milestones = [
        {
            "milestone": m,
            "perform": _action(
                MILESTONE_STEPS["perform"], guards.milestone_refusal(user, m, commitment, "perform")
            ),
            "miss": _action(MILESTONE_STEPS["miss"], guards.milestone_refusal(user, m, commitment, "miss")),
        }
        for m in queries.milestones_of(commitment)
    ]
    changes = [
        {
            "request": r,
            "approve": _action(
                CHANGE_STEPS["approve"], guards.decide_refusal(user, r, CHANGE_STEPS["approve"])
            ),
            "reject": _action(CHANGE_STEPS["reject"], guards.decide_refusal(user, r, CHANGE_STEPS["reject"])),
        }
        for r in commitment.change_requests.select_related("submitted_by", "decided_by")
    ]
    steps = {
        name: _action(COMMITMENT_STEPS[name], guards.commitment_refusal(user, commitment, name))
        for name in ("add_milestone", "breach", "request_change")
    }
    context = {
        "space": space,
        "names": _names(space),
        "commitment": commitment,
        "milestones": milestones,
        "changes": changes,
        "steps": steps,
        "errors": errors or [],
        "milestone_form": forms.MilestoneForm(),
        "perform_form": forms.PerformForm(),
        "miss_form": forms.MissForm(),
        "breach_form": forms.BreachForm(),
        "change_form": forms.ChangeForm(),
        "decide_form": forms.DecideForm(),
    }
    return render(request, "portal/commitments/detail.html", context, status=status)


#: The forms and the service call of each step posted from the detail page.
COMMITMENT_ACTIONS = {
    "add_milestone": (
        forms.MilestoneForm,
        lambda common, pk, data: services.milestone_add(**common, commitment_id=pk, **data),
    ),
    "breach": (
        forms.BreachForm,
        lambda common, pk, data: services.commitment_breach(**common, commitment_id=pk, **data),
    ),
    "request_change": (
        forms.ChangeForm,
        lambda common, pk, data: services.change_request_submit(**common, commitment_id=pk, **data),
    ),
}
MILESTONE_ACTIONS = {
    "perform": (
        forms.PerformForm,
        lambda common, pk, data: services.milestone_perform(**common, milestone_id=pk, **data),
    ),
    "miss": (
        forms.MissForm,
        lambda common, pk, data: services.milestone_miss(**common, milestone_id=pk, **data),
    ),
}


def _post(request, space, commitment, actions, step, pk) -> HttpResponse:
    if step not in actions:
        raise Http404
    form_class, call = actions[step]
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        common = {"acting_user": request.user, "ip_address": client_ip(request)}
        try:
            call(common, pk, form.cleaned_data)
        except DomainError as error:
            return _detail(request, commitment, space, [str(error.message)], status=error.status_code)
        messages.success(request, _("已办理。"))
        return redirect(_url(space, "commitment-detail"), pk=commitment.pk)
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return _detail(request, commitment, space, errors, status=400)


@login_required
@require_POST
def commitment_act(request: HttpRequest, pk: int, step: str, space: str) -> HttpResponse:
    _enter(request, space)
    commitment = _get(queries.commitment_get, request.user, pk)
    return _post(request, space, commitment, COMMITMENT_ACTIONS, step, pk)


@login_required
@require_POST
def milestone_act(request: HttpRequest, pk: int, step: str, space: str) -> HttpResponse:
    _enter(request, space)
    milestone = _get(queries.milestone_get, request.user, pk)
    return _post(request, space, milestone.commitment, MILESTONE_ACTIONS, step, pk)


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    _enter(request, "work")
    change = _get(queries.change_request_get, request.user, pk)
    if step not in CHANGE_STEPS:
        raise Http404
    form = forms.DecideForm(request.POST)
    form.is_valid()
    try:
        services.change_request_decide(
            acting_user=request.user,
            request_id=pk,
            approve=step == "approve",
            note=form.cleaned_data.get("note", ""),
            ip_address=client_ip(request),
        )
    except DomainError as error:
        return _detail(request, change.commitment, "work", [str(error.message)], status=error.status_code)
    messages.success(request, _("已办理：%(step)s。") % {"step": CHANGE_STEPS[step].label})
    return redirect("work-commitment-detail", pk=change.commitment_id)


@login_required
def commitment_file(request: HttpRequest, pk: int, space: str) -> HttpResponse:
    _enter(request, space)
    return _file(request, _get(queries.commitment_get, request.user, pk))


@login_required
def change_file(request: HttpRequest, pk: int, space: str) -> HttpResponse:
    _enter(request, space)
    return _file(request, _get(queries.change_request_get, request.user, pk))


def _file(request: HttpRequest, obj: ChangeRequest | object) -> HttpResponse:
    if not getattr(obj, "stored_name", ""):
        raise Http404
    handle = uploads.stored_path(obj.stored_name).open("rb")  # type: ignore[attr-defined]
    audit_download(request, obj, DownloadAction.ATTACHMENT, diff={"sha256": getattr(obj, "sha256", "")})  # type: ignore[arg-type]
    return FileResponse(handle, as_attachment=True, filename=obj.file_name)  # type: ignore[attr-defined]
