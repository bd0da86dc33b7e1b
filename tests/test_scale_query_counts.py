"""Pages that fetch what they show: a list page or API list asks the database the same number
of questions at 10 rows as at 200, and the case page stays within its budget whatever the case
holds. Rows past the first are copies of real ones (made through the services), inserted in
one statement per table, so the test stays quick."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from casework import audit
from casework.models import Record, User

from . import lifecycle
from .query_counts import amend_trail, copies, count, grow_records, page_queries

pytestmark = pytest.mark.django_db

#: The case page's budget: session, user and roles, the record, then one query per section.
CASE_PAGE_BUDGET = 15
#: With every kind of sub-process on the case: each kind's rows and their children
#: (items and their extension requests, decisions and their appeals, the persons concerned)
#: are a query each, whatever their number.
EVERY_PART_BUDGET = 20


# ── list pages and API lists: 10 rows, then 200 ──────────────────────────────────

RECORD_PAGES = [
    ("officer", "/work/cases/"),
    ("officer", "/work/"),
    ("officer", "/inbox/"),
    ("officer", "/api/records/"),
    ("officer", "/api/notices/"),
    ("officer", "/api/rectifications/"),
    ("officer", "/api/accountability/"),
    ("liaison", "/unit/"),
    ("liaison", "/unit/records/"),
    ("liaison", "/unit/notices/"),
    ("liaison", "/unit/objections/"),
    ("liaison", "/unit/repairs/"),
    ("liaison", "/api/records/"),
    ("liaison", "/api/notices/"),
    (None, "/public/records/"),
]
PERSON_PAGES = [
    ("civil_servant", "/me/sanctions/"),
    ("civil_servant", "/me/"),
    ("civil_servant", "/me/records/"),
    ("civil_servant", "/me/notices/"),
]


@pytest.fixture
def unit_record(officer, approver, unit, fixed_today, issuer):
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


@pytest.fixture
def person_record(officer, approver, civil_servant, fixed_today, issuer):
    return lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person)


def _same_at_10_and_200(request, template: Record, pages) -> None:
    grow_records(template, 9, 1)
    users = {who: who and request.getfixturevalue(who) for who, _url in pages}
    few = {(who, url): count(users[who], url) for who, url in pages}
    grow_records(template, 190, 10)
    many = {(who, url): count(users[who], url) for who, url in pages}
    assert many == few


def test_record_lists_ask_the_same_at_10_and_200_records(request, unit_record):
    _same_at_10_and_200(request, unit_record, RECORD_PAGES)


def test_the_civil_servants_lists_ask_the_same_at_10_and_200_records(request, person_record):
    _same_at_10_and_200(request, person_record, PERSON_PAGES)


def test_the_unit_home_shows_the_latest_20_and_links_to_the_rest(liaison, unit_record):
    grow_records(unit_record, 30, 1)
    client = Client()
    client.force_login(liaison)
    home = client.get("/unit/").content.decode()
    assert 'href="/unit/records/"' in home
    assert 'href="/unit/notices/"' in home
    listed = client.get("/unit/records/").content.decode()
    assert listed.count(unit_record.reference) == 31  # page size 50: every record on one page


# ── the case page ───────────────────────────────────────────────────────────────


def _enrich(record: Record, officer: User, entries: int) -> None:
    """Many more of what a case holds: audit entries (with changed fields naming people and
    objects), deadlines and notices, as a long-running case accumulates them."""
    amend_trail(record, officer, entries)
    grow_records(record, 1, 900)  # a neighbour: not on this page


def test_the_case_page_stays_within_budget_however_much_the_case_holds(officer, unit_record):
    url = f"/work/cases/{unit_record.pk}/"
    small = page_queries(officer, url)
    _enrich(unit_record, officer, 500)
    rich = page_queries(officer, url)
    # The page shows the latest 50 timeline entries: the older ones, and the objects their
    # changed fields name (one query per kind), drop out; never a query more.
    assert rich <= small
    assert rich <= CASE_PAGE_BUDGET


# ── lists of their own tables: accounts, the audit trail, complaints, risk alerts ───


def _grow_users(n: int, start: int) -> None:
    template = User.objects.get(username="officer")
    User.objects.bulk_create(copies(template, n, start, username=lambda k: f"clerk{k}", email=""))


def _grow_trail(n: int, start: int) -> None:
    from django.db import transaction

    officer = User.objects.get(username="officer")
    with transaction.atomic():
        audit.append_many(
            dict(actor=officer, role="officer", obj=officer, action="user.update", reason=f"第{k}次")
            for k in range(start, start + n)
        )


def _grow_complaints(n: int, start: int) -> None:
    from exchange.models import Complaint

    day = dt.date(2026, 1, 20)
    Complaint.objects.bulk_create(
        Complaint(
            channel="HOTLINE_12345",
            work_order=f"GD-{k:06d}",
            title=f"投诉{k}",
            content="拖欠工程款。",
            received_on=day,
            routing_due=day,
            feedback_due=day,
        )
        for k in range(start, start + n)
    )


def _grow_alerts(n: int, start: int) -> None:
    from oversight.models import RiskAlert, RiskRule

    rule = RiskRule.objects.first() or RiskRule.objects.create(
        code="TEST", name="测试规则", level="YELLOW", owner_role="officer"
    )
    RiskAlert.objects.bulk_create(
        RiskAlert(
            rule=rule,
            key=f"test:{k}",
            level=rule.level,
            owner_role="officer",
            summary=f"预警{k}",
            raised_on=dt.date(2026, 1, 20),
        )
        for k in range(start, start + n)
    )


def _grow_imports(n: int, start: int) -> None:
    from exchange.models import ImportBatch

    officer = User.objects.get(username="officer")
    ImportBatch.objects.bulk_create(
        ImportBatch(kind="hotline", file_name=f"工单{k}.xlsx", sha256=f"{k:064d}", created_by=officer)
        for k in range(start, start + n)
    )


OWN_TABLES = [
    ("system_admin", "/system/users/", _grow_users),
    ("security_admin", "/security/users/", _grow_users),
    ("audit_admin", "/audit/", _grow_trail),
    ("officer", "/work/complaints/", _grow_complaints),
    ("officer", "/api/complaints/", _grow_complaints),
    ("officer", "/work/alerts/", _grow_alerts),
    ("officer", "/work/imports/", _grow_imports),
    ("officer", "/api/people/", None),
    ("officer", "/api/organisations/", None),
]


@pytest.fixture
def admins(db):
    from casework.roles import Role

    from .factories import UserFactory

    return {
        role: UserFactory(username=role, roles=[Role(role)])
        for role in ("system_admin", "security_admin", "audit_admin")
    }


@pytest.mark.parametrize(("who", "url", "grow"), OWN_TABLES, ids=[url for _who, url, _grow in OWN_TABLES])
def test_a_list_of_its_own_table_asks_the_same_at_10_and_200_rows(request, admins, officer, who, url, grow):
    user = admins.get(who) or request.getfixturevalue(who)
    grow = grow or _grow_people
    grow(10, 0)
    few = count(user, url)
    grow(190, 10)
    assert count(user, url) == few


def _grow_people(n: int, start: int) -> None:
    from casework.models import Organisation, Person

    unit = Organisation.objects.create(name=f"单位{start}")
    Organisation.objects.bulk_create(
        copies(unit, n, start, name=lambda k: f"单位{k}", credit_code=lambda k: f"C{k:017d}")
    )
    Person.objects.bulk_create(
        Person(
            name=f"公务员{k}", unit=unit, id_number_hash=f"{k:064d}", id_number_masked=f"4419********{k:04d}"
        )
        for k in range(start, start + n)
    )


def test_the_case_page_of_a_case_with_every_kind_of_part(
    settings, tmp_path, officer, approver, liaison, head, civil_servant, unit, issuer
):
    """Orders with items and extension requests, a case with decisions and appeals, an
    objection, a repair application, files: one query per kind, however many of each."""
    from casework.services import objections, repair

    from .visibility_world import _accountability, _rectification

    settings.CHENGXIN_TODAY, settings.CHENGXIN_UPLOAD_ROOT = "2026-02-02", tmp_path
    users = {"officer": officer, "approver": approver, "liaison": liaison, "head": head}
    users["sanctioned"] = civil_servant
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    _accountability(users, record, civil_servant.person, unit)
    _rectification(users, record)
    objection = objections.objection_file(
        acting_user=liaison, record_id=record.pk, ground="CONDITIONS", statement="款项已全部支付。"
    )
    objections.objection_accept(acting_user=officer, objection_id=objection.pk)
    repair.repair_apply(
        acting_user=liaison,
        record_id=record.pk,
        commitment="本单位承诺依法履约。",
        commitment_signed_by_id=head.pk,
    )
    url = f"/work/cases/{record.pk}/"
    small = page_queries(officer, url)
    _enrich(record, officer, 500)
    rich = page_queries(officer, url)
    # The page shows the latest 50 timeline entries: the older ones, and the objects their
    # changed fields name (one query per kind), drop out; never a query more.
    assert rich <= small
    assert rich <= EVERY_PART_BUDGET
