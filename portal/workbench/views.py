"""The commission's workbench: the dashboard, the case list and its bulk actions.

Same read paths as everywhere (casework.queries, workflows.inbox), already scoped to the
user; the bulk actions call one service each. The dashboard is the commission's: anyone
else is sent to their own start page, or gets the 404 of a page that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from casework import clock
from casework.errors import DomainError
from casework.services.bulk import BulkResult
from casework.services.reminders import deadlines_remind
from workflows import inbox
from workflows.services import tasks_assign

from . import queries
from .access import bulk_actions, is_commission, start_page
from .filters import CaseListFilter
from .forms import BulkForm
from .links import query_with, sort_headers

PER_PAGE = 25


@login_required
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands (LOGIN_REDIRECT_URL): each user's own start page, else the inbox."""
    return redirect(start_page(request.user) or "workflow-inbox-page")


INBOX_ROWS = 10


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_commission(user):
        start = start_page(user)
        if start is None:
            raise Http404(_("页面不存在。"))
        return redirect(start)
    today = clock.today()
    tasks = inbox.inbox(user)
    context = {
        "board": queries.dashboard(user=user, today=today),
        "tasks": tasks[:INBOX_ROWS],
        "task_count": tasks.count(),
        "queue_count": inbox.queue(user).count(),
        "today": today,
    }
    return render(request, "portal/workbench/dashboard.html", context)


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    return _case_list(request, request.GET, BulkForm(user=request.user))


def _case_list(
    request: HttpRequest, params: QueryDict, bulk_form: BulkForm, status: int = 200
) -> HttpResponse:
    today = clock.today()
    rows = queries.cases(user=request.user, today=today)
    listing = CaseListFilter(params or None, queryset=rows, request=request)
    page = Paginator(listing.qs, PER_PAGE).get_page(params.get("page"))
    context = {
        "listing": listing,
        "page": page,
        "today": today,
        "bulk_form": bulk_form,
        "bulk": bool(bulk_actions(request.user)) and bool(page.object_list),
        "selected": set(bulk_form.data.getlist("ids")) if bulk_form.is_bound else set(),
        "query": query_with(params, page=None),
        "headers": sort_headers(params),
        "filtered": any(params.get(name) for name in listing.form.fields if name != "sort"),
    }
    return render(request, "portal/workbench/case_list.html", context, status=status)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    if not bulk_actions(request.user):
        raise Http404(_("页面不存在。"))
    form = BulkForm(request.POST, user=request.user)
    params = QueryDict(request.POST.get("query", ""))
    if form.is_valid():
        try:
            result = _perform(request, form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            _report(request, form.cleaned_data["action"], result)
            return redirect(f"{reverse('work-case-list')}?{query_with(params)}")
    return _case_list(request, params, form, status=400)


def _perform(request: HttpRequest, data: dict) -> BulkResult:
    ip = request.META.get("REMOTE_ADDR")
    if data["action"] == "assign":
        return tasks_assign(
            acting_user=request.user, record_ids=data["ids"], assignee_id=data["assignee"].pk, ip_address=ip
        )
    return deadlines_remind(acting_user=request.user, record_ids=data["ids"], ip_address=ip)


def _report(request: HttpRequest, action: str, result: BulkResult) -> None:
    if result.done:
        done = "、".join(result.done)
        if action == "assign":
            text = ngettext(
                "已分配 %(tasks)s 项任务，涉及案件：%(cases)s。",
                "已分配 %(tasks)s 项任务，涉及案件：%(cases)s。",
                result.count,
            )
        else:
            text = ngettext(
                "已提醒当事方 %(tasks)s 个期限，涉及案件：%(cases)s。",
                "已提醒当事方 %(tasks)s 个期限，涉及案件：%(cases)s。",
                result.count,
            )
        messages.success(request, text % {"tasks": result.count, "cases": done})
    if result.skipped:
        skipped = "；".join(f"{ref}（{why}）" for ref, why in result.skipped)
        messages.warning(request, _("未处理：%(cases)s。") % {"cases": skipped})
    if result.not_found:
        missing = "、".join(f"#{i}" for i in result.not_found)
        messages.error(request, _("未找到：%(ids)s。") % {"ids": missing})
