"""The case page and the action forms, for every signed-in role.

- `case_detail`: one record as this user may see it (casework.queries: a hidden record is a
  404, like a missing one), its sub-processes and deadlines, timeline, notices, and the
  actions this user may take now;
- `CaseActionView`: GET shows the form of one action on one object, generated from the API
  endpoint's input serializer; POST hands the page's request to that same endpoint and
  redirects to the case page, or shows the form again with the endpoint's messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST, require_safe

from casework import queries
from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.services import attachments as attachment_svc
from portal import paging

from . import casefile, timeline
from .actions import refusal
from .choices import choices_for, initial, omitted
from .dispatch import call, endpoint, read
from .fields import Context, build, is_multipart, rows_changed
from .kinds import KINDS, visible_object
from .specs import spec_for


@login_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = queries.record_get(user=request.user, record_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None
    return render(request, "portal/cases/detail.html", casefile.build(request.user, record))


@login_required
@require_safe
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The record's whole trail, oldest first, a page at a time (the case page shows the
    latest entries only)."""
    try:
        record = queries.record_get(user=request.user, record_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None
    rows = timeline.trail(request.user, record).order_by("seq")
    page = paging.paginate(request, rows, per_page=timeline.LATEST, salt="case-timeline")
    context = casefile.timeline_page(request.user, record, page)
    return render(request, "portal/cases/timeline.html", {**context, "query": ""})


def case_url(user, record) -> str:
    """The case page of `record` when the user still sees it (a subject's defence can take
    it back out of their sight), else their inbox."""
    if record is not None and queries.record_list(user=user).filter(pk=record.pk).exists():
        return reverse("case-detail", args=[record.pk])
    return reverse("workflow-inbox-page")


class CaseActionView(LoginRequiredMixin, View):
    """/work/<kind>/<pk>/act/<step>/: the object first (404 when hidden), then the step."""

    template_name = "portal/cases/action.html"

    def prepare(self, request: HttpRequest, kind: str, pk: int, step: str) -> None:
        self.obj = visible_object(request.user, kind, pk)
        self.spec = spec_for(kind, step)
        if self.spec is None:
            raise Http404
        self.record = KINDS[kind].record(self.obj)
        self.ctx = Context(request.user, self.obj, self.record, choices_for(kind))
        self.target = endpoint(self.spec, self.ctx)
        self.refused = refusal(request.user, self.obj, self.spec)

    def get(self, request: HttpRequest, kind: str, pk: int, step: str) -> HttpResponse:
        self.prepare(request, kind, pk, step)
        data = initial(kind, step, self.ctx, self.target.serializer)
        return self.show(request, self.fields(data))

    def post(self, request: HttpRequest, kind: str, pk: int, step: str) -> HttpResponse:
        self.prepare(request, kind, pk, step)
        if self.refused:  # taken by someone else meanwhile, or never this user's to take
            messages.error(request, self.refused)
            return redirect(case_url(request.user, self.record))
        fields = self.fields(request.POST)
        if rows_changed(fields, request.POST):
            return self.show(request, fields)
        shown = {f.key for f in fields}
        labels = {name: str(f.label) for name, f in self.target.serializer().fields.items()}
        answer = read(call(self.target, request, pk), shown, labels)
        if answer.ok:
            messages.success(request, _("已完成“%(step)s”。") % {"step": self.spec.title})
            return redirect(case_url(request.user, self.record))
        if answer.status == 404 and not answer.by_field:
            raise Http404
        fields = self.fields(request.POST, answer.by_field)
        return self.show(request, fields, answer.general, status=400 if answer.status == 400 else 200)

    def fields(self, data, errors=None):
        if self.refused:
            return []
        hidden = {*self.target.fixed, *omitted(self.spec.kind, self.spec.slug, self.ctx.user)}
        return build(self.target.serializer, data=data, errors=errors or {}, ctx=self.ctx, hidden=hidden)

    def extra(self, fields) -> dict:
        """The order's items beside the reviewer's rows (the hand-written review form)."""
        if (self.spec.kind, self.spec.slug) != ("rectifications", "review") or not fields:
            return {}
        items = {str(item.pk): item for item in self.obj.items.all()}
        rows = next(f.rows for f in fields if f.key == "decisions")
        by_key = [{child.key: child for child in row} for row in rows]
        return {"review_rows": [(items.get(str(row["item"].value)), row) for row in by_key]}

    def show(self, request, fields, general=(), status=200) -> HttpResponse:
        kind = KINDS[self.spec.kind]
        context = {
            "spec": self.spec,
            "obj": self.obj,
            "record": self.record,
            "state_label": kind.state_label(self.obj),
            "object_name": self.obj._meta.verbose_name,
            "fields": fields,
            "fixed": [
                (name, v)
                for name, value in self.target.fixed.items()
                for v in (value if isinstance(value, list) else [value])
            ],
            "note": self.target.note,
            "general": list(general),
            "summary": [(f.id, f.label, message) for f in fields for message in f.errors],
            "refused": self.refused,
            "multipart": is_multipart(fields),
            "back": case_url(request.user, self.record),
            **self.extra(fields),
        }
        return render(request, self.spec.template or self.template_name, context, status=status)


@login_required
@require_POST
def attachment_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The class of one file (internal, shared with the subject, public), changed from the
    case page by the commission's staff: the use case the API's POST
    /api/attachments/{id}/visibility/ calls, with its guard, reason and audit entry."""
    try:
        attachment = queries.attachment_get(user=request.user, attachment_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None
    try:
        attachment_svc.attachment_set_visibility(
            acting_user=request.user,
            attachment_id=pk,
            visibility=request.POST.get("visibility", ""),
            reason=request.POST.get("reason", ""),
            ip_address=client_ip(request),
        )
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None
    except DomainError as exc:  # PermissionDeniedError included
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已更改附件“%(name)s”的可见范围。") % {"name": attachment.original_name})
    return redirect(case_url(request.user, attachment.record))
