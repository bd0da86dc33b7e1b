"""Conflicting transitions at once on PostgreSQL: exactly one wins."""

import datetime as dt

import pytest

from casework.errors import ConflictError
from casework.lifecycle import RecordState
from casework.models import AuditEntry, Record
from casework.roles import Role
from casework.services import records as svc

from . import concurrency, lifecycle
from .factories import OrganisationFactory, UserFactory

# serialized_rollback: the migrations' reference data is restored for every transactional test,
# and the flush after each one leaves the content types for the next to restore.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_eight_conflicting_transitions_on_one_record_have_exactly_one_winner():
    """Four approvers determine a record while four officers file the subject's defence on it:
    both steps leave PRE_NOTICE, so whichever commits first makes every other one stale."""
    unit = OrganisationFactory()
    officers = [UserFactory(roles=[Role.OFFICER]) for _ in range(4)]
    approvers = [UserFactory(roles=[Role.APPROVER]) for _ in range(4)]
    record = lifecycle.pre_notice(officer=officers[0], approver=approvers[0], organisation=unit)
    entries_before = AuditEntry.objects.filter(record=record).count()

    def determine(user):
        return svc.record_determine(
            acting_user=user, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
        )

    def defend(user):  # the officer records a defence made in person inside the window
        return svc.record_submit_defence(
            acting_user=user,
            record_id=record.pk,
            statement="当事人口头申辩，已记录。",
            received_on=dt.date(2026, 1, 8),
            paper_filing_reason="当事人 1 月 8 日到委员会口头申辩，当场制作笔录。",
        )

    attempts = [(lambda u=u: defend(u)) for u in officers] + [(lambda u=u: determine(u)) for u in approvers]
    # Every attempt has read the record and queues on its row lock when the lock is released.
    outcomes = concurrency.race(Record.objects.filter(pk=record.pk), attempts)

    winners = concurrency.successes(outcomes)
    losers = concurrency.failures(outcomes)
    assert len(outcomes) == 8
    assert len(winners) == 1
    assert all(isinstance(o, ConflictError) for o in losers), losers
    assert all("刚被他人处理" in o.message for o in losers)
    record.refresh_from_db()
    assert record.state in {RecordState.PROPOSED, RecordState.DETERMINED}
    assert AuditEntry.objects.filter(record=record).count() == entries_before + 1
