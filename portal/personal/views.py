"""The civil servant's pages and the honours eligibility query for authorised staff
(DOMAIN §9.7).

A page of another role answers the Chinese 403 page: /me/ for anyone who is not a civil
servant, the honours query for anyone outside HONOURS_ROLES. The repair conditions of a
record the user may not see answer 404, like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.permissions import conflicts_read_once
from casework.queries import person_get
from casework.services import honours
from portal.cases.actions import available_actions, page_conflicts
from portal.unit.work import PAGE_SIZE

from . import reads
from .forms import HonoursForm, HonoursSearchForm


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not reads.is_civil_servant(request.user):
        raise PermissionDenied(_("“我的记录”供公务员本人查看。"))
    return render(request, "portal/personal/home.html", {"mine": reads.personal_file(request.user)})


#: The whole lists behind the latest rows of /me/: (rows, template, title).
LISTS = {
    "records": (reads.own_records, "portal/personal/_records.html", gettext_lazy("关于我的失信记录")),
    "notices": (reads.own_notices, "portal/personal/_notices.html", gettext_lazy("我的文书")),
    "sanctions": (
        reads.own_sanctions,
        "portal/personal/_sanctions.html",
        gettext_lazy("对我作出的处分与问责决定"),
    ),
}


@login_required
@require_safe
def full_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the civil servant's lists in full, a page at a time."""
    user = request.user
    if not reads.is_civil_servant(user):
        raise PermissionDenied(_("“我的记录”供公务员本人查看。"))
    rows, template, title = LISTS[kind]
    person = person_get(user=user, person_id=user.person_id)
    page = Paginator(rows(user, person), PAGE_SIZE).get_page(request.GET.get("page"))
    with conflicts_read_once(user, page_conflicts(user)):
        if kind == "records":
            shown = [reads.OwnRecord(r, reads.record_actions(user, r)) for r in page]
        elif kind == "sanctions":
            shown = [(s, available_actions(user, s)) for s in page]
        else:
            shown = list(page)
    context = {"page": page, "rows": shown, "table": template, "title": title, "mine": {kind: shown}}
    return render(request, "portal/personal/list.html", context)


@login_required
@require_safe
def repair_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        outlook = reads.repair_outlook(request.user, pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None
    return render(request, "portal/personal/repair_eligibility.html", {"outlook": outlook})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def honours_query(request: HttpRequest) -> HttpResponse:
    """GET `?q=` searches for the subject; POST runs one query through the service (which
    logs it) and redirects to its result, so reloading the result page does not query, nor
    log, a second time. A refused POST carries its search along and shows it again."""
    user = request.user
    if not reads.may_query_honours(user):
        raise PermissionDenied(_("评优评先查询仅供委员会和人事、信用管理人员使用。"))
    search = HonoursSearchForm(request.POST or request.GET, user=user)
    form = HonoursForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            result = honours.honours_check(
                acting_user=user, ip_address=client_ip(request), **form.service_arguments()
            )
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            return redirect(f"{reverse('honours')}?query={result.query_id}")
    context = {
        "search": search,
        "candidates": reads.honour_candidates(user, search.text),
        "form": form,
        "result": reads.honour_query_get(user, request.GET.get("query")),
        "recent": reads.recent_honour_queries(user)[: reads.RECENT_QUERIES],
    }
    status = 400 if form.errors or search.errors else 200
    return render(request, "portal/personal/honours.html", context, status=status)
