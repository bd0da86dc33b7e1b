"""Rectification (整改, DOMAIN §6.3) through the API: scenarios 8, 10 and 12, the draft's
rules, separation of duties and who sees an order when."""

import pytest

from casework.models import AuditEntry, Rectification
from casework.roles import Role

from . import lifecycle
from . import rectification_steps as steps
from .api_fixtures import api
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings.CHENGXIN_UPLOAD_ROOT


def ok(response, status=200):
    assert response.status_code == status, response.data
    return response.data


def refused(response, status, field):
    assert response.status_code == status, response.data
    assert response.data["field"] == field, response.data
    return response.data["detail"]


def post(user, path, data=None, **kwargs):
    return api(user).post(f"/api/{path}", data or {}, format=kwargs.pop("format", "json"), **kwargs)


def detail(user, rectification_id):
    return ok(api(user).get(f"/api/rectifications/{rectification_id}/"))


def open_deadlines(owner):
    return {d["kind"]: d["due_on"] for d in owner["deadlines"] if d["status"] == "OPEN"}


def evidence(user, item_id, name="付款回单.pdf", content=steps.PDF_BYTES):
    return post(
        user,
        f"rectification-items/{item_id}/evidence/",
        {"file": steps.upload(name, content)},
        format="multipart",
    )


