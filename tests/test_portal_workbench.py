"""The commission's workbench (issue #5 item 1): the dashboard's counts and inbox, the case list's
filters, search and sorting, and the bulk actions, through the pages as each user sees them.

One world for the module, built through the real services (legal today 2026-02-02, a Monday;
five working days later is 2026-02-09): unit 甲局 has a lead, a determined record whose service
deadline (01-26) has passed, a record under a rectification order served 01-20 (written
explanation due 02-03, rectification 02-24) and a civil servant's record at the prior notice
(defence window closed 01-12, its determination overdue since 01-26); unit 乙局 has a determined record (overdue too) and one in force
with nothing running.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from casework.models import AuditEntry, ConflictDeclaration, Organisation, Record, User
from casework.queries import record_audit_entries
from casework.roles import Role

from . import lifecycle, rectification_steps
from .factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
TODAY = "2026-02-02"
LIST, BULK, DASHBOARD = "/work/cases/", "/work/cases/bulk/", "/work/"


@dataclass
class World:
    unit: Organisation
    other: Organisation
    users: dict[str, User]
    records: dict[str, Record]

    def pk(self, *names: str) -> list[str]:
        return [str(self.records[n].pk) for n in names]

    def refs(self, *names: str) -> list[str]:
        return [self.records[n].reference for n in names]


def _users(unit) -> dict[str, User]:
    civil = PersonFactory(unit=unit, name="张三")
    return {
        "officer": UserFactory(username="w_officer", first_name="李办案", roles=[Role.OFFICER]),
        "colleague": UserFactory(username="w_colleague", first_name="王同事", roles=[Role.OFFICER]),
        "approver": UserFactory(username="w_approver", roles=[Role.APPROVER]),
        "assessor": UserFactory(username="w_assessor", roles=[Role.ASSESSOR]),
        "hr": UserFactory(username="w_hr", roles=[Role.HR_ADMIN]),
        "liaison": UserFactory(username="w_liaison", organisation=unit, roles=[Role.UNIT_LIAISON]),
        "civil": UserFactory(username="w_civil", person=civil, organisation=unit, roles=[Role.CIVIL_SERVANT]),
    }


def build() -> World:
    unit = OrganisationFactory(name="东莞市甲局", short_name="甲局")
    other = OrganisationFactory(name="东莞市乙局")
    users = _users(unit)
    cw = {"officer": users["officer"], "approver": users["approver"]}
    records = {
        "lead": lifecycle.lead(
            officer=users["officer"],
            organisation=unit,
            content="甲局未兑现招商引资奖励。",
            received_on=dt.date(2026, 1, 8),
        ),
        "determined": lifecycle.determined(
            **cw,
            organisation=unit,
            content="甲局拖欠工程款。",
            received_on=dt.date(2026, 1, 4),
            category="ONL",
            tier="SERIOUS",
        ),
        "rect": rectification_steps.in_progress(**cw, unit=unit, served_on=dt.date(2026, 1, 20)).record,
        "person": lifecycle.pre_notice(
            **cw,
            person=users["civil"].person,
            content="张三未按承诺办结审批事项。",
            received_on=dt.date(2025, 12, 20),
        ),
        "theirs": lifecycle.determined(
            **cw, organisation=other, content="乙局未按期兑现奖补资金。", received_on=dt.date(2026, 1, 3)
        ),
        "theirs_done": lifecycle.effective(
            **cw, organisation=other, content="乙局拖欠中小企业账款。", received_on=dt.date(2026, 1, 2)
        ),
    }
    return World(unit, other, users, {k: Record.objects.get(pk=r.pk) for k, r in records.items()})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once, inside a transaction rolled back at the module's end; each test runs in
    its own savepoint within it."""
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(CHENGXIN_TODAY=TODAY, CHENGXIN_UPLOAD_ROOT=uploads):
        atomics = TestCase._enter_atomics()
        try:
            yield build()
        finally:
            TestCase._rollback_atomics(atomics)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


ROW = re.compile(r'<td class="ref"[^>]*><a href="([^"]+)">([^<]+)</a>')


def listed(response) -> list[str]:
    """The references of the case list's rows, in order, read off the HTML."""
    assert response.status_code == 200, response.status_code
    return listed_any(response)


def listed_any(response) -> list[str]:
    return [ref for _url, ref in ROW.findall(response.content.decode())]


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ── dashboard ─────────────────────────────────────────────────────────────────────


