"""Two people (or the hotline twice) acting on one complaint at once (PostgreSQL): the row lock
and the unique work order let exactly one through, and the channel hears once."""

from __future__ import annotations

import datetime as dt

import pytest

from casework.roles import Role
from exchange.complaints import services
from exchange.models import Complaint, Outbound

from .complaint_cases import integration_user, order, token_client
from .concurrency import at_once, failures, race, successes
from .factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_triage_steps_at_once_one_wins(settings):
    settings.CHENGXIN_TODAY = "2026-02-02"
    first = UserFactory(username="intake-1", roles=[Role.INTAKE_OPERATOR])
    second = UserFactory(username="intake-2", roles=[Role.INTAKE_OPERATOR])
    unit = OrganisationFactory(name="东莞市甲局")
    intake = services.Intake(
        channel="hotline",
        work_order="GD-R1",
        title="某局拖欠工程款",
        content="验收后未付款。",
        received_on=dt.date(2026, 2, 2),
    )
    complaint, _created = services.complaint_receive(acting_user=first, intake=intake)
    outcomes = race(
        Complaint.objects.filter(pk=complaint.pk),
        [
            lambda: services.accept(acting_user=first, complaint_id=complaint.pk, organisation_id=unit.pk),
            lambda: services.return_to_channel(
                acting_user=second, complaint_id=complaint.pk, reason="非本部门职责"
            ),
        ],
    )
    assert len(successes(outcomes)) == 1 and len(failures(outcomes)) == 1
    assert Outbound.objects.filter(stream=f"complaint-{complaint.pk}").count() == 1


def test_the_same_order_posted_twice_at_once_is_one_complaint(settings):
    settings.CHENGXIN_TODAY = "2026-02-02"
    hotline = integration_user()

    def post():
        return token_client(hotline).post("/api/complaints/hotline/", order(number="GD-R2"), format="json")

    answers = at_once([post, post], together=True)
    assert not failures(answers)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.data["id"] for a in answers}) == 1
    assert Complaint.objects.count() == 1
