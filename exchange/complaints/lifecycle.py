"""The complaint's states and steps on one screen (as casework.lifecycle does for a record).

RECEIVED ──accept──► ACCEPTED   a lead is registered (T1), routed within 1 WD of receipt
         ──merge───► MERGED     并单: the same matter as another open complaint
         ──return──► RETURNED   退单: sent back to the hotline, with a reason
         ──close───► CLOSED     outside the commission's scope, with a reason

Each step leaves RECEIVED only: a complaint is triaged once. The roles are those who take
complaints in and answer them (DOMAIN §2 R8) and the case officers (R1).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.lifecycle import Step
from casework.models import LeadSource
from casework.roles import Role


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 热线")
    PETITION = "petition", _("信访")
    SUPERVISION = "supervision", _("互联网+督查")
    SME_ARREARS = "sme_arrears", _("中小企业款项投诉平台")
    CREDIT_SITE = "credit_site", _("信用网站")
    WALK_IN = "walk_in", _("现场/来访")


class ComplaintState(models.TextChoices):
    RECEIVED = "RECEIVED", _("待分办")
    ACCEPTED = "ACCEPTED", _("已转为线索")
    MERGED = "MERGED", _("已并单")
    RETURNED = "RETURNED", _("已退单")
    CLOSED = "CLOSED", _("不予受理")


CS = ComplaintState

#: A complaint another one may be merged into: not yet triaged, or become a lead.
OPEN_STATES = (CS.RECEIVED, CS.ACCEPTED)

#: The lead's source (DOMAIN §3 Lead.source) for each channel. Channels the lead sources do
#: not name are complaints all the same: the petition office's (信访) route.
LEAD_SOURCE = {
    Channel.HOTLINE: LeadSource.HOTLINE,
    Channel.PETITION: LeadSource.PETITION,
    Channel.SUPERVISION: LeadSource.PETITION,
    Channel.SME_ARREARS: LeadSource.PETITION,
    Channel.CREDIT_SITE: LeadSource.PETITION,
    Channel.WALK_IN: LeadSource.PETITION,
}

#: Who triages and answers complaints, and who sees the complainant's contact unmasked
#: (they call back).
TRIAGE_ROLES = frozenset({Role.INTAKE_OPERATOR, Role.OFFICER})


def _step(name, label, target, ref) -> Step:
    return Step(name, label, (CS.RECEIVED,), target, TRIAGE_ROLES, ref)


COMPLAINT_STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        _step("accept", _("转为线索"), CS.ACCEPTED, "T1, §9.3"),
        _step("merge", _("并单"), CS.MERGED, "§9.3 (c)"),
        _step("return", _("退单"), CS.RETURNED, "§9.3 (c)"),
        _step("close", _("不予受理（非受理范围）"), CS.CLOSED, "§9.3 (c)"),
    ]
}

#: What the hotline is told at each step (the outbox message's kind), and at the lead's end.
OUTBOUND_KIND = {"accept": "accepted", "return": "returned", "close": "closed", "merge": "merged"}
RESULT_KIND = "result"

#: The outbox's words for those messages, as the credit administrator reads them.
OUTBOUND_KIND_LABELS = {
    "accepted": _("受理"),
    "returned": _("退单"),
    "closed": _("不予受理"),
    "merged": _("并单"),
    RESULT_KIND: _("办理结果"),
}