def test_the_dashboard_counts_open_overdue_and_due_soon_cases_by_unit(world):
    client = client_for(world.users["officer"])
    board = client.get(DASHBOARD).context["board"]

    assert (board.open, board.overdue, board.due_soon) == (5, 3, 1)
    assert board.soon_until == dt.date(2026, 2, 9)
    assert [(u.unit.name, u.open, u.overdue, u.due_soon) for u in board.units] == [
        ("东莞市甲局", 4, 2, 1),
        ("东莞市乙局", 1, 1, 0),
    ]


def test_each_count_links_to_the_cases_it_counts(world):
    client = client_for(world.users["officer"])
    page = text(client.get(DASHBOARD))
    unit = world.unit.pk

    expected = {
        "?progress=open": {"lead", "determined", "rect", "person", "theirs"},
        "?progress=overdue&amp;sort=due": {"determined", "theirs", "person"},
        "?progress=due_soon&amp;sort=due": {"rect"},
        f"?unit={unit}&amp;progress=open": {"lead", "determined", "rect", "person"},
        f"?unit={unit}&amp;progress=overdue&amp;sort=due": {"determined", "person"},
    }
    for query, names in expected.items():
        assert f'href="{LIST}{query}"' in page, query
        assert set(listed(client.get(LIST + query.replace("&amp;", "&")))) == set(world.refs(*names)), query


def test_the_dashboard_inbox_lists_my_tasks_due_soonest_first_with_the_overdue_marked(world):
    response = client_for(world.users["officer"]).get(DASHBOARD)
    tasks = list(response.context["tasks"])

    assert tasks, "the officer serves the determined records"
    dues = [t.due_on for t in tasks if t.due_on]
    assert dues == sorted(dues)
    overdue = [t for t in tasks if t.overdue]
    assert {t.process.caseprocess.record_id for t in overdue} >= {world.records["determined"].pk}
    assert '<tr class="overdue">' in response.content.decode() and "已逾期" in text(response)
    assert reverse("case-detail", args=[world.records["determined"].pk]) in response.content.decode()


@pytest.mark.parametrize(("who", "where"), [("liaison", "/unit/"), ("civil", "/me/")])
def test_unit_and_personal_users_are_sent_to_their_own_start_page(world, who, where):
    response = client_for(world.users[who]).get(DASHBOARD)
    assert response.status_code == 302 and response["Location"] == where


@pytest.mark.parametrize(
    ("who", "where"),
    [("officer", "/work/"), ("liaison", "/unit/"), ("civil", "/me/"), ("hr", "/work/sanctions/")],
)
def test_sign_in_lands_each_user_on_their_own_start_page(world, who, where):
    client = Client()
    user = world.users[who]
    response = client.post(reverse("login"), {"username": user.username, "password": "pass-12345"})
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == where


def test_a_user_outside_the_commission_is_sent_from_the_dashboard_to_their_own_page(world):
    response = client_for(world.users["hr"]).get(DASHBOARD)
    assert response.status_code == 302 and response["Location"] == "/work/sanctions/"


def test_the_navigation_shows_each_role_its_own_links(world):
    officer = text(client_for(world.users["officer"]).get("/"))
    liaison = text(client_for(world.users["liaison"]).get("/"))
    for link in (DASHBOARD, LIST, "/inbox/", "/me/honours/"):
        assert f'href="{link}"' in officer
    assert 'href="/unit/"' in liaison and f'href="{DASHBOARD}"' not in liaison
    assert 'href="/me/honours/"' not in liaison


# ── the case list: filters, search, sorting, scope ───────────────────────────────


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("state=DETERMINED", {"determined", "theirs"}),
        ("category=ONL", {"determined"}),
        ("tier=SERIOUS", {"determined"}),
        ("domain=PROCUREMENT", {"determined", "rect", "person", "theirs", "theirs_done"}),
        ("unit={other}", {"theirs", "theirs_done"}),
        ("unit={unit}", {"lead", "determined", "rect", "person"}),
        ("due_after=2026-02-01&due_before=2026-02-10", {"rect"}),
        ("due_before=2026-01-31", {"determined", "theirs", "person"}),
        ("q=乙局", {"theirs", "theirs_done"}),
        ("q=甲局 工程款", {"determined", "rect"}),
        ("q=张三", {"person"}),
        ("q=招商引资", {"lead"}),
    ],
)
def test_each_filter_narrows_the_list(world, query, names):
    query = query.format(unit=world.unit.pk, other=world.other.pk)
    client = client_for(world.users["officer"])
    assert len(listed(client.get(LIST))) == 6
    assert set(listed(client.get(f"{LIST}?{query}"))) == set(world.refs(*names))


