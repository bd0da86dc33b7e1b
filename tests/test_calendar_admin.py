"""Admin for the holiday calendar and the rule tables: the upload page and audited rule edits
(DOMAIN §2 R11 and R3, §7, scenario 23)."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casework.models import AuditEntry, CalendarDay, CalendarYear, DeadlineRule, DisclosureRule
from casework.roles import Role
from casework.services import records as svc

from . import lifecycle
from .factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURE_2027 = Path(__file__).parent / "fixtures" / "holidays-2027.json"
UPLOAD_URL = "admin:casework_calendaryear_upload"


def staff(client, *roles):
    user = UserFactory(is_staff=True, roles=list(roles))
    client.force_login(user)
    return user


def upload(client, content: bytes, name="holidays-2027.json", source=""):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse(UPLOAD_URL), {"file": file, "source": source})


def test_a_system_admin_uploads_a_year_and_it_is_audited_in_their_name(client):
    admin = staff(client, Role.SYSTEM_ADMIN)
    changelist = client.get(reverse("admin:casework_calendaryear_changelist"))
    assert reverse(UPLOAD_URL) in changelist.content.decode()

    response = upload(client, FIXTURE_2027.read_bytes(), source="国办发明电〔2026〕99号")

    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕99号"
    entry = AuditEntry.objects.get(action="calendar_load")
    assert (entry.actor_id, entry.actor_role, entry.ip_address) == (admin.pk, "system_admin", "127.0.0.1")
    page = client.get(response.url).content.decode()
    assert "已载入 2027 年（放假 29 天，调休上班 5 天）；重新计算办理期限 0 项。" in page


def test_the_upload_page_lists_the_deadlines_waiting_for_a_year(client, officer, unit, settings):
    """Scenario 23: the affected deadlines are listed before the year is loaded."""
    settings.CHENGXIN_TODAY = "2026-12-30"
    record = lifecycle.lead(officer=officer, organisation=unit)
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    staff(client, Role.SYSTEM_ADMIN)
    page = client.get(reverse(UPLOAD_URL)).content.decode()
    assert record.reference in page and "2027-01-28" in page


def test_a_bad_file_is_shown_line_by_line_and_changes_nothing(client):
    staff(client, Role.SYSTEM_ADMIN)
    days_before = CalendarDay.objects.count()
    response = upload(client, b"date,kind\n2027-02-30,holiday\n2027-01-04,workday\n", name="bad.csv")
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors == [
        "第 2 行：日期“2027-02-30”无效，应为 YYYY-MM-DD。",
        "第 3 行：2027-01-04 是星期一，本来就是工作日，不能列为调休上班日。",
    ]
    assert CalendarDay.objects.count() == days_before
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.CREDIT_ADMIN])
def test_other_staff_may_read_the_calendar_but_not_upload(client, settings, role):
    # An officer enters the admin only where a deployment lets them in (by default it is for
    # the configuration roles: tests/test_landing.py); even then the upload stays the
    # system administrator's.
    roles = [*settings.CHENGXIN["ADMIN_ROLES"], role]
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": roles}
    staff(client, role)
    changelist = client.get(reverse("admin:casework_calendaryear_changelist"))
    assert changelist.status_code == 200
    assert reverse(UPLOAD_URL) not in changelist.content.decode()
    assert client.get(reverse(UPLOAD_URL)).status_code == 403
    assert upload(client, FIXTURE_2027.read_bytes()).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_calendar_rows_cannot_be_edited_or_deleted_in_the_admin(client):
    staff(client, Role.SYSTEM_ADMIN)
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    url = reverse("admin:casework_calendarday_change", args=[day.pk])
    client.post(url, {"date": "2026-10-01", "year": 2026, "is_workday": "on", "name": "改"})
    day.refresh_from_db()
    assert (day.is_workday, day.name) == (False, "国庆节")
    assert client.get(reverse("admin:casework_calendarday_delete", args=[day.pk])).status_code == 403


def _deadline_rule_form(rule, **changes):
    data = {f: getattr(rule, f) for f in ["label", "amount", "unit", "source", "rule_version"]}
    data["roll_forward"] = "on" if rule.roll_forward else ""
    return {**data, **changes}


def test_a_deadline_rule_edit_is_audited_with_its_diff(client):
    admin = staff(client, Role.SYSTEM_ADMIN)
    rule = DeadlineRule.objects.get(code="objection_decide")
    old = rule.amount
    url = reverse("admin:casework_deadlinerule_change", args=[rule.pk])
    response = client.post(url, _deadline_rule_form(rule, amount=old + 2))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.amount == old + 2
    entry = AuditEntry.objects.get(action="rule_update")
    assert (entry.actor_id, entry.object_id, entry.diff) == (
        admin.pk,
        str(rule.pk),
        {"amount": [old, old + 2]},
    )


def test_a_credit_admin_may_not_change_deadline_rules(client):
    staff(client, Role.CREDIT_ADMIN)
    rule = DeadlineRule.objects.get(code="objection_decide")
    url = reverse("admin:casework_deadlinerule_change", args=[rule.pk])
    assert client.post(url, _deadline_rule_form(rule, amount=99)).status_code == 403
    rule.refresh_from_db()
    assert rule.amount != 99 and not AuditEntry.objects.exists()


def test_a_credit_admin_adds_a_new_disclosure_rule_version(client):
    staff(client, Role.CREDIT_ADMIN)
    data = {
        "tier": "GENERAL",
        "valid_from": "2027-01-01",
        "min_months": 3,
        "max_months": 12,
        "public_by_default": "on",
        "source": "测试依据",
        "rule_version": "TEST/2027",
    }
    assert client.post(reverse("admin:casework_disclosurerule_add"), data).status_code == 302
    rule = DisclosureRule.objects.get(rule_version="TEST/2027")
    entry = AuditEntry.objects.get(action="rule_create")
    assert entry.object_id == str(rule.pk) and entry.diff["max_months"] == [None, 12]


def test_a_disclosure_rule_used_by_a_record_is_read_only(client, officer, approver, unit):
    """A decided record keeps its rule (DOMAIN §4.3): a change is a new row, not an edit."""
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    staff(client, Role.SYSTEM_ADMIN)
    rule = record.disclosure_rule
    url = reverse("admin:casework_disclosurerule_change", args=[rule.pk])
    data = {"tier": rule.tier, "valid_from": rule.valid_from, "min_months": 1, "max_months": 2}
    assert (
        client.post(url, {**data, "source": rule.source, "rule_version": rule.rule_version}).status_code
        == 403
    )
    rule.refresh_from_db()
    assert (rule.min_months, rule.max_months) != (1, 2)
