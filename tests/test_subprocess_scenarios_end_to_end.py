"""DOMAIN §10 scenarios of the sub-processes (objection, rectification, accountability) whose
first tests built part of their case on the ORM, proved again end to end: every object made by
the real services or the API, with the dates exactly as DOMAIN gives them."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from casework import queries
from casework.lifecycle import ItemState, RecordState, RectificationState
from casework.models import Accountability, Deadline, RectificationItem, SyncEvent, SyncKind
from casework.services import deadlines as deadline_svc
from casework.services import rectification as rect
from casework.services.rectification import extension as ext
from casework.services.rectification import sweeps
from exchange.tasks import deliver_outbox

from . import lifecycle
from . import rectification_steps as steps
from .accountability_steps import opened
from .api_fixtures import api
from .objection_steps import STATEMENT

pytestmark = pytest.mark.django_db


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ok(response, status=200):
    assert response.status_code == status, response.data
    return response.data


@pytest.fixture
def uploads(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"


def served_order(settings, *, officer, approver, record, served_on: str, count: int = 2):
    """An order on `record` drafted, issued and served through the rectification services."""
    settings.CHENGXIN_TODAY = served_on
    order = steps.drafted(officer=officer, approver=approver, unit=None, record=record, count=count)
    rect.rectification_issue(acting_user=approver, rectification_id=order.pk)
    return rect.rectification_serve(acting_user=officer, rectification_id=order.pk, served_on=day(served_on))


def item_deadlines(order) -> list[tuple]:
    item_type = ContentType.objects.get_for_model(RectificationItem)
    owned = Deadline.objects.filter(owner_type=item_type, owner_id__in=order.items.values("pk"))
    return list(owned.order_by("id").values_list("id", "kind", "due_on", "status"))


def file_objection(client, record_id: int) -> int:
    body = {"ground": "CONDITIONS", "statement": STATEMENT}
    return ok(client.post(f"/api/records/{record_id}/objections/", body, format="json"), 201)["id"]


def step(client, objection_id: int, slug: str, data=None):
    return ok(client.post(f"/api/objections/{objection_id}/{slug}/", data or {}, format="json"))


def decide_tasks(user) -> list[dict]:
    rows = ok(api(user).get("/api/queue/"))["results"]
    return [r for r in rows if r["node"] == "decide" and r["flow"] and "objection" in r["flow"]]


def test_scenario_2_the_decision_is_due_on_16_october_and_flagged_overdue_to_r2_on_the_17th(
    settings, officer, approver, liaison, unit
):
    """Scenario 2: "Objection received Thu 2026-09-24 → acceptance due (2 WD) Tue 2026-09-29;
    if accepted Mon 2026-09-28 → decision due (10 WD) Fri 2026-10-16 (counts Sat 10-10 as a
    WD). At 00:00 on 2026-10-17 the objection is flagged OVERDUE and R2 is alerted." Through
    the API, the approver's queue and `manage.py sweep_deadlines`, as beat would run it."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    settings.CHENGXIN_TODAY = "2026-09-24"
    objection_id = file_objection(api(liaison), record.pk)
    filed = ok(api(officer).get(f"/api/objections/{objection_id}/"))
    assert [(d["kind"], d["due_on"]) for d in filed["deadlines"]] == [("objection_accept", "2026-09-29")]

    settings.CHENGXIN_TODAY = "2026-09-28"
    step(api(officer), objection_id, "accept")
    verifying = step(api(officer), objection_id, "start-verification")
    assert {(d["kind"], d["due_on"]) for d in verifying["deadlines"] if d["status"] == "OPEN"} == {
        ("objection_decide", "2026-10-16")
    }

    settings.CHENGXIN_TODAY = "2026-10-16"
    call_command("sweep_deadlines", "--today=2026-10-16", stdout=io.StringIO())
    [task] = decide_tasks(approver)
    assert (task["due_on"], task["overdue"]) == ("2026-10-16", False)

    settings.CHENGXIN_TODAY = "2026-10-17"
    call_command("sweep_deadlines", "--today=2026-10-17", stdout=io.StringIO())
    [task] = decide_tasks(approver)
    assert (task["due_on"], task["overdue"]) == ("2026-10-16", True)
    [flag] = Deadline.objects.filter(kind="objection_decide")
    assert (flag.status, flag.overdue_since) == ("OPEN", day("2026-10-17"))
    trail = ok(api(approver).get(f"/api/records/{record.pk}/audit/"))
    assert [e["action"] for e in trail].count("deadline_overdue") == 1

    call_command("sweep_deadlines", "--today=2026-10-17", stdout=io.StringIO())  # beat again
    assert [e["action"] for e in ok(api(approver).get(f"/api/records/{record.pk}/audit/"))].count(
        "deadline_overdue"
    ) == 1


