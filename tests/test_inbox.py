"""Issue #3 must-show 3: a liaison's inbox, queue and process list show only their unit's
work (also by id: another unit's process or task is a 404 everywhere); an officer's inbox
is in due-date order with overdue markers. Through the API and the pages, as real users."""

import datetime as dt

import pytest
from django.test import override_settings
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.roles import Role
from casework.services import objections as objection_svc
from casework.services import records as svc
from workflows.models import CaseProcess, subject_key

from . import lifecycle
from .api_fixtures import api, grant
from .factories import UserFactory
from .objection_steps import filed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def open_task(obj, node: str) -> Task:
    return Task.objects.get(
        process__caseprocess__key=subject_key(obj),
        flow_task__endswith=f".{node}",
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


def supplement_asked(*, subject, officer, record):
    """An objection the officer sent back for supplement: the subject side's task."""
    objection = filed(subject=subject, record=record)
    objection_svc.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="付款凭证原件"
    )
    return objection


@pytest.fixture
def two_units(officer, approver, unit, other_unit, liaison, other_liaison):
    """Each unit has an effective record and an objection waiting for its supplement."""
    mine = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    theirs = lifecycle.effective(
        officer=officer, approver=approver, organisation=other_unit, content="乙局未按期兑现奖补资金。"
    )
    return {
        "mine": supplement_asked(subject=liaison, officer=officer, record=mine),
        "theirs": supplement_asked(subject=other_liaison, officer=officer, record=theirs),
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_a_liaisons_queue_holds_only_their_units_subject_side_tasks(two_units, liaison, other_liaison):
    """DOMAIN §2 R5 (must not see other units' records) and §6.2 (supplement by the subject)."""
    mine, theirs = open_task(two_units["mine"], "supplement"), open_task(two_units["theirs"], "supplement")

    rows = api(liaison).get("/api/queue/").json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["subject"] == {"type": "objection", "id": two_units["mine"].pk}
    assert rows[0]["title"] == "补正异议材料"
    assert ids(api(other_liaison).get("/api/queue/")) == [theirs.pk]


def test_a_liaisons_process_list_shows_only_their_units_processes(two_units, liaison, other_liaison):
    own_record = two_units["mine"].record
    expected = set(
        CaseProcess.objects.filter(
            key__in=[subject_key(own_record), subject_key(two_units["mine"])]
        ).values_list("pk", flat=True)
    )

    assert set(ids(api(liaison).get("/api/processes/"))) == expected
    assert not expected & set(ids(api(other_liaison).get("/api/processes/")))
    objection_process = CaseProcess.objects.get(key=subject_key(two_units["mine"]))
    assert ids(api(liaison).get("/api/processes/?flow=objection&status=NEW")) == [objection_process.pk]
    assert ids(api(liaison).get("/api/processes/?flow=nonsense")) == []


def test_another_units_process_and_task_are_not_found_by_id(two_units, liaison):
    """Object-level visibility on every detail (viewflow#505): API, page and admin."""
    process = CaseProcess.objects.get(key=subject_key(two_units["theirs"]))
    task = open_task(two_units["theirs"], "supplement")
    client = api(liaison)

    assert client.get(f"/api/processes/{process.pk}/").status_code == 404
    assert client.get(f"/api/tasks/{task.pk}/").status_code == 404
    assert client.post(f"/api/tasks/{task.pk}/claim/").status_code == 404
    assert client.get(f"/inbox/processes/{process.pk}/").status_code == 404
    assert client.post(f"/inbox/tasks/{task.pk}/claim/").status_code == 404
    assert Task.objects.get(pk=task.pk).owner is None

    own = CaseProcess.objects.get(key=subject_key(two_units["mine"]))
    detail = client.get(f"/api/processes/{own.pk}/").json()
    assert detail["subject_state"] == {"value": "NEEDS_SUPPLEMENT", "label": "待补正"}
    assert [t["node"] for t in detail["tasks"]] == ["accept", "supplement"]
    page = client.get(f"/inbox/processes/{own.pk}/")
    assert page.status_code == 200 and "待补正" in page.content.decode()


def test_the_viewflow_admin_lists_only_visible_processes_and_tasks(settings, two_units, liaison):
    """viewflow's own admin pages, given to a staff liaison, are scoped like everything else
    (in a deployment that lets units into the admin: by default only configuration roles)."""
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": ["system_admin", "unit_liaison"]}
    user = grant(liaison, "viewflow.view_process", "viewflow.view_task")
    theirs = CaseProcess.objects.get(key=subject_key(two_units["theirs"]))
    own = CaseProcess.objects.get(key=subject_key(two_units["mine"]))
    client = api(user)

    listing = client.get("/admin/viewflow/process/")
    assert listing.status_code == 200
    assert f"/admin/viewflow/process/{own.pk}/change/" in listing.content.decode()
    assert f"/admin/viewflow/process/{theirs.pk}/change/" not in listing.content.decode()
    assert client.get(f"/admin/viewflow/process/{theirs.pk}/change/").status_code == 404
    theirs_task = open_task(two_units["theirs"], "supplement")
    assert (
        f"/admin/viewflow/task/{theirs_task.pk}/change/"
        not in client.get("/admin/viewflow/task/").content.decode()
    )


def test_a_liaison_claims_their_units_task_and_the_next_one_cannot(two_units, liaison, unit):
    """The queue is per unit; once claimed, the task is in the claimer's inbox only."""
    colleague = UserFactory(organisation=unit, roles=[Role.UNIT_LIAISON])
    task = open_task(two_units["mine"], "supplement")

    claimed = api(liaison).post(f"/api/tasks/{task.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["owner"]["id"] == liaison.pk
    assert ids(api(liaison).get("/api/inbox/")) == [task.pk]
    assert ids(api(colleague).get("/api/queue/")) == []
    again = api(colleague).post(f"/api/tasks/{task.pk}/claim/")
    assert again.status_code == 409 and again.json()["code"] == "conflict"

    assert api(liaison).post(f"/api/tasks/{task.pk}/release/").status_code == 200
    assert ids(api(colleague).get("/api/queue/")) == [task.pk]


def test_a_commission_task_cannot_be_claimed_by_a_subject(two_units, liaison, officer):
    """The subject may see its objection's process, but 审查受理 is the officers' work."""
    objection = filed(
        subject=liaison, record=two_units["mine"].record, ground="ERROR", statement="金额有误。"
    )
    task = open_task(objection, "accept")

    refused = api(liaison).post(f"/api/tasks/{task.pk}/claim/")
    assert refused.status_code == 403
    assert task.pk in ids(api(officer).get("/api/queue/"))


def test_a_civil_servant_gets_their_own_supplement_task_directly(officer, approver, civil_servant):
    """For a person's record the subject side is the civil servant: assigned, not queued."""
    record = lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person)
    objection = supplement_asked(subject=civil_servant, officer=officer, record=record)

    rows = api(civil_servant).get("/api/inbox/").json()["results"]
    assert [(r["node"], r["subject"]["id"]) for r in rows] == [("supplement", objection.pk)]


def _verified_on(settings, officer, record, day: str):
    settings.CHENGXIN_TODAY = day
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    settings.CHENGXIN_TODAY = "2026-02-02"


def test_an_officers_inbox_is_in_due_date_order_with_overdue_marked(
    settings, officer, approver, liaison, unit
):
    """DOMAIN §7.1 verification ≤ 20 WD: the lead verified first is due first, and past due
    on 2026-02-02; a task with no time limit running comes last."""
    leads = [
        lifecycle.lead(
            officer=officer, organisation=unit, content=f"线索{n}", received_on=dt.date(2025, 12, 1)
        )
        for n in range(3)
    ]
    _verified_on(settings, officer, leads[0], "2026-01-20")
    _verified_on(settings, officer, leads[1], "2025-12-15")
    _verified_on(settings, officer, leads[2], "2026-01-06")
    defended = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit, content="线索D")
    with override_settings(CHENGXIN_TODAY="2026-01-06"):  # in the 5-WD defence window
        svc.record_submit_defence(acting_user=liaison, record_id=defended.pk, statement="已整改。")

    rows = api(officer).get("/api/inbox/").json()["results"]

    assert [(r["node"], r["record"]["id"]) for r in rows] == [
        ("propose", leads[1].pk),
        ("propose", leads[2].pk),
        ("propose", leads[0].pk),
        ("answer_defence", defended.pk),
    ]
    due = [r["due_on"] for r in rows]
    assert due[:3] == sorted(due[:3]) and due[3] is None
    assert [r["overdue"] for r in rows] == [True, False, False, False]
    assert due[0] < "2026-02-02" <= due[1]

    page = api(officer).get("/inbox/").content.decode()
    assert page.count("已逾期") == 1
    assert page.index(leads[1].reference) < page.index(leads[2].reference) < page.index(leads[0].reference)


def test_the_inbox_needs_a_signed_in_user():
    assert api().get("/api/inbox/").status_code in (401, 403)
    assert api().get("/inbox/").status_code == 302


def test_a_task_is_due_by_its_own_time_limit_not_by_a_defence_window_that_closed(officer, approver, unit):
    """The prior notice was served on 2026-01-20; its 5-WD defence window closed before today
    (2026-02-02). The determination waiting on the approver is due by the determination's
    own time limit, which the case page shows too, and is not late."""
    from casework.models import Deadline
    from casework.rules import SUBJECT_WINDOWS
    from workflows.inbox import visible_tasks

    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 1, 20)
    )
    window = Deadline.objects.get(record=record, kind__in=SUBJECT_WINDOWS, status="OPEN")
    own = Deadline.objects.filter(record=record, status="OPEN").exclude(kind__in=SUBJECT_WINDOWS).get()
    assert window.due_on < dt.date(2026, 2, 2) <= own.due_on
    [task] = [
        t for t in visible_tasks(approver) if t.flow_task.name == "determine" and t.status == STATUS.NEW
    ]
    assert task.due_on == own.due_on and not task.overdue