def test_search_finds_a_case_by_its_reference_and_each_row_opens_the_case_page(world):
    record = world.records["theirs"]
    response = client_for(world.users["officer"]).get(LIST, {"q": record.reference})
    assert ROW.findall(response.content.decode()) == [
        (reverse("case-detail", args=[record.pk]), record.reference)
    ]


def test_a_bad_date_is_reported_next_to_its_field_and_the_other_filters_still_apply(world):
    response = client_for(world.users["officer"]).get(
        LIST, {"due_after": "2026-13-01", "state": "DETERMINED"}
    )
    html = text(response)
    assert re.search(
        r'id="id_due_after"[^>]*> <p class="errorlist" role="alert">输入一个有效的日期。</p>', html
    )
    assert set(listed(response)) == set(world.refs("determined", "theirs"))
    assert 'value="2026-13-01"' in html  # what was typed is kept


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("received", ["person", "theirs_done", "theirs", "determined", "rect", "lead"]),
        ("-received", ["lead", "rect", "determined", "theirs", "theirs_done", "person"]),
        # Equal keys fall back to the id the same way round (keyset pages, portal.paging):
        # theirs, person and determined are all due 01-26; theirs_done and lead have nothing.
        ("due", [("theirs", "person", "determined"), "rect", ("theirs_done", "lead")]),
        ("state", ["lead", "person", ("theirs", "determined"), ("theirs_done", "rect")]),
    ],
)
def test_sorting(world, sort, names):
    def by_id(group):
        return sorted(group, key=lambda n: world.records[n].pk)

    names = [n for item in names for n in (by_id(item) if isinstance(item, tuple) else [item])]
    assert listed(client_for(world.users["officer"]).get(LIST, {"sort": sort})) == world.refs(*names)


def test_sorting_by_reference_both_ways(world):
    client = client_for(world.users["officer"])
    ascending = listed(client.get(LIST, {"sort": "reference"}))
    assert (
        ascending == sorted(world.refs(*world.records))
        and listed(client.get(LIST, {"sort": "-reference"})) == ascending[::-1]
    )


def test_the_list_pages_through_many_cases_keeping_the_filters(world):
    officer = world.users["officer"]
    for n in range(26):
        lifecycle.lead(officer=officer, organisation=world.other, content=f"乙局第{n}条线索。")
    client = client_for(officer)
    first = client.get(LIST, {"unit": world.other.pk, "sort": "reference"})
    # 下一页 carries the filters, the sort and the cursor (portal.paging).
    following = re.search(r'<a href="\?([^"]+)" rel="next">', first.content.decode()).group(1)
    assert following.startswith(f"unit={world.other.pk}&amp;sort=reference&amp;cursor=")
    second = client.get(f"{LIST}?{following.replace('&amp;', '&')}")
    assert len(listed(first)) == 25 and len(listed(second)) == 3
    assert not set(listed(first)) & set(listed(second))


def test_a_liaison_has_no_case_list_however_they_filter(world):
    """The commission's list is not the unit's: its records are on /unit/."""
    client = client_for(world.users["liaison"])
    for query in ({}, {"unit": world.other.pk}, {"q": "乙局"}, {"q": world.records["theirs"].reference}):
        response = client.get(LIST, query)
        assert response.status_code == 403 and listed_any(response) == []


# ── bulk actions ──────────────────────────────────────────────────────────────────


def test_bulk_remind_acts_only_on_visible_cases_and_reports_the_rest_as_not_found(world):
    officer, liaison = world.users["officer"], world.users["liaison"]
    ConflictDeclaration.objects.create(user=officer, organisation=world.other, reason="近亲属在该单位任职")
    ids = [*world.pk("rect", "determined", "person", "lead", "theirs"), "987654321"]

    response = client_for(officer).post(
        BULK, {"action": "remind", "ids": ids, "query": "state=EFFECTIVE"}, follow=True
    )

    assert response.redirect_chain == [(f"{LIST}?state=EFFECTIVE", 302)]
    page = text(response)
    rect, determined, person, lead = world.refs("rect", "determined", "person", "lead")
    assert f"已提醒当事方 2 个期限，涉及案件：{rect}。" in page
    assert (
        f"{determined}（没有需要当事方办理的期限）" in page
        and f"{person}（没有需要当事方办理的期限）" in page
    )
    assert f"{lead}（当事方尚未收到告知，不能提醒）" in page
    assert f"未找到：#{world.records['theirs'].pk}、#987654321。" in page
    reminders = AuditEntry.objects.filter(action="deadline_remind")
    assert list(reminders.values_list("record_id", flat=True)) == [world.records["rect"].pk]
    assert "书面说明原因 2026-02-03" in reminders.get().reason
    trail = record_audit_entries(user=liaison, record_id=world.records["rect"].pk)
    assert trail.filter(action="deadline_remind").count() == 1  # the unit reads it in its case's trail

    again = client_for(officer).post(BULK, {"action": "remind", "ids": world.pk("rect")}, follow=True)
    assert f"{rect}（今天已提醒过）" in text(again) and reminders.count() == 1


