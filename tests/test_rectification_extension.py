"""Extension of a rectification item (延期整改, DOMAIN §6.3), scenario 11, through the API."""

import pytest
from django.contrib.contenttypes.models import ContentType

from casework.models import AuditEntry, Deadline, ExtensionRequest

from . import rectification_steps as steps
from .api_fixtures import api

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings


@pytest.fixture
def rectification(officer, approver, unit):
    """Two items served Tue 2026-09-01, each due Thu 2026-10-08 (scenario 8)."""
    return steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)


def ask(user, item, days=10, reason="涉及跨部门结算，需延期办理。"):
    return api(user).post(
        f"/api/rectification-items/{item.pk}/extension/", {"days": days, "reason": reason}, format="json"
    )


def decide(user, request_id, approve=True, reason=""):
    return api(user).post(
        f"/api/extension-requests/{request_id}/decide/", {"approve": approve, "reason": reason}, format="json"
    )


def item_deadlines(item):
    owned = Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(item), owner_id=item.pk, status="OPEN"
    )
    return {d.kind: d.due_on.isoformat() for d in owned}


def test_one_extension_per_item_moves_its_deadline_by_calendar_days_rolled_forward(
    today, rectification, liaison, approver
):
    """Scenario 11, first half: asked 2026-09-20, +10 days from 10-08 → Sun 10-18 → Mon 10-19;
    a second request on the same item is refused by the system."""
    today.CHENGXIN_TODAY = "2026-09-20"
    first = rectification.items.get(number=1)
    asked = ask(liaison, first)
    assert asked.status_code == 201, asked.data
    assert asked.data["state"] == "PENDING" and asked.data["requested_on"] == "2026-09-20"
    request = ExtensionRequest.objects.get(pk=asked.data["id"])
    assert (
        request.item.rectification.record.deadlines.get(kind="extension_decide").due_on.isoformat()
        == "2026-09-23"
    )
    again = ask(liaison, first, days=5)
    assert again.status_code == 400 and again.data["field"] == "item"
    assert "只能申请一次" in again.data["detail"]

    approved = decide(approver, request.pk, approve=True, reason="同意延期")
    assert approved.status_code == 200, approved.data
    assert approved.data["state"] == "APPROVED" and approved.data["decided_by"]
    first.refresh_from_db()
    assert first.extension_used is True
    assert item_deadlines(first) == {"rectification": "2026-10-19"}
    assert item_deadlines(rectification.items.get(number=2)) == {"rectification": "2026-10-08"}
    assert ask(liaison, first, days=3).status_code == 400  # still only one
    assert decide(approver, request.pk).status_code == 400  # decided already
    entry = AuditEntry.objects.get(action="extensionrequest.approve")
    assert entry.diff["due_on"] == ["2026-10-08", "2026-10-19"]


def test_an_extension_asked_after_the_deadline_is_refused(today, rectification, liaison):
    """Scenario 11, second half: the deadline day itself is still in time."""
    today.CHENGXIN_TODAY = "2026-10-09"
    late = ask(liaison, rectification.items.get(number=1))
    assert late.status_code == 400 and late.data["field"] == "received_on"
    assert late.data["detail"] == "整改期限已于2026年10月8日届满，不能再申请延期。"
    today.CHENGXIN_TODAY = "2026-10-08"
    assert ask(liaison, rectification.items.get(number=2)).status_code == 201
    assert ExtensionRequest.objects.count() == 1


def test_an_extension_is_at_most_the_original_period_and_needs_a_reason(rectification, liaison):
    item = rectification.items.get(number=1)
    too_long = ask(liaison, item, days=31)
    assert (
        too_long.status_code == 400 and too_long.data["field"] == "days" and "30" in too_long.data["detail"]
    )
    no_reason = ask(liaison, item, reason=" ")
    assert no_reason.status_code == 400 and no_reason.data["field"] == "reason"
    assert ask(liaison, item, days=30).status_code == 201


def test_a_refusal_needs_a_reason_and_leaves_the_deadline(rectification, liaison, approver, officer):
    item = rectification.items.get(number=1)
    request_id = ask(liaison, item).data["id"]
    assert decide(officer, request_id).status_code == 403
    no_reason = decide(approver, request_id, approve=False)
    assert no_reason.status_code == 400 and no_reason.data["field"] == "reason"
    refused = decide(approver, request_id, approve=False, reason="理由不充分")
    assert refused.status_code == 200 and refused.data["state"] == "REJECTED"
    item.refresh_from_db()
    assert item.extension_used is False and item_deadlines(item) == {"rectification": "2026-10-08"}
    assert ask(liaison, item).status_code == 400  # the one request was used


def test_another_unit_can_neither_ask_nor_see_an_extension(rectification, liaison, other_liaison):
    item = rectification.items.get(number=1)
    assert ask(other_liaison, item).status_code == 404
    request_id = ask(liaison, item).data["id"]
    assert decide(other_liaison, request_id).status_code == 404
