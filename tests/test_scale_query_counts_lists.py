"""More list pages and API lists that ask the same number of questions at 10 rows as at 200:
the court's lists, commitments, self-reports, integrity files, the approver's and HR's
worklists, the workflow queues and the exchange's outgoing lists. Each list's own rows are
copies of a real one, inserted set-based (tests.query_counts), except the workflow's
processes and tasks, made by the services (a process is a multi-table row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from casework.models import Deadline, Person, Record, User
from casework.roles import Role

from . import lifecycle
from .accountability_steps import decision, served, set_today
from .api_fixtures import api
from .factories import UserFactory
from .query_counts import amend_trail, copies, count, grow_records

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 20)


def _same_at_10_and_200(pages, grow, shows: str | dict) -> None:
    """`pages` ((user, url) pairs) ask as much with 10 rows as with 200; each shows the
    newest row (`shows`), so the rows are ones the list holds."""
    grow(10, 0)
    few = {url: count(user, url) for user, url in pages}
    grow(190, 10)
    assert {url: count(user, url) for user, url in pages} == few
    for user, url in pages:
        assert (shows.get(url, "") if isinstance(shows, dict) else shows) in _body(user, url), url


def _body(user, url: str) -> str:
    client = api(user) if url.startswith("/api/") else Client()
    if not url.startswith("/api/"):
        client.force_login(user)
    return client.get(url).content.decode()


@pytest.fixture
def credit_admin(db):
    return UserFactory(username="credit_admin", roles=[Role.CREDIT_ADMIN])


# ── tables of their own ───────────────────────────────────────────────────────────


def _grow_commitments(unit, officer):
    from oversight.models import Commitment

    def grow(n: int, start: int) -> None:
        Commitment.objects.bulk_create(
            Commitment(
                promisor=unit,
                counterparty_name=f"相对人{k}",
                type="contract",
                document_title=f"承诺书{k}",
                obligations="按期支付工程款。",
                registered_on=DAY,
                registered_by=officer,
            )
            for k in range(start, start + n)
        )

    return grow


def test_the_commitment_lists_ask_the_same_at_10_and_200(officer, liaison, unit):
    pages = [(officer, "/work/commitments/"), (liaison, "/unit/commitments/")]
    _same_at_10_and_200(pages, _grow_commitments(unit, officer), "相对人199")


def test_the_outbox_asks_the_same_at_10_and_200(credit_admin):
    from exchange.models import Outbound

    def grow(n: int, start: int) -> None:
        Outbound.objects.bulk_create(
            Outbound(channel="province", stream="records", kind="CREATE", key=f"test:{k}", due_on=DAY)
            for k in range(start, start + n)
        )

    _same_at_10_and_200([(credit_admin, "/api/exchange/outbox/")], grow, "test:49")  # a full page


def test_the_sync_events_ask_the_same_at_10_and_200(officer, record):
    from casework.models import SyncEvent

    def grow(n: int, start: int) -> None:
        SyncEvent.objects.bulk_create(
            SyncEvent(record=record, kind="UPDATE", payload={"n": k}, due_on=DAY)
            for k in range(start, start + n)
        )

    _same_at_10_and_200([(officer, "/api/sync-events/")], grow, '"next":"http')  # more than a page


def test_the_court_queue_asks_the_same_at_10_and_200(officer, approver, unit):
    from exchange.models import DefaulterEntry, ImportBatch
    from exchange.models.court import MatchState

    batch = ImportBatch.objects.create(
        kind="defaulter_list", file_name="失信名单.csv", sha256="0" * 64, created_by=officer
    )

    def grow(n: int, start: int) -> None:
        DefaulterEntry.objects.bulk_create(
            DefaulterEntry(
                case_number=f"（2026）粤1971执{k}号",
                court="东莞市第一人民法院",
                name=f"被执行单位{k}",
                organisation=unit,
                match=MatchState.WEAK,
                content_hash=f"{k:064d}",
                first_batch=batch,
                last_batch=batch,
            )
            for k in range(start, start + n)
        )

    grow(10, 0)
    few = count(officer, "/work/court/")
    grow(190, 10)
    # The queue holds 200 candidates: with 200 list entries the judgments are not read at all.
    assert count(officer, "/work/court/") <= few
    assert "被执行单位199" in _body(officer, "/work/court/")


def test_the_integrity_files_ask_the_same_at_10_and_200(officer, unit):
    from oversight.models import IntegrityFile

    def grow(n: int, start: int) -> None:
        people = Person.objects.bulk_create(
            Person(
                name=f"公务员{k}",
                unit=unit,
                id_number_hash=f"{k:064d}",
                id_number_masked=f"4419********{k:04d}",
            )
            for k in range(start, start + n)
        )
        IntegrityFile.objects.bulk_create(
            IntegrityFile(person=p, opened_on=DAY, opened_by=officer) for p in people
        )

    pages = [(officer, "/work/integrity/"), (officer, f"/work/integrity/?unit={unit.pk}")]
    _same_at_10_and_200(pages, grow, {f"/work/integrity/?unit={unit.pk}": "公务员199"})


def test_the_self_report_lists_ask_the_same_at_10_and_200(officer, liaison, record):
    from oversight.models import SelfReport

    def grow(n: int, start: int) -> None:
        records = grow_records(record, n, 1000 + start)
        SelfReport.objects.bulk_create(
            SelfReport(
                organisation=record.subject_organisation,
                kind="judgment",
                document_number=f"（2026）粤19民初{k}号",
                number_key=f"2026粤19民初{k}号",
                issuing_body="东莞市第一人民法院",
                received_on=DAY,
                summary="判决支付工程款。",
                submitted_by=liaison,
                submitted_on=DAY,
                due_on=DAY,
                record=copied,
            )
            for k, copied in enumerate(records, start)
        )

    pages = [(officer, "/work/self-reports/"), (liaison, "/unit/reports/")]
    grid = count(officer, "/work/self-reports/quarters/")  # the units' quarters, their reports counted
    _same_at_10_and_200(pages, grow, "（2026）粤19民初199号")
    assert count(officer, "/work/self-reports/quarters/") == grid


# ── worklists ─────────────────────────────────────────────────────────────────────


def test_the_sanctions_to_execute_ask_the_same_at_10_and_200(settings, hr, officer, approver, person, record):
    from casework.models import Accountability, Sanction

    set_today(settings, "2026-02-02")
    case = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[decision(person, "WARNING")],
        decided_on=dt.date(2026, 1, 20),
        served_on=dt.date(2026, 1, 21),
    )
    case.refresh_from_db()
    case_type = ContentType.objects.get_for_model(Accountability)
    sanctions = list(Sanction.objects.filter(accountability=case))
    deadlines = list(Deadline.objects.filter(owner_type=case_type, owner_id=case.pk))

    def grow(n: int, start: int) -> None:
        cases = Accountability.objects.bulk_create(copies(case, n, start))
        concerned = Accountability.persons.through
        concerned.objects.bulk_create(concerned(accountability_id=c.pk, person_id=person.pk) for c in cases)
        Sanction.objects.bulk_create(
            row for copied in cases for s in sanctions for row in copies(s, 1, 0, accountability_id=copied.pk)
        )
        Deadline.objects.bulk_create(
            row for copied in cases for d in deadlines for row in copies(d, 1, 0, owner_id=copied.pk)
        )

    _same_at_10_and_200([(hr, "/work/sanctions/")], grow, "待执行（201 件）")


def test_the_approvals_and_the_workflow_lists_ask_the_same_at_10_and_200(
    fixed_today, officer, approver, unit
):
    """Proposals, each with its process and its task in the approvers' queue."""
    n = iter(range(1000))

    def grow(count_: int, _start: int) -> None:
        for _ in range(count_):
            lifecycle.proposed(officer=officer, organisation=unit, content=f"拖欠账款线索{next(n)}")

    pages = [(approver, url) for url in ("/work/approvals/", "/api/queue/", "/api/processes/", "/api/inbox/")]
    grow(10, 0)
    officers_inbox = count(officer, "/api/inbox/")
    few = {url: count(user, url) for user, url in pages}
    grow(190, 10)
    assert {url: count(user, url) for user, url in pages} == few
    assert count(officer, "/api/inbox/") == officers_inbox
    newest = Record.objects.latest("pk").reference
    assert newest in _body(approver, "/work/approvals/")
    assert newest in _body(approver, "/api/processes/")


