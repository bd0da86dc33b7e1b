"""In a case against several persons, each sanctioned person keeps their own appeal window:
one person's appeal neither closes nor uses up another's."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from casework.errors import DomainError
from casework.lifecycle import AccountabilityState
from casework.models import Accountability, Deadline, Sanction
from casework.roles import Role
from casework.services import accountability as svc
from casework.services.accountability import appeals

from .accountability_steps import appeal, decision, served, set_today
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
AS = AccountabilityState


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
