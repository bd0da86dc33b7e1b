"""The civil servant's pages (issue 5, item 3) and the honours eligibility query for
authorised staff (item 4, DOMAIN §9.7).

A page a user may not use answers 404, like a missing one: /me/ for anyone who is not a
civil servant, the honours query for anyone outside HONOURS_ROLES, the repair conditions of
a record the user may not see.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from casework.errors import DomainError, NotFoundError
from casework.services import honours

from . import reads
from .forms import HonoursForm


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not reads.is_civil_servant(request.user):
        raise Http404
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
    """POST runs one query through the service (which logs it) and redirects to its result,
    so reloading the result page does not query, nor log, a second time."""
    user = request.user
    if not reads.may_query_honours(user):
        raise Http404
    form = HonoursForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            result = honours.honours_check(
                acting_user=user, ip_address=request.META.get("REMOTE_ADDR"), **form.service_arguments()
            )
        except DomainError as exc:
            form.add_service_error(exc)
        else:
            return redirect(f"{reverse('honours')}?query={result.query_id}")
    context = {
        "form": form,
        "result": reads.honour_query_get(user, request.GET.get("query")),
        "recent": reads.recent_honour_queries(user)[: reads.RECENT_QUERIES],
    }
    return render(request, "portal/personal/honours.html", context, status=400 if form.errors else 200)
