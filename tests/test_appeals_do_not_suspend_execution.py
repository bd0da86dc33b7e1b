"""An appeal never suspends HR's execution of a sanction (S15 Art 56; S16 Art 96): filed or
decided before HR executes a 降级, the execution stays due, queued and possible."""

import datetime as dt

import pytest

from casework.lifecycle import AccountabilityState
from casework.models import Accountability, AuditEntry, Deadline, Sanction
from casework.services import accountability as svc
from casework.services.accountability import appeals
from workflows.inbox import queue

from .accountability_steps import appeal, decision, served, set_today
from .test_flows import waiting

pytestmark = pytest.mark.django_db
AS = AccountabilityState


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