def test_a_served_order_runs_each_item_for_30_calendar_days_rolled_past_the_national_day(
    officer, approver, unit, liaison
):
    """Scenario 8: served Tue 2026-09-01, 30 days → 10-01 is a holiday → due Thu 2026-10-08;
    the written explanation is due 10 WD after service (2026-09-15)."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    drafted = ok(post(officer, f"records/{record.pk}/rectifications/", {"items": steps.items(2)}), 201)
    assert drafted["state"] == "DRAFT" and [i["number"] for i in drafted["items"]] == [1, 2]
    assert [i["period_days"] for i in drafted["items"]] == [30, 30]  # the `rectification` rule
    assert ok(post(approver, f"rectifications/{drafted['id']}/issue/"))["state"] == "ISSUED"
    served = ok(post(officer, f"rectifications/{drafted['id']}/serve/", {"served_on": "2026-09-01"}))
    assert served["state"] == "IN_PROGRESS"
    assert [open_deadlines(i) for i in served["items"]] == [{"rectification": "2026-10-08"}] * 2
    assert open_deadlines(served) == {"written_explanation": "2026-09-15"}
    explained = ok(
        post(liaison, f"rectifications/{drafted['id']}/explanation/", {"explanation": "合同结算流程滞后。"})
    )
    assert explained["explanation"] == "合同结算流程滞后。" and open_deadlines(explained) == {}


def test_a_draft_needs_items_with_text_and_a_period_of_at_most_60_days(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    path = f"records/{record.pk}/rectifications/"
    assert "至少须列明一项" in refused(post(officer, path, {"items": []}), 400, "items")
    blank = steps.items(2)
    blank[1]["acceptance_criteria"] = " "
    assert refused(post(officer, path, {"items": blank}), 400, "items.1.acceptance_criteria").startswith(
        "第 2 项"
    )
    too_long = refused(
        post(officer, path, {"items": steps.items(1, period_days=61)}), 400, "items.0.period_days"
    )
    assert "60" in too_long
    complex_item = ok(post(officer, path, {"items": steps.items(1, period_days=60)}), 201)
    assert complex_item["items"][0]["period_days"] == 60
    assert "未办结" in refused(post(officer, path, {"items": steps.items(1)}), 400, "record")


def test_an_order_needs_a_decided_record(officer, approver, unit):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    detail_text = refused(
        post(officer, f"records/{record.pk}/rectifications/", {"items": steps.items(1)}), 400, "record"
    )
    assert "已认定或生效" in detail_text


def test_the_drafter_cannot_issue_the_order_and_a_liaison_cannot_draft(approver, unit, liaison):
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    record = lifecycle.effective(
        officer=UserFactory(roles=[Role.OFFICER]), approver=approver, organisation=unit
    )
    assert post(liaison, f"records/{record.pk}/rectifications/", {"items": steps.items(1)}).status_code == 403
    drafted = ok(post(both, f"records/{record.pk}/rectifications/", {"items": steps.items(1)}), 201)
    response = post(both, f"rectifications/{drafted['id']}/issue/")
    assert response.status_code == 403 and response.data["code"] == "separation_of_duties"
    assert Rectification.objects.get(pk=drafted["id"]).state == "DRAFT"


def test_the_unit_sees_its_order_once_served_and_another_unit_never(
    officer, approver, unit, liaison, other_liaison
):
    rectification = steps.drafted(officer=officer, approver=approver, unit=unit)
    assert ok(api(liaison).get("/api/rectifications/"))["results"] == []
    assert api(liaison).get(f"/api/rectifications/{rectification.pk}/").status_code == 404
    ok(post(approver, f"rectifications/{rectification.pk}/issue/"))
    ok(post(officer, f"rectifications/{rectification.pk}/serve/", {"served_on": "2026-09-01"}))
    assert [r["id"] for r in ok(api(liaison).get("/api/rectifications/"))["results"]] == [rectification.pk]
    assert [
        r["id"] for r in ok(api(liaison).get(f"/api/records/{rectification.record_id}/rectifications/"))
    ] == [rectification.pk]
    item = rectification.items.get()
    assert api(other_liaison).get(f"/api/rectifications/{rectification.pk}/").status_code == 404
    assert ok(api(other_liaison).get("/api/rectifications/"))["results"] == []
    assert evidence(other_liaison, item.pk).status_code == 404
    assert (
        post(
            other_liaison, f"rectifications/{rectification.pk}/submit/", {"truth_declared": True}
        ).status_code
        == 404
    )


def test_a_report_without_the_heads_sign_off_cannot_be_submitted(
    officer, approver, unit, liaison, head, other_unit
):
    """Scenario 12, and a sign-off older than the last evidence no longer counts."""
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)
    path = f"rectifications/{rectification.pk}"
    first, second = rectification.items.order_by("number")
    ok(evidence(liaison, first.pk), 201)
    assert "第 2 项" in refused(post(liaison, f"{path}/submit/", {"truth_declared": True}), 400, "evidence")
    ok(evidence(liaison, second.pk, "对账确认函.png", steps.PNG_BYTES), 201)
    message = refused(post(liaison, f"{path}/submit/", {"truth_declared": True}), 400, "head_sign_off")
    assert message == "须经单位主要负责人签字后方可提交。"
    other_head = UserFactory(organisation=other_unit, roles=[Role.UNIT_HEAD])
    assert post(other_head, f"{path}/sign-off/", {"declaration": True}).status_code == 404
    assert post(liaison, f"{path}/sign-off/", {"declaration": True}).status_code == 403
    refused(post(head, f"{path}/sign-off/", {}), 400, "declaration")
    assert ok(post(head, f"{path}/sign-off/", {"declaration": True}))["sign_off_current"] is True
    ok(evidence(liaison, second.pk, "补充说明.docx", steps.DOCX_BYTES), 201)  # after the signature
    assert detail(liaison, rectification.pk)["sign_off_current"] is False
    message = refused(post(liaison, f"{path}/submit/", {"truth_declared": True}), 400, "head_sign_off")
    assert "须经单位主要负责人签字后方可提交" in message
    ok(post(head, f"{path}/sign-off/", {"declaration": True}))
    refused(post(liaison, f"{path}/submit/", {}), 400, "truth_declared")
    submitted = ok(post(liaison, f"{path}/submit/", {"truth_declared": True}))
    assert submitted["state"] == "SUBMITTED" and submitted["truth_declared"] is True
    assert [i["state"] for i in submitted["items"]] == ["SUBMITTED", "SUBMITTED"]
    assert [open_deadlines(i) for i in submitted["items"]] == [{}, {}]  # met
    assert open_deadlines(submitted) == {
        "written_explanation": "2026-09-15",
        "rectification_review": "2026-09-08",
    }


def test_returning_two_of_five_items_reopens_only_those_two(settings, officer, approver, unit, liaison, head):
    """Scenario 10: accepted items stay accepted; the returned ones get their own
    resubmission deadline (10 WD: reviewed 2026-09-10 → 2026-09-23); 销号 when all pass."""
    rectification = steps.submitted(
        officer=officer, approver=approver, unit=unit, liaison=liaison, head=head, count=5
    )
    path = f"rectifications/{rectification.pk}"
    items = {i.number: i.pk for i in rectification.items.all()}
    settings.CHENGXIN_TODAY = "2026-09-10"
    assert ok(post(officer, f"{path}/start-review/"))["state"] == "REVIEWING"
    decisions = [
        {
            "item": pk,
            "decision": "RETURN" if n in (2, 4) else "ACCEPT",
            "reason": "付款凭证不全" if n in (2, 4) else "",
        }
        for n, pk in items.items()
    ]
    refused(
        post(officer, f"{path}/review/", {"decisions": decisions[:4]}), 400, "decisions"
    )  # item 5 undecided
    no_reason = [dict(d, reason="") for d in decisions]
    refused(post(officer, f"{path}/review/", {"decisions": no_reason}), 400, "decisions")
    reviewed = ok(post(officer, f"{path}/review/", {"decisions": decisions}))
    assert reviewed["state"] == "RETURNED"
    assert [i["state"] for i in reviewed["items"]] == [
        "ACCEPTED",
        "RETURNED",
        "ACCEPTED",
        "RETURNED",
        "ACCEPTED",
    ]
    assert [open_deadlines(i) for i in reviewed["items"]] == [
        {},
        {"resubmission": "2026-09-23"},
        {},
        {"resubmission": "2026-09-23"},
        {},
    ]
    assert reviewed["items"][1]["return_reason"] == "付款凭证不全"

    # The unit answers items 2 and 4 only; old evidence does not count for a returned item.
    ok(post(head, f"{path}/sign-off/", {"declaration": True}))
    assert "第 2、4 项" in refused(
        post(liaison, f"{path}/submit/", {"truth_declared": True}), 400, "evidence"
    )
    ok(evidence(liaison, items[2]), 201)
    ok(evidence(liaison, items[4]), 201)
    ok(post(head, f"{path}/sign-off/", {"declaration": True}))
    resubmitted = ok(post(liaison, f"{path}/submit/", {"truth_declared": True}))
    assert [i["state"] for i in resubmitted["items"]] == [
        "ACCEPTED",
        "SUBMITTED",
        "ACCEPTED",
        "SUBMITTED",
        "ACCEPTED",
    ]
    ok(post(officer, f"{path}/start-review/"))
    accepting_accepted = [{"item": items[1], "decision": "ACCEPT"}]
    refused(post(officer, f"{path}/review/", {"decisions": accepting_accepted}), 400, "decisions")
    final = [{"item": items[n], "decision": "ACCEPT"} for n in (2, 4)]
    closed = ok(post(officer, f"{path}/review/", {"decisions": final}))
    assert closed["state"] == "ACCEPTED" and {i["state"] for i in closed["items"]} == {"ACCEPTED"}
    assert [len(i["reviews"]) for i in closed["items"]] == [1, 2, 1, 2, 1]
    assert open_deadlines(closed) == {"written_explanation": "2026-09-15"}
    actions = list(AuditEntry.objects.filter(record=rectification.record_id).values_list("action", flat=True))
    assert actions.count("rectificationitem.return_") == 2 and actions[-1] == "rectification.accept"


def test_evidence_is_refused_once_the_item_is_submitted(officer, approver, unit, liaison, head):
    rectification = steps.submitted(officer=officer, approver=approver, unit=unit, liaison=liaison, head=head)
    message = refused(evidence(liaison, rectification.items.get().pk), 400, "state")
    assert "不能上传整改材料" in message
