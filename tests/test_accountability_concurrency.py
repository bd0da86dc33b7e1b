"""Two approvers decide the same appeal at once on PostgreSQL: one decision, one audit
entry, a conflict for the other (the case row lock serialises them)."""

import datetime as dt

import pytest
from django.test import override_settings

from casework.errors import ConflictError
from casework.models import Accountability, Appeal, AuditEntry, Sanction
from casework.roles import Role
from casework.services.accountability import appeals

from . import concurrency, lifecycle
from .accountability_steps import decision, served
from .factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@override_settings(CHENGXIN_TODAY="2026-09-10")
def test_two_approvers_deciding_one_appeal_at_once_make_one_decision():
    unit = OrganisationFactory()
    officer = UserFactory(roles=[Role.OFFICER])
    approvers = [UserFactory(roles=[Role.APPROVER]) for _ in range(2)]
    person = PersonFactory(unit=unit)
    subject = UserFactory(person=person, roles=[Role.CIVIL_SERVANT])
    with override_settings(CHENGXIN_TODAY="2026-02-02"):
        record = lifecycle.effective(officer=officer, approver=approvers[0], organisation=unit)
    case = served(
        officer=officer,
        approver=approvers[0],
        record=record,
        persons=[person],
        decisions=[decision(person, "DEMERIT")],
        decided_on=dt.date(2026, 8, 31),
        served_on=dt.date(2026, 9, 1),
    )
    appeal = appeals.accountability_appeal(
        acting_user=subject,
        sanction_id=Sanction.objects.get().pk,
        kind="REVIEW",
        filed_on=dt.date(2026, 9, 10),
        grounds="处分过重。",
    )
    entries_before = AuditEntry.objects.count()

    def decide(user, outcome):
        return lambda: appeals.accountability_decide_appeal(
            acting_user=user, appeal_id=appeal.pk, outcome=outcome
        )

    outcomes = concurrency.race(
        Accountability.objects.filter(pk=case.pk),
        [decide(approvers[0], "UPHELD"), decide(approvers[1], "REVOKED")],
    )

    assert len(concurrency.successes(outcomes)) == 1
    [loser] = concurrency.failures(outcomes)
    assert isinstance(loser, ConflictError), loser
    decided = Appeal.objects.get()
    assert decided.outcome in {"UPHELD", "REVOKED"}
    assert Sanction.objects.get().revoked == (decided.outcome == "REVOKED")
    assert AuditEntry.objects.count() == entries_before + 1
