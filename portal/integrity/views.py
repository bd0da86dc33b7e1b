"""Thin views over oversight.integrity: the coverage page and the files for HR and the
commission (/work/integrity/), a civil servant's own file (/me/integrity/).

A role outside the readers gets the 403 page; a person the reader may not see, or a file not
opened yet, is a 404, the PDF included."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.models import Organisation
from casework.permissions import has_role
from casework.roles import Role
from oversight.integrity import pdf, queries, services
from oversight.models import FileEntry
from portal.workbench.access import require_role

from .forms import CorrectionForm, EntryForm


def _view(user, person_id: int) -> queries.FileView:
    try:
        return queries.file_view(user, person_id)
    except NotFoundError as error:
        raise Http404(str(error.message)) from None


def _pdf_response(request: HttpRequest, view: queries.FileView) -> HttpResponse:
    if view.file is None:
        raise Http404(_("该公务员尚未建立诚信档案。"))
    body = pdf.file_pdf(view)
    services.file_download_note(acting_user=request.user, file=view.file, ip_address=client_ip(request))
    response = HttpResponse(body, content_type="application/pdf")
    name = _("%(name)s诚信档案.pdf") % {"name": view.person.name}
    response["Content-Disposition"] = f"attachment; filename=\"file.pdf\"; filename*=UTF-8''{quote(name)}"
    return response


# ── HR and the commission ──────────────────────────────────────────────────────────


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Coverage per unit and in total; `?unit=` lists a unit's staff, `?q=` finds a person."""
    require_role(request.user, *queries.READ_ROLES)
    rows, total = queries.coverage(request.user)
    unit = None
    if unit_id := request.GET.get("unit", "").strip():
        unit = get_object_or_404(Organisation, pk=unit_id) if unit_id.isdigit() else None
    people = list(queries.unit_people(request.user, unit.pk)) if unit else []
    context = {
        "rows": rows,
        "total": total,
        "unit": unit,
        "people": people,
        "missing": any(not person.has_file for person in people),
        "q": request.GET.get("q", ""),
        "found": queries.search_people(request.user, request.GET.get("q", "")),
        "may_keep": queries.may_keep(request.user),
    }
    return render(request, "portal/integrity/home.html", context)


def _act(request: HttpRequest, call, done) -> bool:
    try:
        result = call()
    except DomainError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


@login_required
@require_POST
def open_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    require_role(request.user, *queries.KEEP_ROLES)
    _act(
        request,
        lambda: services.files_open_for_unit(
            acting_user=request.user, unit_id=unit_id, ip_address=client_ip(request)
        ),
        lambda n: _("已为 %(n)d 名在职公务员建立诚信档案。") % {"n": n},
    )
    return redirect(f"{reverse('integrity-home')}?unit={unit_id}")


@login_required
@require_POST
def open_file(request: HttpRequest, person_id: int) -> HttpResponse:
    require_role(request.user, *queries.KEEP_ROLES)
    _view(request.user, person_id)
    _act(
        request,
        lambda: services.file_open(
            acting_user=request.user, person_id=person_id, ip_address=client_ip(request)
        ),
        _("已建立诚信档案。"),
    )
    return redirect("integrity-person", person_id)


def _render_file(request, view, form=None, status=200) -> HttpResponse:
    keeper = queries.may_keep(request.user) and view.file is not None
    context = {
        "view": view,
        "form": form or (EntryForm() if keeper else None),
        "may_keep": queries.may_keep(request.user),
        "pdf_url": reverse("integrity-pdf", args=[view.person.pk]),
        "personal": False,
    }
    return render(request, "portal/integrity/file.html", context, status=status)


@login_required
@require_safe
def person_file(request: HttpRequest, person_id: int) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    return _render_file(request, _view(request.user, person_id))


@login_required
@require_POST
def entry_add(request: HttpRequest, person_id: int) -> HttpResponse:
    require_role(request.user, *queries.KEEP_ROLES)
    view = _view(request.user, person_id)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.file_entry_add(
                acting_user=request.user,
                person_id=person_id,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已登记档案条目。"))
            return redirect("integrity-person", person_id)
    return _render_file(request, view, form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_correct(request: HttpRequest, entry_id: int) -> HttpResponse:
    require_role(request.user, *queries.KEEP_ROLES)
    entry = FileEntry.objects.filter(
        pk=entry_id, file__person__in=queries.readable_people(request.user)
    ).first()
    if entry is None:
        raise Http404(_("档案条目不存在。"))
    initial = {
        f: getattr(entry, f) for f in ("kind", "entry_date", "description", "result", "year", "evidence")
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_entry_correct(
                acting_user=request.user,
                entry_id=entry.pk,
                ip_address=client_ip(request),
                **form.cleaned_data,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("已更正档案条目，原条目保留并标注作废。"))
            return redirect("integrity-person", entry.file.person_id)
    context = {"entry": entry, "form": form, "person": entry.file.person}
    return render(request, "portal/integrity/correct.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def file_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    require_role(request.user, *queries.READ_ROLES)
    return _pdf_response(request, _view(request.user, person_id))


# ── the civil servant ──────────────────────────────────────────────────────────────


def _own_person_id(user) -> int:
    if not (user.person_id and has_role(user, Role.CIVIL_SERVANT)):
        raise PermissionDenied(_("“我的诚信档案”供公务员本人查看。"))
    return user.person_id


@login_required
@require_safe
def my_file(request: HttpRequest) -> HttpResponse:
    view = _view(request.user, _own_person_id(request.user))
    context = {"view": view, "pdf_url": reverse("me-integrity-pdf"), "personal": True}
    return render(request, "portal/integrity/file.html", context)


@login_required
@require_safe
def my_file_pdf(request: HttpRequest) -> HttpResponse:
    return _pdf_response(request, _view(request.user, _own_person_id(request.user)))
