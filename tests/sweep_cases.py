"""Cases for the deadline-sweep tests, built with the real services (DOMAIN §10 scenarios 2 and 9)."""

import datetime as dt

from casework.services import objections
from casework.services import rectification as rect

from . import lifecycle, rectification_steps
from .objection_steps import filed

ITEM = {
    "requirement": "清理拖欠中小企业账款并向债权人全额支付。",
    "acceptance_criteria": "付款凭证与债权人确认函齐全。",
    "required_evidence": "银行付款回单、债权人确认函。",
}


def served_rectification(*, officer, approver, unit, items: int = 2, served_on=dt.date(2026, 9, 1)):
    """Scenario 8/9: an order served Tue 2026-09-01 whose items (30 calendar days, rolled
    forward off National Day) are due Thu 2026-10-08. The caller's clock must be on or
    after `served_on`."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rect.rectification_draft(acting_user=officer, record_id=record.pk, items=[ITEM] * items)
    order = rect.rectification_issue(acting_user=approver, rectification_id=order.pk)
    return rectification_steps.serve(order, officer=officer, approver=approver, served_on=served_on)


def objection_under_decision(*, officer, approver, liaison, unit, settings):
    """Scenario 2: received Thu 2026-09-24, accepted Mon 2026-09-28: decision due Fri 2026-10-16."""
    settings.CHENGXIN_TODAY = "2026-09-24"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record, received_on=dt.date(2026, 9, 24))
    settings.CHENGXIN_TODAY = "2026-09-28"
    return objections.objection_accept(acting_user=officer, objection_id=objection.pk)
