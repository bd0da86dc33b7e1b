"""The commission's workbench: the dashboard, the case list and its bulk actions, and the
start pages of the roles whose work is not a case list (the approver's queue, HR's
sanctions to execute, the system administrator's configuration and health).

Same read paths as everywhere (casework.queries, workflows.inbox), already scoped to the
user; the bulk actions call one service each. The dashboard is the commission's: anyone
else is sent to their own start page; a page of another role is the 403 page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from casework import clock
from casework.errors import DomainError
from casework.http import client_ip
from casework.permissions import conflicts_read_once, has_role
from casework.roles import Role
from casework.services.bulk import BulkResult
from casework.services.reminders import deadlines_remind
from exchange.court import documents as court_documents
from oversight.statistics import caseload
from oversight.statistics import snapshot as figure_snapshot
from portal import exports, paging
from portal.cases.actions import available_actions, page_conflicts
from portal.dashboard.views import commission_board
from workflows import inbox
from workflows.services import tasks_assign

from . import queries, system, worklists
from .access import (
    APPROVAL_ROLES,
    COMMISSION_ROLES,
    HR_ROLES,
    SYSTEM_ROLES,
    bulk_actions,
    is_commission,
    may_configure,
    may_register,
    require_role,
    start_page,
)
from .filters import DEFAULT_SORT, CaseListFilter, keyset
from .forms import BulkForm
from .links import query_with, sort_headers

PER_PAGE = 25


@login_required
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Where sign-in lands (LOGIN_REDIRECT_URL): each user's own start page."""
    return redirect(start_page(request.user))


INBOX_ROWS = 10


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_commission(user):
        return redirect(start_page(user))
    today = clock.today()
    tasks = inbox.inbox(user)
    # The counts over every record as of the last refresh, when the user sees every record.
    snapshot = figure_snapshot.current(user, today)
    figures = commission_board(user, today, snapshot)
    context = {
        "board": snapshot.board if snapshot else caseload.dashboard(user=user, today=today),
        "as_of": snapshot.taken_at if snapshot else None,
        "tasks": tasks[:INBOX_ROWS],
        "task_count": tasks.count(),
        "queue_count": inbox.capped_count(inbox.queue(user)),
        "count_cap": inbox.COUNT_CAP,
        "approvals": worklists.approval_counts(user) if has_role(user, *APPROVAL_ROLES) else None,
        "may_register": may_register(user),
        "today": today,
        "figures": figures,
        "figure_names": ",".join(shown.spec.name for shown in figures),
    }
    return render(request, "portal/workbench/dashboard.html", context)


@login_required
@require_safe
def approvals(request: HttpRequest) -> HttpResponse:
    """待核准文书: the drafts this approver may approve, the proposals awaiting them and the
    cases whose defence window has closed (待认定)."""
    require_role(request.user, *APPROVAL_ROLES)
    drafts = worklists.draft_rows(request.user)
    context = {
        "drafts": [row for row in drafts if row.ready],
        "incomplete": [row for row in drafts if not row.ready],
        "proposals": worklists.proposals_to_approve(request.user),
        "determinations": worklists.records_to_determine(request.user),
        "court_revocations": court_documents.pending_revocations(request.user).count(),
        "today": clock.today(),
    }
    return render(request, "portal/workbench/approvals.html", context)


@login_required
@require_safe
def hr(request: HttpRequest) -> HttpResponse:
    """待执行处分: sanctions served and not yet in their period, and appeals pending."""
    require_role(request.user, *HR_ROLES)
    cases = worklists.cases_to_execute(request.user)
    with conflicts_read_once(request.user, page_conflicts(request.user)):  # once, not per case
        rows = [(case, available_actions(request.user, case)) for case in cases]
    context = {
        "cases": rows,
        "appeals": worklists.appeals_pending(request.user),
        "today": clock.today(),
    }
    return render(request, "portal/workbench/hr.html", context)


@login_required
@require_safe
def system_page(request: HttpRequest) -> HttpResponse:
    """系统配置与运行状态: the admin's configuration pages and the cheap health checks."""
    if not may_configure(request.user):
        require_role(request.user, *SYSTEM_ROLES)
    checks = system.health()
    context = {
        "links": system.configuration_links(),
        "checks": checks,
        "all_ok": all(c.ok for c in checks),
        "may_configure": may_configure(request.user),
    }
    return render(request, "portal/workbench/system.html", context)


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    # The commission's list; the intake operator's holds the leads they registered.
    require_role(request.user, *COMMISSION_ROLES, Role.INTAKE_OPERATOR)
    return _case_list(request, request.GET, BulkForm(user=request.user))


def _listing(request: HttpRequest, params: QueryDict) -> CaseListFilter:
    """The user's cases under the filters of `params`: the page and its export read this."""
    rows = caseload.cases(user=request.user, today=clock.today())
    return CaseListFilter(params or None, queryset=rows, request=request)


@login_required
@require_safe
def case_export(request: HttpRequest) -> HttpResponse:
    """The case list as an Excel file with the filters applied: every page, nobody else's."""
    require_role(request.user, *COMMISSION_ROLES, Role.INTAKE_OPERATOR)
    records = _listing(request, request.GET).qs
    return exports.xlsx_response(exports.case_list_xlsx(records), exports.dated(_("案件列表")))


def _case_list(
    request: HttpRequest, params: QueryDict, bulk_form: BulkForm, status: int = 200
) -> HttpResponse:
    today = clock.today()
    listing = _listing(request, params)
    rows = listing.qs
    listing.form.is_valid()  # a bad date leaves the other filters, and the sort, applied
    sort = getattr(listing.form, "cleaned_data", {}).get("sort") or DEFAULT_SORT
    if sort.lstrip("-") == "due":
        source = queries.NextDueSource(rows, user=request.user, today=today, descending=sort == "-due")
    else:
        source = paging.QuerysetSource(rows, keyset(sort), by_pk=True)
    page = paging.KeysetPaginator(source, PER_PAGE, salt=f"cases:{sort}").page(params.get(paging.CURSOR))
    context = {
        "listing": listing,
        "page": page,
        "total": paging.capped_count(rows),
        "today": today,
        "bulk_form": bulk_form,
        "bulk": bool(bulk_actions(request.user)) and bool(page.object_list),
        "selected": set(bulk_form.data.getlist("ids")) if bulk_form.is_bound else set(),
        "query": paging.page_query(params),
        "headers": sort_headers(params),
        "filtered": any(params.get(name) for name in listing.form.fields if name != "sort"),
        "may_register": may_register(request.user),
    }
    return render(request, "portal/workbench/case_list.html", context, status=status)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    if not bulk_actions(request.user):
        raise PermissionDenied(_("您没有批量处理案件的权限。"))
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
    ip = client_ip(request)
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
