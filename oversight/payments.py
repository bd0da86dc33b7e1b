"""Payments to SMEs (models.payments): recorded by a unit's liaison, read by the commission.

The due date is computed once, when the payment is recorded: the contract's term (or the
statutory 30 days) from acceptance, moved off a rest day. The risk rule `sme_payment_late`
warns about an unpaid one after that day; recording the payment resolves the alert at the
next sweep.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import action_labels, audit, calendar, clock, identifiers
from casework.errors import DomainError, PermissionDeniedError
from casework.permissions import SEE_ALL_ROLES, has_role, roles_of
from casework.roles import Role
from casework.services.validation import require_past_date, require_text

from .models import SmePayment
from .models.payments import DEFAULT_PAYMENT_DAYS, MAX_PAYMENT_DAYS


class PaymentAction:
    """Audited actions on payments (stored values: never change)."""

    RECORD = "sme_payment.record"
    PAY = "sme_payment.pay"


action_labels.register(
    {
        PaymentAction.RECORD: gettext_lazy("登记中小企业应付款项"),
        PaymentAction.PAY: gettext_lazy("登记中小企业款项已支付"),
    }
)

#: Who records a unit's payments: its liaison (DOMAIN §2 R5).
RECORD_ROLES = frozenset({Role.UNIT_LIAISON})
#: Who reads a unit's payments: the unit (liaison and head) and the commission, which reads all.
READ_ROLES = frozenset({*SEE_ALL_ROLES, Role.UNIT_LIAISON, Role.UNIT_HEAD})


def visible_payments(user) -> QuerySet[SmePayment]:
    roles = roles_of(user)
    if roles & SEE_ALL_ROLES:
        return SmePayment.objects.select_related("unit")
    if roles & READ_ROLES and user.organisation_id:
        return SmePayment.objects.filter(unit_id=user.organisation_id).select_related("unit")
    return SmePayment.objects.none()


def record_refusal(user) -> str:
    """Why `user` may not record payments ("" when they may)."""
    if has_role(user, *RECORD_ROLES) and user.organisation_id:
        return ""
    return _("中小企业款项由本单位联络员登记。")


def due_date(accepted_on: dt.date, contract_days: int | None) -> dt.date:
    """S26 Art 9: within the agreed term (≤60 days) or 30 days of acceptance; a last day that
    is a rest day moves to the next working day (S28 Art 203)."""
    return calendar.add_days(accepted_on, contract_days or DEFAULT_PAYMENT_DAYS).date


def _check_term(contract_days: int | None) -> None:
    if contract_days is not None and not 1 <= contract_days <= MAX_PAYMENT_DAYS:
        raise DomainError(
            _("合同约定付款期限应为1至60日（《保障中小企业款项支付条例》第9条）。"),
            field="contract_days",
            code="invalid",
        )


def _check_supplier(name: str, code: str) -> tuple[str, str]:
    name = require_text(name, "supplier_name", _("请填写中小企业名称。"))
    code = identifiers.normalise(code)
    refusal = identifiers.uscc_refusal(code)
    if refusal:
        raise DomainError(refusal, field="supplier_credit_code", code="invalid")
    return name, code


def _check_amount(amount: Decimal) -> None:
    if amount is None or amount <= 0:
        raise DomainError(_("应付金额应大于0。"), field="amount", code="invalid")


@transaction.atomic(durable=True)
def payment_record(
    *,
    acting_user,
    supplier_name: str,
    supplier_credit_code: str,
    contract_number: str,
    amount: Decimal,
    accepted_on: dt.date,
    contract_days: int | None = None,
    paid_on: dt.date | None = None,
    ip_address: str | None = None,
) -> SmePayment:
    refusal = record_refusal(acting_user)
    if refusal:
        raise PermissionDeniedError(refusal, code="permission_denied")
    name, code = _check_supplier(supplier_name, supplier_credit_code)
    contract = require_text(contract_number, "contract_number", _("请填写合同编号。"))
    _check_amount(amount)
    _check_term(contract_days)
    accepted_on = require_past_date(accepted_on, "accepted_on", _("交付验收日期"))
    if paid_on is not None:
        paid_on = require_past_date(paid_on, "paid_on", _("实际付款日期"))
    if SmePayment.objects.filter(unit_id=acting_user.organisation_id, contract_number=contract).exists():
        raise DomainError(_("本单位已登记过该合同编号。"), field="contract_number", code="duplicate")
    try:
        with transaction.atomic():
            payment = SmePayment.objects.create(
                unit_id=acting_user.organisation_id,
                supplier_name=name,
                supplier_credit_code=code,
                contract_number=contract,
                amount=amount,
                accepted_on=accepted_on,
                contract_days=contract_days,
                due_on=due_date(accepted_on, contract_days),
                paid_on=paid_on,
                recorded_by=acting_user,
            )
    except IntegrityError:  # the same contract recorded at the same moment by someone else
        raise DomainError(
            _("本单位已登记过该合同编号。"), field="contract_number", code="duplicate"
        ) from None
    audit.append(
        audit.Acting(acting_user, Role.UNIT_LIAISON, ip_address), obj=payment, action=PaymentAction.RECORD
    )
    return payment


@transaction.atomic(durable=True)
def payment_pay(
    *, acting_user, payment_id: int, paid_on: dt.date, ip_address: str | None = None
) -> SmePayment:
    """The unit paid: the alert on the payment, if any, is resolved by the next sweep."""
    payment = visible_payments(acting_user).select_for_update(of=("self",)).filter(pk=payment_id).first()
    if payment is None:
        raise DomainError(_("款项记录不存在。"), field="payment", code="not_found")
    refusal = record_refusal(acting_user)
    if refusal:
        raise PermissionDeniedError(refusal, code="permission_denied")
    if payment.paid_on is not None:
        raise DomainError(_("该款项已登记支付。"), field="paid_on", code="already_paid")
    payment.paid_on = require_past_date(paid_on, "paid_on", _("实际付款日期"))
    payment.save(update_fields=["paid_on"])
    audit.append(
        audit.Acting(acting_user, Role.UNIT_LIAISON, ip_address),
        obj=payment,
        action=PaymentAction.PAY,
        diff={"paid_on": [None, payment.paid_on.isoformat()]},
    )
    return payment


def is_late(payment: SmePayment, today: dt.date | None = None) -> bool:
    return payment.paid_on is None and payment.due_on < (today or clock.today())
