"""Thin views over exchange.court: who may see what is decided there (the query functions
answer nothing to a role outside them) and here (`require_role`, the 403 page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework import audit, clock
from casework.errors import DomainError
from casework.http import client_ip
from casework.permissions import has_role
from casework.roles import Role
from exchange import batches, importers
from exchange.court import confirmation, documents
from exchange.court.common import IMPORT_ROLES
from exchange.models import CourtRevocation, ImportBatch, ImportKind, RowOutcome
from portal.workbench.access import require_role

from .forms import DocumentForm, ImportForm, ReasonForm

COURT_KINDS = (ImportKind.DEFAULTER_LIST, ImportKind.COURT_DOCUMENTS)


def batch_url(batch: ImportBatch, user) -> str:
    """The shared batch progress page (portal imports) when it exists and lets this user read
    court batches (exchange.importers.import_roles), else this package's own page."""
    shared_roles = getattr(importers, "import_roles", None)
    if shared_roles is not None and has_role(user, *shared_roles(batch.kind)):
        for name in ("portal:import-batch", "import-batch"):
            try:
                return reverse(name, args=[batch.pk])
            except NoReverseMatch:
                continue
    return reverse("court-batch", args=[batch.pk])


@login_required
def court_home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *IMPORT_ROLES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        role = Role.OFFICER if has_role(request.user, Role.OFFICER) else Role.CREDIT_ADMIN
        try:
            batch = batches.start(
                by=audit.Acting(request.user, role, client_ip(request)),
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
                options={"full_list": form.cleaned_data["full_list"]},
            )
        except DomainError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect(batch_url(batch, request.user))
    recent = ImportBatch.objects.filter(kind__in=COURT_KINDS)[:20]
    context = {
        "form": form,
        "batches": [(batch, batch_url(batch, request.user)) for batch in recent],
        "queue": confirmation.weak_queue(request.user),
        "flagged": documents.flagged_revocations(request.user),
        "pending": documents.pending_revocations(request.user),
        "may_confirm": has_role(request.user, *confirmation.CONFIRM_ROLES),
        "today": clock.today(),
    }
    return render(request, "portal/court/home.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def court_batch(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *IMPORT_ROLES)
    batch = get_object_or_404(ImportBatch, pk=pk, kind__in=COURT_KINDS)
    counts = [
        (RowOutcome(outcome).label, n) for outcome, n in batch.counts.items() if outcome in RowOutcome.values
    ]
    context = {"batch": batch, "counts": counts, "rows": batch.rows.all()[:1000]}
    return render(request, "portal/court/batch.html", context)


def _reason(request: HttpRequest) -> str:
    """The optional reason typed beside a button (a refusal names a missing one)."""
    form = ReasonForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("reason", "")


def _act(request: HttpRequest, call, done: str) -> None:
    try:
        call()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)


@login_required
@require_POST
def match_confirm(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    require_role(request.user, *confirmation.CONFIRM_ROLES)
    if source not in confirmation.SOURCES:
        raise Http404
    _act(
        request,
        lambda: confirmation.name_match_confirm(
            acting_user=request.user, source=source, pk=pk, ip_address=client_ip(request)
        ),
        _("已确认并登记线索。"),
    )
    return redirect("court-home")


@login_required
@require_POST
def match_reject(request: HttpRequest, source: str, pk: int) -> HttpResponse:
    require_role(request.user, *confirmation.CONFIRM_ROLES)
    if source not in confirmation.SOURCES:
        raise Http404
    _act(
        request,
        lambda: confirmation.name_match_reject(
            acting_user=request.user,
            source=source,
            pk=pk,
            reason=_reason(request),
            ip_address=client_ip(request),
        ),
        _("已排除该疑似匹配，再次导入时不再提示。"),
    )
    return redirect("court-home")


@login_required
def document_register(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *IMPORT_ROLES)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = documents.court_document_register(
                acting_user=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            count = document.revocations.count()
            messages.success(
                request,
                _("已登记法院文书 %(number)s（涉及记录 %(count)d 件）。")
                % {"number": document.number, "count": count},
            )
            return redirect("court-home")
    return render(request, "portal/court/document.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_safe
def revocations(request: HttpRequest) -> HttpResponse:
    """待撤销: EFFECTIVE records whose court document was revoked, due within 3 WD of its
    registration; an overdue one says so."""
    require_role(request.user, Role.APPROVER, *IMPORT_ROLES)
    today = clock.today()
    rows = [(r, documents.is_overdue(r, today)) for r in documents.pending_revocations(request.user)]
    context = {"rows": rows, "today": today, "may_revoke": has_role(request.user, *documents.REVOKE_ROLES)}
    return render(request, "portal/court/revocations.html", context)


@login_required
@require_POST
def revocation_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *documents.REVOKE_ROLES)
    get_object_or_404(CourtRevocation, pk=pk)
    _act(
        request,
        lambda: documents.court_revocation_confirm(
            acting_user=request.user,
            revocation_id=pk,
            reason=_reason(request),
            ip_address=client_ip(request),
        ),
        _("失信记录已撤销，省平台将在期限内收到撤销信息。"),
    )
    return redirect("court-revocations")


@login_required
@require_POST
def revocation_note(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.OFFICER)
    get_object_or_404(CourtRevocation, pk=pk)
    _act(
        request,
        lambda: documents.court_revocation_note(
            acting_user=request.user,
            revocation_id=pk,
            note=_reason(request),
            ip_address=client_ip(request),
        ),
        _("已记录处理情况。"),
    )
    return redirect("court-home")
