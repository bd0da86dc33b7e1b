"""The 整改逾期催办函 (N11) of scenario 9: one letter per order and urging, listing the order's
late items, drafted in bulk right after the overdue sweep (notices.overdue_reminders)."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework import audit
from casework.models import AuditEntry, Deadline, Rectification
from casework.roles import Role
from casework.services import rectification as rect
from casework.services.rectification.sweeps import items_mark_overdue
from notices import overdue_reminders, services, types
from notices.models import Notice
from workflows import sweeps

from . import lifecycle
from . import rectification_steps as steps
from .factories import OrganisationFactory, UserFactory
from .notice_cases import make_issuer
from .sweep_cases import ITEM, served_rectification

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def september(settings):
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings


def sweep_deadlines(today: str) -> dict[str, int]:
    """`manage.py sweep_deadlines`: the beat tasks' code path, in process; its counts."""
    out = io.StringIO()
    call_command("sweep_deadlines", f"--today={today}", stdout=out)
    pairs = [pair for line in out.getvalue().splitlines()[1:] for pair in line.split(": ", 1)[1].split()]
    return {key: int(count) for key, count in (pair.split("=") for pair in pairs)}


def order_with_periods(*, officer, approver, unit, periods: list[int]) -> Rectification:
    """An order served Tue 2026-09-01 whose items run for `periods` calendar days."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    items = [
        {**ITEM, "requirement": f"第{n}项要求：{ITEM['requirement']}", "period_days": days}
        for n, days in enumerate(periods, 1)
    ]
    order = rect.rectification_draft(acting_user=officer, record_id=record.pk, items=items)
    order = rect.rectification_issue(acting_user=approver, rectification_id=order.pk)
    return steps.serve(order, officer=officer, approver=approver, served_on=D("2026-09-01"))


def order_served_without_its_notice(*, officer, approver, unit) -> Rectification:
    """An order whose 整改通知书 was withdrawn and its service typed in (served on paper
    made outside the system): the letters name no original number."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rect.rectification_draft(acting_user=officer, record_id=record.pk, items=[ITEM])
    rect.rectification_issue(acting_user=approver, rectification_id=order.pk)
    [n8] = [n for n in Notice.objects.filter(type_code="N8", object_id=order.pk) if n.about == order]
    services.notice_void(acting_user=officer, notice_id=n8.pk, reason="改以纸质文书送达")
    return rect.rectification_serve(acting_user=officer, rectification_id=order.pk, served_on=D("2026-09-01"))


def issued_order_notice(order) -> Notice:
    """The order's 整改通知书, drafted at its issue, issued and served (numbered)."""
    [n8] = [n for n in Notice.objects.filter(type_code="N8", object_id=order.pk) if n.about == order]
    assert n8.state == "SERVED"
    return n8


def letters(order=None):
    found = Notice.objects.filter(type_code="N11").order_by("pk")
    if order is not None:
        found = found.filter(
            content_type=ContentType.objects.get_for_model(Rectification), object_id=order.pk
        )
    return list(found)


