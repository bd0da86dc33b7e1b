"""Three gaps of the sub-processes (issue 3): an appeal never suspends HR's execution of a
sanction (S15 Art 56; S16 Art 96), every sanctioned person keeps their own appeal window in
a case against several persons, and an escalated rectification's 督办/约谈 limit ends."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from casework.errors import DomainError
from casework.lifecycle import AccountabilityState
from casework.models import Accountability, AuditEntry, Deadline, Sanction
from casework.roles import Role
from casework.services import accountability as svc
from casework.services import appeals
from casework.services.rectification_sweeps import items_escalate, items_mark_overdue
from workflows.inbox import queue

from . import lifecycle, rectification_steps
from .accountability_steps import decision, served, set_today
from .factories import PersonFactory, UserFactory
from .test_flows import waiting

pytestmark = pytest.mark.django_db
AS = AccountabilityState


@pytest.fixture
def record(officer, approver, unit, fixed_today):
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


@pytest.fixture
def hr(db):
    return UserFactory(username="hr", roles=[Role.HR_ADMIN])


def appeal(user, sanction, filed_on):
    return appeals.accountability_appeal(
        acting_user=user, sanction_id=sanction.pk, kind="REVIEW", filed_on=filed_on, grounds="处分过重。"
    )


# ── 1. an appeal filed before HR executes a 降级 ─────────────────────────────────────
@pytest.fixture
def demoted(settings, officer, approver, record, civil_servant):
    """降级 decided Tue 2026-03-31, served Thu 04-02: HR has until 04-30 (S14 Art 54)."""
    set_today(settings, "2026-04-02")
    person = civil_servant.person
    return served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "DEMOTION")],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )


def test_an_appeal_before_execution_leaves_hrs_execution_due_and_possible(
    settings, civil_servant, approver, hr, demoted
):
    set_today(settings, "2026-04-08")
    review = appeal(civil_servant, Sanction.objects.get(), dt.date(2026, 4, 8))
    case = Accountability.objects.get()
    assert case.state == AS.SERVED  # not suspended: the case stays with HR
    assert waiting(case) == [("execute", "NEW", None)]
    assert [t.flow_task.name for t in queue(hr)] == ["execute"]
    assert Deadline.objects.get(kind="hr_execution").status == "OPEN"

    svc.accountability_execute(acting_user=hr, accountability_id=case.pk, note="已调整职级和工资。")
    assert Deadline.objects.get(kind="hr_execution").status == "MET"
    case = svc.accountability_start_period(acting_user=hr, accountability_id=case.pk)
    # The period runs; the pending review is heard now.
    assert case.state == AS.APPEALED
    assert waiting(case) == [("decide_appeal", "NEW", None)]

    set_today(settings, "2026-04-20")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=review.pk, outcome="UPHELD")
    assert Accountability.objects.get().state == AS.IN_PERIOD
    steps = list(
        AuditEntry.objects.filter(action__startswith="accountability.").values_list("action", flat=True)
    )
    assert steps[-4:] == [
        "accountability.appeal",
        "accountability.execute",
        "accountability.start_period",
        "accountability.decide_appeal",
    ]


def test_an_appeal_decided_before_execution_still_leaves_it_to_hr(
    settings, civil_servant, approver, hr, demoted
):
    set_today(settings, "2026-04-08")
    review = appeal(civil_servant, Sanction.objects.get(), dt.date(2026, 4, 8))
    set_today(settings, "2026-04-15")
    appeals.accountability_decide_appeal(
        acting_user=approver, appeal_id=review.pk, outcome="VARIED", decision_type="MAJOR_DEMERIT"
    )
    case = Accountability.objects.get()
    assert case.state == AS.SERVED and waiting(case) == [("execute", "NEW", None)]
    assert Sanction.objects.get().decision_type == "MAJOR_DEMERIT"
    svc.accountability_execute(acting_user=hr, accountability_id=case.pk)
    assert svc.accountability_start_period(acting_user=hr, accountability_id=case.pk).state == AS.IN_PERIOD


# ── 3. each sanctioned person's own appeal window ────────────────────────────────────
@pytest.fixture
def two_admonished(settings, officer, approver, record, civil_servant, unit):
    """诫勉 for two persons, served Thu 2026-04-02: each may ask for 复审 through 05-06."""
    set_today(settings, "2026-04-02")
    first = civil_servant
    second = UserFactory(person=PersonFactory(unit=unit), roles=[Role.CIVIL_SERVANT])
    served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[first.person, second.person],
        decisions=[decision(first.person, "ADMONITION"), decision(second.person, "ADMONITION")],
        decided_on=dt.date(2026, 3, 31),
        served_on=dt.date(2026, 4, 2),
    )
    return first, second


def test_the_first_persons_appeal_leaves_the_seconds_window_open(settings, officer, approver, two_admonished):
    first, second = two_admonished
    case = Accountability.objects.get()
    set_today(settings, "2026-04-10")
    review = appeal(first, Sanction.objects.get(person=first.person), dt.date(2026, 4, 10))
    assert Deadline.objects.get(kind="appeal_review_apply").status == "OPEN"

    set_today(settings, "2026-04-20")
    appeals.accountability_decide_appeal(acting_user=approver, appeal_id=review.pk, outcome="UPHELD")
    with pytest.raises(DomainError) as caught:  # the second person's window still runs
        svc.accountability_close(acting_user=officer, accountability_id=case.pk)
    assert caught.value.code == "window_open"

    set_today(settings, "2026-05-06")  # the last day of the window (05-02 → 劳动节 → 05-06)
    second_review = appeal(second, Sanction.objects.get(person=second.person), dt.date(2026, 5, 6))
    assert second_review.sanction.person == second.person
    # Both persons have used their right: the window has done its work.
    assert Deadline.objects.get(kind="appeal_review_apply").status == "MET"
    assert Deadline.objects.filter(kind="appeal_review_decide", status="OPEN").count() == 1


def test_the_second_person_appeals_from_the_page_while_the_first_appeal_is_heard(
    settings, hr, two_admonished
):
    """The case is APPEALED once HR started the period with the first appeal pending; the
    second person's own right is still offered on /me/ and its form files it (the step's
    sources include APPEALED)."""
    first, second = two_admonished
    set_today(settings, "2026-04-10")
    appeal(first, Sanction.objects.get(person=first.person), dt.date(2026, 4, 10))
    case = Accountability.objects.get()
    svc.accountability_execute(acting_user=hr, accountability_id=case.pk, note="已执行诫勉。")
    svc.accountability_start_period(acting_user=hr, accountability_id=case.pk)
    assert Accountability.objects.get().state == AS.APPEALED
    own = Sanction.objects.get(person=second.person)
    url = reverse("case-action", kwargs={"kind": "sanctions", "pk": own.pk, "step": "appeal"})
    client = Client()
    client.force_login(second)
    assert url in client.get(reverse("me-home")).content.decode()
    response = client.post(url, {"kind": "REVIEW", "filed_on": "2026-04-10", "grounds": "处分过重。"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert own.appeals.count() == 1 and Accountability.objects.get().state == AS.APPEALED


# ── 2. the 督办 limit of an escalated rectification ends ─────────────────────────────
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
