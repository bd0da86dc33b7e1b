"""The import pages: thin views over exchange.batches (start a dry run or a queued run) and
exchange.importers (who may import which kind; the batches they may read).

A dry run is checked in the request and its batch page lists every row's errors before
anything is written; a clean dry run can be imported as it is, without choosing the file
again. A real run is queued for a worker; its page shows a progress bar that
static/js/import-progress.js keeps up to date from the JSON of `batch_progress`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from casework import audit
from casework.errors import DomainError
from casework.http import client_ip
from exchange import batches
from exchange.directory import template_csv, template_xlsx
from exchange.importers import IMPORTERS, acting_role, importable_kinds, visible_batches
from exchange.models import ImportBatch, ImportKind, ImportRow, ImportState, RowOutcome
from exchange.spreadsheets import XLSX_CONTENT_TYPE
from portal import paging
from portal.exports import attachment

PER_PAGE = 50
#: Larger than any roster (10,000 organisations are about 1 MB as XLSX).
MAX_UPLOAD = 50 * 1024 * 1024
RUNNING = (ImportState.QUEUED, ImportState.RUNNING)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV 文件，第一行为表头，列名与模板一致。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件。"))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件过大（上限 50 MB）。"))
        return upload


def _kinds(request: HttpRequest) -> list[str]:
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("此页面属于其他岗位，您的账号无权使用。"))
    return kinds


def _may_import(request: HttpRequest, kind: str) -> None:
    if kind not in ImportKind.values:
        raise Http404(_("没有这种导入。"))
    if kind not in _kinds(request):
        raise PermissionDenied(_("您的账号无权导入这类名单。"))


def _acting(request: HttpRequest, kind: str) -> audit.Acting:
    return audit.Acting(request.user, acting_role(request.user, kind), client_ip(request))


def _columns(kind: str):
    return getattr(IMPORTERS.get(kind), "COLUMNS", None)


@login_required
@require_safe
def batch_list(request: HttpRequest) -> HttpResponse:
    kinds = _kinds(request)
    page = paging.paginate(request, visible_batches(request.user), per_page=PER_PAGE, salt="imports")
    # The generic upload page serves the lists that declare their columns; the others (court
    # lists) have their own page with their own options, and only their batches are read here.
    starts = [(kind, ImportKind(kind).label) for kind in kinds if _columns(kind)]
    return render(request, "portal/imports/list.html", {"page": page, "starts": starts})


@login_required
def batch_new(request: HttpRequest, kind: str) -> HttpResponse:
    _may_import(request, kind)
    if not _columns(kind):
        raise Http404(_("没有这种导入。"))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = batches.start(
                by=_acting(request, kind),
                kind=kind,
                file_name=upload.name,
                data=upload.read(),
                dry_run=request.POST.get("mode") != "run",
            )
        except DomainError as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("import-batch", batch_id=batch.pk)
    context = {"form": form, "kind": kind, "kind_label": ImportKind(kind).label, "columns": _columns(kind)}
    return render(request, "portal/imports/new.html", context, status=400 if form.is_bound else 200)


@login_required
@require_safe
def template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _may_import(request, kind)
    columns = _columns(kind)
    if columns is None or fmt not in ("xlsx", "csv"):
        raise Http404(_("没有这种模板。"))
    label = ImportKind(kind).label
    if fmt == "xlsx":
        body, content_type = template_xlsx(columns, title=str(label)), XLSX_CONTENT_TYPE
    else:
        body, content_type = template_csv(columns), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment(f"{label}导入模板.{fmt}")
    return response


def _batch(request: HttpRequest, batch_id: int) -> ImportBatch:
    return get_object_or_404(visible_batches(request.user), pk=batch_id)


@login_required
@require_safe
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch(request, batch_id)
    errors_first = Case(
        When(outcome=RowOutcome.INVALID, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = (
        ImportRow.objects.filter(batch=batch)
        .annotate(errors_first=errors_first)
        .order_by("errors_first", "number")
    )
    page = paging.paginate(request, rows, per_page=PER_PAGE, salt=f"imports:{batch.pk}")
    counts = [
        (RowOutcome(key).label, n) for key, n in sorted(batch.counts.items()) if key in RowOutcome.values
    ]
    context = {
        "batch": batch,
        "page": page,
        "counts": counts,
        "running": batch.state in RUNNING,
        "invalid": batch.counts.get(RowOutcome.INVALID, 0),
        "may_run": batch.dry_run
        and batch.state == ImportState.CHECKED
        and not batch.counts.get(RowOutcome.INVALID)
        and batch.kind in importable_kinds(request.user),
    }
    return render(request, "portal/imports/batch.html", context)


@login_required
@require_safe
def batch_progress(request: HttpRequest, batch_id: int) -> JsonResponse:
    batch = _batch(request, batch_id)
    return JsonResponse(
        {
            "state": batch.state,
            "state_label": batch.get_state_display(),
            "processed": batch.processed_rows,
            "total": batch.total_rows,
            "percent": batch.percent,
            "counts": batch.counts,
            "finished": batch.state not in RUNNING,
        }
    )


@login_required
@require_POST
def batch_run_checked(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Import the file of a clean dry run as it was checked (a new batch: the dry run's
    report stays as it was)."""
    checked = _batch(request, batch_id)
    if not (checked.dry_run and checked.state == ImportState.CHECKED) or checked.counts.get(
        RowOutcome.INVALID
    ):
        raise PermissionDenied(_("只有全部通过校验的试运行才能直接导入。"))
    with checked.file.open("rb") as file:
        data = file.read()
    batch = batches.start(
        by=_acting(request, checked.kind),
        kind=checked.kind,
        file_name=checked.file_name,
        data=data,
        dry_run=False,
    )
    return redirect("import-batch", batch_id=batch.pk)
