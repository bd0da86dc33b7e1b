"""The commission's self-report list pages by keyset (50 a page, filters kept), and the
oversight lists hide a declared 回避 unit's rows only from the user who declared it."""

import datetime as dt

import pytest
from django.urls import reverse

from casework.models import ConflictDeclaration
from oversight.models import SelfReport

from .factories import LeadFactory

pytestmark = pytest.mark.django_db

WORK_LIST = reverse("selfreports-work")


def reports(unit, liaison, n: int, *, late: bool = False) -> list[SelfReport]:
    day = dt.date(2026, 3, 2)
    rows = [
        SelfReport(
            organisation=unit,
            kind="judgment",
            document_number=f"（2026）粤1971民初{i:03d}号{'L' if late else ''}",
            number_key=f"2026-{i:03d}{'L' if late else ''}",
            issuing_body="东莞市第一人民法院",
            received_on=day,
            summary="判决本单位支付拖欠工程款。",
            submitted_by=liaison,
            submitted_on=day + dt.timedelta(days=i % 25 + (30 if late else 0)),
            due_on=day + dt.timedelta(days=29),
            late=late,
            record=LeadFactory(subject_organisation=unit),
        )
        for i in range(n)
    ]
    return SelfReport.objects.bulk_create(rows)


def numbers(page) -> list[str]:
    return [r.document_number for r in page.context["page"].object_list]


def test_the_list_pages_fifty_newest_first_and_the_next_page_keeps_the_filter(client, officer, liaison, unit):
    on_time = reports(unit, liaison, 60)
    reports(unit, liaison, 3, late=True)
    client.force_login(officer)

    first = client.get(WORK_LIST, {"late": "no"})
    assert first.status_code == 200
    assert first.context["total"].n == 60
    assert len(numbers(first)) == 50
    days = [r.submitted_on for r in first.context["page"].object_list]
    assert days == sorted(days, reverse=True)
    page = first.context["page"]
    assert page.has_next and "late=no" in first.context["query"]
    assert f"cursor={page.next_cursor}" in first.content.decode().replace("&amp;", "&").replace("%3A", ":")

    second = client.get(WORK_LIST, {"late": "no", "cursor": page.next_cursor})
    assert len(numbers(second)) == 10 and not second.context["page"].has_next
    assert sorted(numbers(first) + numbers(second)) == sorted(r.document_number for r in on_time)
    assert not any(n.endswith("L") for n in numbers(first) + numbers(second))


def test_a_forged_cursor_gives_the_first_page(client, officer, liaison, unit):
    reports(unit, liaison, 3)
    client.force_login(officer)
    page = client.get(WORK_LIST, {"cursor": "forged"})
    assert page.status_code == 200 and page.context["page"].reset and len(numbers(page)) == 3


def test_a_unit_declared_in_conflict_drops_out_of_the_alert_list_of_that_user(
    client, officer, unit, other_unit
):
    from oversight.models import AlertLevel, AlertState, RiskAlert, RiskRule

    rule = RiskRule.objects.create(code="T1", name="测试规则", level=AlertLevel.RED, owner_role="officer")
    for organisation in (unit, other_unit):
        RiskAlert.objects.create(
            rule=rule,
            key=f"k{organisation.pk}",
            level=AlertLevel.RED,
            state=AlertState.OPEN,
            owner_role="officer",
            organisation=organisation,
            summary=f"预警{organisation.name}",
            raised_on=dt.date(2026, 3, 2),
            due_on=dt.date(2026, 3, 9),
        )
    client.force_login(officer)
    before = {a.organisation_id for a in client.get(reverse("risk-alerts")).context["page"].object_list}
    assert before == {unit.pk, other_unit.pk}
    ConflictDeclaration.objects.create(user=officer, organisation=unit, reason="近亲属任职")
    after = {a.organisation_id for a in client.get(reverse("risk-alerts")).context["page"].object_list}
    assert after == {other_unit.pk}