def test_sweep_deadlines_drafts_one_letter_per_order_listing_its_late_items(officer, approver, unit, issuer):
    """Items 1 and 3 of an order are due Thu 2026-10-08, item 2 (40 days) later; another order's
    single item is due 10-08 too. On 10-09 each order gets one letter naming its late items;
    a second run that day drafts and audits nothing; item 2, late later, gets a letter of its own."""
    order = order_with_periods(officer=officer, approver=approver, unit=unit, periods=[30, 40, 30])
    other = order_served_without_its_notice(officer=officer, approver=approver, unit=OrganisationFactory())
    n8 = issued_order_notice(order)
    before = Notice.objects.count()

    assert sweep_deadlines("2026-10-09")["reminders_drafted"] == 2
    [letter] = letters(order)
    assert (letter.state, letter.drafted_by, letter.issuer, letter.record) == (
        "DRAFT",
        None,
        issuer,
        order.record,
    )
    data = letter.data
    assert data["item_numbers"] == "1、3"
    assert [(i["number"], i["deadline"]) for i in data["items"]] == [(1, "2026-10-08"), (3, "2026-10-08")]
    assert data["items"][1]["requirement"].startswith("第3项要求")
    assert (data["original_number"], data["original_deadline"], data["overdue_days"]) == (
        n8.number,
        "2026-10-08",
        1,
    )
    assert (data["new_deadline"], data["urged_on"]) == ("2026-10-22", "2026-10-09")
    assert data["addressee"] == unit.name and data["issuer"]["name"] == issuer.name
    assert types.get("N11").validate(data) == []
    html = types.render_html("N11", data, number=None, issued_on=None, draft=True)
    assert (
        "第1、3项整改事项未按期完成整改，已逾期1日" in html
        and "第3项要求" in html
        and "2026年10月22日" in html
    )
    [other_letter] = letters(other)
    assert other_letter.data["item_numbers"] == "1"
    drafted = AuditEntry.objects.filter(action="notice.draft", object_id__in=[letter.pk, other_letter.pk])
    assert drafted.count() == 2 and {e.actor_role for e in drafted} == {"system"}
    # The other order's 整改通知书 was never issued: the draft names what the officer must add.
    assert other_letter.data["original_number"] is None
    assert drafted.get(object_id=other_letter.pk).reason.startswith("待补充：")

    entries, notices = AuditEntry.objects.count(), Notice.objects.count()
    assert set(sweep_deadlines("2026-10-09").values()) == {0}
    assert (AuditEntry.objects.count(), Notice.objects.count()) == (entries, notices)
    assert notices == before + 2

    item_2 = order.items.get(number=2)
    item_type = ContentType.objects.get_for_model(item_2)
    item_2_due = Deadline.objects.get(owner_type=item_type, owner_id=item_2.pk, kind="rectification").due_on
    later = (item_2_due + dt.timedelta(days=1)).isoformat()
    assert sweep_deadlines(later)["reminders_drafted"] == 1
    first, second = letters(order)
    assert first == letter and second.data["item_numbers"] == "2" and second.data["urged_on"] == later
    assert audit.verify().ok


def test_an_urging_left_without_its_letter_is_caught_up_by_the_next_run(officer, approver, unit, issuer):
    """The sweep committed but the worker died before drafting: the next run drafts the letter."""
    order = served_rectification(officer=officer, approver=approver, unit=unit, items=2)
    assert items_mark_overdue(D("2026-10-09")) == 2 and letters() == []

    counts = sweeps.run("rectification", "2026-10-09")
    assert counts == {"items_overdue": 0, "reminders_drafted": 1, "items_escalated": 0}
    [letter] = letters(order)
    assert letter.data["item_numbers"] == "1、2" and letter.data["urged_on"] == "2026-10-09"
    assert sweeps.run("rectification", "2026-10-09")["reminders_drafted"] == 0


def test_without_an_issuer_no_letter_is_drafted_until_one_is_configured(officer, approver, unit, caplog):
    served_rectification(officer=officer, approver=approver, unit=unit, items=1)
    assert sweeps.run("rectification", "2026-10-09")["reminders_drafted"] == 0
    assert letters() == [] and "no active issuer: N11" in caplog.text

    make_issuer()
    assert sweeps.run("rectification", "2026-10-10")["reminders_drafted"] == 1
    assert letters()[0].data["urged_on"] == "2026-10-09"  # the urging it belongs to


def test_an_urged_item_submitted_before_its_letter_was_drafted_gets_none(
    officer, approver, unit, liaison, issuer
):
    """Its reminder closed with the submission: nothing left to urge."""
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    order = served_rectification(officer=officer, approver=approver, unit=unit, items=1)
    items_mark_overdue(D("2026-10-09"))
    steps.add_evidence(liaison, order)
    rect.rectification_sign_off(acting_user=head, rectification_id=order.pk, declaration=True)
    rect.rectification_submit(acting_user=liaison, rectification_id=order.pk, truth_declared=True)
    assert overdue_reminders.draft_overdue_reminders(D("2026-10-09")) == 0 and letters() == []


def _drafting_statements(today: dt.date, expected: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert overdue_reminders.draft_overdue_reminders(today) == expected
    return len(captured.captured_queries)


def test_drafting_runs_a_fixed_number_of_statements_however_many_orders(officer, approver, issuer):
    """One order urged on 09-03, then four on 10-09 (the first one's letter, drafted already,
    is looked at again and left alone): the same statements."""
    served_rectification(
        officer=officer, approver=approver, unit=OrganisationFactory(), items=2, served_on=D("2026-08-03")
    )
    for _ in range(4):
        served_rectification(officer=officer, approver=approver, unit=OrganisationFactory(), items=3)
    assert items_mark_overdue(D("2026-09-03")) == 2
    one = _drafting_statements(D("2026-09-03"), 1)
    assert items_mark_overdue(D("2026-10-09")) == 12
    four = _drafting_statements(D("2026-10-09"), 4)
    assert four == one <= 16
    assert audit.verify().ok
