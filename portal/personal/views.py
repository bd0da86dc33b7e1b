"""The civil servant's pages and the honours eligibility query for authorised staff
(DOMAIN §9.7).

A page of another role answers the Chinese 403 page: /me/ for anyone who is not a civil
servant, the honours query for anyone outside HONOURS_ROLES. The repair conditions of a
record the user may not see answer 404, like a missing one.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.services import honours

from . import reads
from .forms import HonoursForm, HonoursSearchForm


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not reads.is_civil_servant(request.user):
        raise PermissionDenied(_("“我的记录”供公务员本人查看。"))
    return render(request, "portal/personal/home.html", {"mine": reads.personal_file(request.user)})


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
