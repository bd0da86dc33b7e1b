"""Two approvers decide the same objection at once on PostgreSQL.
Exactly one decision is taken, with one audit entry; the other gets a clear conflict
(ConflictError in the service, HTTP 409 through the API)."""

import pytest

from casework.errors import ConflictError
from casework.lifecycle import ObjectionState, RecordState
from casework.models import AuditEntry, Objection, Record, SyncEvent, SyncKind
from casework.roles import Role
from casework.services import objections as svc

from . import concurrency, lifecycle
from .api_fixtures import api
from .factories import OrganisationFactory, UserFactory
from .objection_steps import verifying

# serialized_rollback: the rule and calendar rows of the migrations are back for each test,
# whichever transactional test flushed the database before.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def case(settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    unit = OrganisationFactory()
    officer = UserFactory(roles=[Role.OFFICER])
    approvers = [UserFactory(roles=[Role.APPROVER]) for _ in range(2)]
    liaison = UserFactory(organisation=unit, roles=[Role.UNIT_LIAISON])
    record = lifecycle.effective(officer=officer, approver=approvers[0], organisation=unit)
    objection = verifying(subject=liaison, officer=officer, record=record)
    return objection, approvers


def race(objection: Objection, attempts) -> list:
    """Run the attempts in threads queued on the objection's row lock, then release it."""
    return concurrency.race(Objection.objects.filter(pk=objection.pk), attempts)


def assert_one_decision(objection: Objection, decide_entries_before: int) -> Objection:
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DECIDED
    decisions = AuditEntry.objects.filter(action="objection.decide", object_id=str(objection.pk))
    assert decisions.count() == decide_entries_before + 1
    return objection


def test_two_approvers_deciding_at_once_take_one_decision(case):
    objection, approvers = case
    outcomes_by_user = {approvers[0].pk: "MAINTAIN", approvers[1].pk: "REVOKE"}

    def decide(user):
        return svc.objection_decide(
            acting_user=user,
            objection_id=objection.pk,
            outcome=outcomes_by_user[user.pk],
            reason="经核查",
            document="东监异决〔2026〕9号",
        )

    outcomes = race(objection, [lambda u=u: decide(u) for u in approvers])

    winners = [o for o in outcomes if isinstance(o, Objection)]
    losers = [o for o in outcomes if not isinstance(o, Objection)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], ConflictError), losers
    assert "刚被他人处理" in losers[0].message and "已决定" in losers[0].message
    objection = assert_one_decision(objection, 0)
    assert objection.decided_by_id == winners[0].decided_by_id
    # Only the winner's outcome reached the record.
    record = Record.objects.get(pk=objection.record_id)
    revoked = objection.outcome == "REVOKE"
    assert (record.state == RecordState.REVOKED) == revoked
    assert SyncEvent.objects.filter(record=record, kind=SyncKind.REVOKE).count() == int(revoked)
    assert SyncEvent.objects.filter(record=record, kind=SyncKind.OBJECTION_FLAG_OFF).count() == int(
        not revoked
    )


def test_the_losing_approver_gets_a_409_through_the_api(case):
    objection, approvers = case

    def post(user):
        response = api(user).post(
            f"/api/objections/{objection.pk}/decide/",
            {"outcome": "MAINTAIN", "reason": "维持"},
            format="json",
        )
        return response.status_code, response.data

    outcomes = race(objection, [lambda u=u: post(u) for u in approvers])

    assert sorted(status for status, _ in outcomes) == [200, 409], outcomes
    conflict = next(data for status, data in outcomes if status == 409)
    assert conflict["code"] == "conflict" and "刚被他人处理" in conflict["detail"]
    assert_one_decision(objection, 0)