def _open_tasks(record) -> dict[int, int | None]:
    tasks = Task.objects.filter(
        process__caseprocess__record=record, flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED]
    )
    return dict(tasks.values_list("pk", "owner_id"))


def test_bulk_assign_hands_only_visible_commission_tasks_to_the_colleague(world):
    """The determined record's service task (held by the officer) and the lead's verification
    task (in the queue) go to the colleague; the rectification's only open task is the unit's,
    the prior-notice record's is an approver's; 乙局 is hidden from the officer by 回避."""
    officer, colleague = world.users["officer"], world.users["colleague"]
    ConflictDeclaration.objects.create(user=officer, organisation=world.other, reason="近亲属在该单位任职")
    untouched = {n: _open_tasks(world.records[n]) for n in ("rect", "person", "theirs")}
    ids = [*world.pk("determined", "lead", "person", "rect", "theirs"), "987654321"]

    response = client_for(officer).post(
        BULK, {"action": "assign", "assignee": colleague.pk, "ids": ids}, follow=True
    )

    page = text(response)
    determined, lead, person, rect = world.refs("determined", "lead", "person", "rect")
    assert f"已分配 2 项任务，涉及案件：{determined}、{lead}。" in page
    assert f"{person}（该人员不能办理这些任务）；{rect}（没有可分配的待办任务）" in page
    assert f"未找到：#{world.records['theirs'].pk}、#987654321。" in page
    for name in ("determined", "lead"):
        assert set(_open_tasks(world.records[name]).values()) == {colleague.pk}
    assert {n: _open_tasks(world.records[n]) for n in untouched} == untouched and all(untouched.values())
    entries = AuditEntry.objects.filter(action="task_assign")
    assigned = [world.records[n].pk for n in ("determined", "lead")]
    assert sorted(entries.values_list("record_id", flat=True)) == sorted(assigned)
    assert all(e.actor_id == officer.pk and e.diff["owner"][1] == colleague.pk for e in entries)


def test_bulk_assign_leaves_cases_the_colleague_may_not_handle(world):
    officer, colleague = world.users["officer"], world.users["colleague"]
    ConflictDeclaration.objects.create(user=colleague, organisation=world.unit, reason="曾在该单位任职")
    before = _open_tasks(world.records["determined"])

    response = client_for(officer).post(
        BULK, {"action": "assign", "assignee": colleague.pk, "ids": world.pk("determined")}, follow=True
    )

    assert f"{world.records['determined'].reference}（该人员不能办理这些任务）" in text(response)
    assert _open_tasks(world.records["determined"]) == before
    assert not AuditEntry.objects.filter(action="task_assign").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "remind"}, "ids", "请先勾选要处理的案件。"),
        ({"action": "assign", "ids": ["1"]}, "assignee", "分配任务须选择接收人员。"),
        ({"action": "delete", "ids": ["1"]}, "action", "选择一个有效的选项"),
    ],
)
def test_bad_bulk_input_is_explained_and_nothing_is_done(world, data, field, message):
    before = AuditEntry.objects.count()
    response = client_for(world.users["officer"]).post(BULK, {**data, "query": "state=DETERMINED"})
    assert response.status_code == 400
    assert message in response.context["bulk_form"].errors[field][0] and message in text(response)
    assert set(listed_any(response)) == set(world.refs("determined", "theirs"))  # the same list, filters kept
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("who", ["liaison", "assessor"])
def test_users_without_bulk_actions_cannot_post_them(world, who):
    before = AuditEntry.objects.count()
    response = client_for(world.users[who]).post(BULK, {"action": "remind", "ids": world.pk("rect")})
    assert response.status_code == 403 and AuditEntry.objects.count() == before
