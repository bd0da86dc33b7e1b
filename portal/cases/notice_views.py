"""A notice's page (its facts, its PDF, what this user may do with it, and greyed out what a
guard refuses them) and its PDF.

Both start from notices.queries.notice_get, the query of /api/notices/<pk>/ and its download:
a notice the user may not see is a 404 here exactly as there.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework.errors import DomainError, NotFoundError, PermissionDeniedError
from casework.http import client_ip
from casework.permissions import acting_role
from notices import queries, services
from notices.api import issued_pdf_response, preview_response
from notices.lifecycle import NOTICE_STEPS

from .actions import Action, step_actions
from .notice_revise import may_revise, missing


def _notice(request: HttpRequest, pk: int):
    try:
        return queries.notice_get(user=request.user, notice_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None


def _page(request: HttpRequest, notice, message: str = "", status: int = 200) -> HttpResponse:
    actions = step_actions(request.user, notice)
    if may_revise(request.user, notice):
        url = reverse("notice-revise", args=[notice.pk])
        actions.insert(0, Action(kind="notices", pk=notice.pk, step="revise", label=_("完善草稿"), url=url))
    context = {
        "notice": notice,
        "actions": actions,
        "missing": missing(notice),
        "staff": queries.is_staff_reader(request.user),
        "events": notice.service_events.order_by("served_on", "pk"),
        "message": message,
        "may_retry_render": notice.render_failed and may_retry_render(request.user, notice),
    }
    return render(request, "portal/cases/notice.html", context, status=status)


@login_required
@require_safe
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _notice(request, pk))


@login_required
@require_safe
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF of an issued notice, byte for byte; a draft's watermarked preview."""
    notice = _notice(request, pk)
    if not notice.was_issued:
        return preview_response(request, notice)
    if not notice.pdf_ready:
        return _page(request, notice, _("文书正在生成，请稍后再试。"), status=409)
    return issued_pdf_response(request, notice)


def may_retry_render(user, notice) -> bool:
    if notice.record_id is None:
        return False
    try:
        acting_role(user, notice.record, NOTICE_STEPS["issue"])
    except PermissionDeniedError:
        return False
    return True


@login_required
@require_POST
def notice_render(request: HttpRequest, pk: int) -> HttpResponse:
    """重新生成: another rendering of a notice whose rendering failed (officers, approvers)."""
    _notice(request, pk)
    try:
        services.notice_retry_render(acting_user=request.user, notice_id=pk, ip_address=client_ip(request))
    except NotFoundError:
        raise Http404 from None
    except DomainError as exc:  # PermissionDeniedError included
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已重新提交生成，请稍后刷新。"))
    return redirect("notice-page", pk=pk)
