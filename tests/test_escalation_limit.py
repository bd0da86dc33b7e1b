"""An escalated rectification's 督办/约谈 limit ends when the commission takes up the case."""

import datetime as dt

import pytest

from casework.models import Accountability, Deadline
from casework.roles import Role
from casework.services import accountability as svc
from casework.services.rectification.sweeps import items_escalate, items_mark_overdue

from . import rectification_steps
from .accountability_steps import set_today
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_escalation_limit_ends_when_the_commission_takes_up_the_case(settings, officer, approver, unit):
    """DOMAIN §6.3 "second overdue": 督办/约谈 and accountability within 5 WD; once the case
    the escalation opened is investigated the limit is met, not overdue for ever."""
    set_today(settings, "2026-09-01")
    rectification = rectification_steps.in_progress(officer=officer, approver=approver, unit=unit, count=1)
    items_mark_overdue(dt.date(2026, 10, 9))
    items_escalate(dt.date(2026, 10, 23))
    limit = Deadline.objects.get(kind="escalation", owner_id=rectification.pk)
    assert (limit.status, limit.due_on) == ("OPEN", dt.date(2026, 10, 30))
    set_today(settings, "2026-10-26")
    case = Accountability.objects.get(rectification=rectification)
    second = UserFactory(roles=[Role.OFFICER])
    svc.accountability_investigate(
        acting_user=officer, accountability_id=case.pk, investigators=[officer.pk, second.pk]
    )
    limit.refresh_from_db()
    assert limit.status == "MET"