def test_scenario_4_acceptance_flags_the_displayed_record_the_same_day_and_suspends_nothing(
    settings, officer, approver, liaison, unit
):
    """Scenario 4: "On acceptance, the public page of the record shows "异议处理中" the same
    day; the record is still displayed; rectification deadlines are unchanged unless R2
    records a suspension." The rectification is a real served order (2026-06-01, items due
    2026-07-01); its items are still urged by the sweep the day after their deadline."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = served_order(settings, officer=officer, approver=approver, record=record, served_on="2026-06-01")
    before = item_deadlines(order)
    assert {(kind, due, status) for _id, kind, due, status in before} == {
        ("rectification", day("2026-07-01"), "OPEN")
    }

    settings.CHENGXIN_TODAY = "2026-06-02"
    objection_id = file_objection(api(liaison), record.pk)
    assert (
        ok(api(liaison).get(f"/api/records/{record.pk}/"))["objection_pending"] is False
    )  # filed, not accepted

    settings.CHENGXIN_TODAY = "2026-06-03"
    accepted = step(api(officer), objection_id, "accept")
    assert (accepted["state"], accepted["accepted_on"]) == ("ACCEPTED", "2026-06-03")
    for reader in (liaison, officer):
        shown = ok(api(reader).get(f"/api/records/{record.pk}/"))
        assert (shown["objection_pending"], shown["public"], shown["state"]) == (True, True, "EFFECTIVE")
    on_display = queries.public_records().get(pk=record.pk)
    assert on_display.objection_pending  # what the public page shows, from the same day
    flag = SyncEvent.objects.get(record=record, kind=SyncKind.OBJECTION_FLAG_ON)
    assert flag.payload["objection_pending"] and flag.payload["public"]
    assert flag.due_on == day("2026-06-04")  # the platform learns of it by the next working day

    assert item_deadlines(order) == before  # same rows, same dates, still open
    assert sweeps.items_mark_overdue(day("2026-07-01")) == 0
    assert sweeps.items_mark_overdue(day("2026-07-02")) == 2  # nothing was suspended
    assert set(order.items.values_list("state", flat=True)) == {ItemState.URGED}


def test_scenario_6_revocation_withdraws_display_closes_rectification_as_moot_and_flags_accountability(
    settings, uploads, officer, approver, liaison, civil_servant, unit
):
    """Scenario 6: "Objection decided as 撤销 on Wed 2026-06-17 → public display removed and
    province notified no later than Tue 2026-06-23 (3 WD: 6-18, 6-22, 6-23; 6-19 is 端午).
    Linked rectification closes as "moot"; linked accountability is flagged for
    re-examination (S14 Art 49)." Every linked object is made by its services, one item
    with an extension request still waiting; afterwards nothing is left running on the
    record that a sweep could report overdue."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = served_order(settings, officer=officer, approver=approver, record=record, served_on="2026-06-01")
    first = order.items.get(number=1)
    settings.CHENGXIN_TODAY = "2026-06-05"
    ext.rectification_request_extension(
        acting_user=liaison, item_id=first.pk, days=10, reason="跨部门结算未完成"
    )
    case = opened(
        officer=officer, record=record, persons=[civil_servant.person], unit=unit, on=day("2026-06-05")
    )

    settings.CHENGXIN_TODAY = "2026-06-08"
    objection_id = file_objection(api(liaison), record.pk)
    step(api(officer), objection_id, "accept")
    step(api(officer), objection_id, "start-verification")
    settings.CHENGXIN_TODAY = "2026-06-17"
    decided = step(
        api(approver),
        objection_id,
        "decide",
        {"outcome": "REVOKE", "reason": "拖欠款项已于认定前付清。", "document": "东监异决〔2026〕6号"},
    )
    assert (decided["state"], decided["outcome"], decided["decided_on"]) == (
        "DECIDED",
        "REVOKE",
        "2026-06-17",
    )

    record.refresh_from_db()
    assert (record.state, record.public, record.objection_pending) == (RecordState.REVOKED, False, False)
    assert not queries.public_records().filter(pk=record.pk).exists()
    revoke = SyncEvent.objects.get(record=record, kind=SyncKind.REVOKE)
    assert revoke.due_on == day("2026-06-23")
    assert deliver_outbox.delay().get()["province_delivered"] >= 1  # the beat task
    revoke.refresh_from_db()
    assert revoke.acknowledged_at is not None

    order.refresh_from_db()
    assert order.state == RectificationState.MOOT
    assert set(order.items.values_list("state", flat=True)) == {ItemState.MOOT}
    assert Accountability.objects.get(pk=case.pk).needs_reexamination

    still_open = Deadline.objects.filter(record=record, status="OPEN").values_list("kind", flat=True)
    assert list(still_open) == []
    assert deadline_svc.deadlines_flag_overdue(day("2026-07-20")) == {}
