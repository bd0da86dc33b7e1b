"""Thin views over oversight.alerts and oversight.payments: who may do what is decided there
(the refusal functions grey out the buttons; the use cases refuse the same)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework import clock
from casework.errors import DomainError
from casework.http import client_ip
from oversight import alerts, payments
from portal import paging
from portal.workbench.access import require_role

from . import queries
from .forms import AlertFilterForm, PaidForm, PaymentForm, ReasonForm

PAGE_SIZE = 50


@login_required
@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *alerts.COMMISSION_ROLES)
    form = AlertFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = queries.filtered(
        request.user,
        level=filters.get("level", ""),
        rule=getattr(filters.get("rule"), "pk", ""),
        unit=filters.get("unit"),
        # no state asked for (a level link, a first visit): the active ones
        state=filters.get("state", "") if "state" in request.GET else queries.ACTIVE,
    )
    # by_pk: the page is ranked on the alerts alone, and only its rows join their rule,
    # unit and record (else every active alert's record is looked up before the LIMIT)
    source = paging.QuerysetSource(found, paging.keys_for(found), by_pk=True)
    page = paging.paginate(request, source, per_page=PAGE_SIZE, salt="alerts")
    context = {
        "form": form,
        "page": page,
        "rows": queries.rows(request.user, page),
        "counts": queries.level_counts(request.user),
        "query": paging.page_query(request.GET),
        "today": clock.today(),
    }
    return render(request, "portal/risk/alerts.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the button was on (a path of this site), else the alert list."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("risk-alerts")


def _act(request: HttpRequest, call: Callable[[], object], done: str) -> HttpResponse:
    try:
        call()
    except DomainError as error:
        if error.code == "not_found":  # an alert the user may not see: as if it did not exist
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return _back(request)


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    form.is_valid()
    return form.cleaned_data.get("reason", "")


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        lambda: alerts.alert_acknowledge(
            acting_user=request.user, alert_id=pk, ip_address=client_ip(request)
        ),
        _("已确认知悉该预警。"),
    )


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        lambda: alerts.alert_resolve(
            acting_user=request.user, alert_id=pk, reason=_reason(request), ip_address=client_ip(request)
        ),
        _("已解除该预警。"),
    )


@login_required
@require_POST
def alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        lambda: alerts.alert_dismiss(
            acting_user=request.user, alert_id=pk, reason=_reason(request), ip_address=client_ip(request)
        ),
        _("已排除该预警，同一原因不再预警。"),
    )


# ── a unit's payments to SMEs ──────────────────────────────────────────────────────────


@login_required
def payment_list(request: HttpRequest) -> HttpResponse:
    """The unit's payments (the commission's: every unit's), and the form its liaison records one with."""
    require_role(request.user, *payments.READ_ROLES)
    refused = payments.record_refusal(request.user)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and not refused and form.is_valid():
        try:
            payments.payment_record(
                acting_user=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("已登记该笔款项。"))
            return redirect("unit-payments")
    context = {
        "form": form,
        "refused": refused,
        "payments": payments.visible_payments(request.user)[:500],
        "paid_form": PaidForm(),
        "today": clock.today(),
    }
    return render(request, "portal/risk/payments.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def payment_pay(request: HttpRequest, pk: int) -> HttpResponse:
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的实际付款日期。"))
        return redirect("unit-payments")
    try:
        payments.payment_pay(
            acting_user=request.user,
            payment_id=pk,
            paid_on=form.cleaned_data["paid_on"],
            ip_address=client_ip(request),
        )
    except DomainError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("已登记付款，相关预警将在下次预警检查时解除。"))
    return redirect("unit-payments")
