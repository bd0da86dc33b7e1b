"""Two approvers decide the same appeal at once on PostgreSQL: one decision, one audit
entry, a conflict for the other (the case row lock serialises them)."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.test import override_settings

from casework.errors import ConflictError
from casework.models import Accountability, Appeal, AuditEntry, Sanction
from casework.roles import Role
from casework.services import appeals

from . import lifecycle
from .accountability_steps import decision, served
from .factories import OrganisationFactory, PersonFactory, UserFactory
from .test_concurrency import _wait_for_lock_waiters

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
    outcomes, guard = [], threading.Lock()

    def run(user, outcome):
        try:
            appeals.accountability_decide_appeal(acting_user=user, appeal_id=appeal.pk, outcome=outcome)
            result = "ok"
        except Exception as exc:  # collected and asserted below
            result = exc
        finally:
            connections.close_all()
        with guard:
            outcomes.append(result)

    with transaction.atomic():
        Accountability.objects.select_for_update().get(pk=case.pk)
        threads = [
            threading.Thread(target=run, args=(approvers[0], "UPHELD")),
            threading.Thread(target=run, args=(approvers[1], "REVOKED")),
        ]
        for thread in threads:
            thread.start()
        _wait_for_lock_waiters(2)
    for thread in threads:
        thread.join(30)

    assert outcomes.count("ok") == 1
    [loser] = [o for o in outcomes if o != "ok"]
    assert isinstance(loser, ConflictError), loser
    decided = Appeal.objects.get()
    assert decided.outcome in {"UPHELD", "REVOKED"}
    assert Sanction.objects.get().revoked == (decided.outcome == "REVOKED")
    assert AuditEntry.objects.count() == entries_before + 1
