"""Server-rendered pages of the work state: my inbox and queue, and one process.

Same read paths as the API (workflows.inbox): what a user may not see is a 404 here too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from casework import clock
from casework.errors import DomainError, NotFoundError

from . import inbox, owed, services


def _after(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["after"])
    except (KeyError, ValueError):
        return None


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """My tasks (earliest due first: one person's work, paged) and the queue (oldest first,
    a keyset page: a role's queue holds a whole city's work). Neither list reads more rows
    than it shows, and the queue's total is counted only up to inbox.COUNT_CAP."""
    user, after = request.user, _after(request)
    mine = Paginator(inbox.inbox(user), inbox.PAGE_ROWS).get_page(request.GET.get("mine"))
    context = {
        "inbox": mine,
        "queue": inbox.queue_page(user, after),
        # What the user's unit owes: the same rows as the department portal's (workflows.owed).
        "owed": owed.unit_owes(request.user),
        "today": clock.today(),
    }
    return render(request, "workflows/inbox.html", context)


@login_required
def process_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        process = inbox.process_get(request.user, pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None
    context = {"process": process, "subject": process.coerced.subject, "tasks": inbox.process_tasks(process)}
    return render(request, "workflows/process.html", context)


def _task_action(service, done_message: str):
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        try:
            service(acting_user=request.user, task_id=pk)
        except NotFoundError as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done_message)
        return redirect("workflow-inbox-page")

    return view


claim_page = _task_action(services.task_claim, _("已领取任务。"))
release_page = _task_action(services.task_release, _("已交回待领取。"))