def test_a_records_trail_asks_the_same_at_10_and_200_entries(officer, record):
    """The full timeline page and the API's audit list of one record."""

    def grow(n: int, start: int) -> None:
        amend_trail(record, officer, n, start=start)

    pages = [(officer, f"/work/cases/{record.pk}/timeline/"), (officer, f"/api/records/{record.pk}/audit/")]
    _same_at_10_and_200(pages, grow, "第0次更正")


def test_the_assignable_users_ask_the_same_at_10_and_200(officer):
    template = UserFactory(username="clerk", roles=[Role.OFFICER])

    def grow(n: int, start: int) -> None:
        users = User.objects.bulk_create(copies(template, n, start, username=lambda k: f"clerk{k}", email=""))
        member = User.groups.through
        member.objects.bulk_create(
            member(user_id=user.pk, group_id=group.pk) for user in users for group in template.groups.all()
        )
        User.user_permissions.through.objects.bulk_create(
            User.user_permissions.through(user_id=user.pk, permission_id=p.pk)
            for user in users
            for p in template.user_permissions.all()
        )

    _same_at_10_and_200([(officer, "/api/users/assignable/")], grow, '"next":"http')  # more than a page


def test_the_measures_ask_the_same_at_10_and_200(officer, record):
    from casework.models import Measure

    template = Measure.objects.filter(is_active=True).first()

    def grow(n: int, start: int) -> None:
        Measure.objects.bulk_create(copies(template, n, start))

    _same_at_10_and_200([(officer, "/api/measures/")], grow, '"next":"http')  # more than a page


@pytest.mark.parametrize(
    ("url", "newest"), [("/api/lookup/people/", "公务员199"), ("/api/lookup/organisations/", "单位199")]
)
def test_the_lookups_ask_the_same_at_10_and_200(officer, url, newest):
    from .test_scale_query_counts import _grow_people

    _same_at_10_and_200([(officer, f"{url}?q={newest[:-3]}")], _grow_people, "")
    assert newest in _body(officer, f"{url}?q={newest}")  # the copies are found
