"""Every role lands on its work: sign-in takes each role to its own start page (the intake
operator to lead registration, HR to the sanctions to execute, the system administrator to
configuration and health …); a page of another role is a Chinese 403 page that leads back;
only the configuration roles enter /admin/; the approver's 待核准 count is what the queue
lists; a liaison's inbox and the unit's portal show the same overdue 陈述申辩; the search
boxes' endpoints find only whom the user may name, and a lead is registered by searching.
Through the pages and the API, as the users take them.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from casework.lifecycle import RecordState
from casework.models import ConflictDeclaration, Record
from casework.roles import Role
from casework.services import records as svc
from notices import services as notice_services
from notices.drafting import produce
from notices.drafts import FIXED_FIELDS, notice_revise_draft
from notices.models import Notice

from . import accountability_steps, lifecycle, notice_cases
from .api_fixtures import api
from .factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pass-12345"

#: Each demo role (README), where sign-in takes it, and the page's heading there.
LANDINGS = [
    (Role.OFFICER, "/work/", "工作台"),
    (Role.APPROVER, "/work/", "工作台"),
    (Role.CREDIT_ADMIN, "/work/", "工作台"),
    (Role.ASSESSOR, "/work/", "工作台"),
    (Role.INTAKE_OPERATOR, "/work/cases/new/", "登记线索"),
    (Role.HR_ADMIN, "/work/sanctions/", "待执行处分"),
    (Role.SYSTEM_ADMIN, "/work/system/", "系统配置与运行状态"),
    (Role.UNIT_LIAISON, "/unit/", "单位工作台"),
    (Role.UNIT_HEAD, "/unit/", "单位工作台"),
    (Role.CIVIL_SERVANT, "/me/", "我的诚信档案"),
]


def user_with(role: str, unit=None, **kwargs):
    unit = unit or OrganisationFactory(name="东莞市甲局")
    person = PersonFactory(unit=unit, name="李伟强") if role == Role.CIVIL_SERVANT else None
    return UserFactory(organisation=unit, person=person, roles=[role], **kwargs)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def h1(response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", text(response), re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def nav_links(response) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', text(response), re.S).group()
    return re.findall(r'href="([^"]+)"', nav)


# ── where sign-in lands ──────────────────────────────────────────────────────────


@pytest.mark.parametrize(("role", "where", "heading"), LANDINGS)
def test_sign_in_lands_each_role_on_its_own_work(role, where, heading):
    user = user_with(role)
    client = Client()
    signed = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert signed.status_code == 302
    landing = client.get(signed["Location"], follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] == where
    assert h1(landing).startswith(heading)


def test_a_superuser_lands_on_the_dashboard_and_sees_the_system_page_in_the_navigation():
    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.save()
    landing = signed_in(admin).get(reverse("work-start"), follow=True)
    assert landing.redirect_chain[-1][0] == "/work/"
    assert "/work/system/" in nav_links(landing)


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.INTAKE_OPERATOR, ["/work/cases/new/", "/work/cases/"], ["/work/", "/inbox/", "/admin/"]),
        (Role.OFFICER, ["/work/", "/work/cases/new/", "/work/cases/", "/inbox/"], ["/work/approvals/"]),
        (Role.APPROVER, ["/work/", "/work/approvals/", "/inbox/"], ["/work/cases/new/"]),
        (Role.HR_ADMIN, ["/work/sanctions/", "/inbox/"], ["/work/", "/work/cases/new/"]),
        (Role.SYSTEM_ADMIN, ["/work/system/"], ["/work/", "/inbox/", "/work/cases/new/"]),
        (Role.UNIT_LIAISON, ["/unit/", "/inbox/"], ["/work/", "/work/system/", "/admin/"]),
    ],
)
def test_the_navigation_shows_each_role_its_pages(role, shown, hidden):
    links = nav_links(signed_in(user_with(role)).get("/"))
    for link in shown:
        assert link in links, link
    for link in hidden:
        assert link not in links, link


def test_the_intake_operators_home_page_leads_to_lead_registration():
    html = text(signed_in(user_with(Role.INTAKE_OPERATOR)).get("/"))
    entries = re.search(r'<div class="entries">.*?</div>', html, re.S).group()
    assert 'href="/work/cases/new/"' in entries and 'href="/inbox/"' not in entries
    assert 'href="/admin/"' not in html  # not a configuration role


@pytest.mark.parametrize(
    ("role", "button"), [(Role.OFFICER, True), (Role.APPROVER, False), (Role.ASSESSOR, False)]
)
def test_the_register_button_is_on_the_dashboard_and_the_case_list_for_the_registrars(role, button):
    client = signed_in(user_with(role))
    for page in ("/work/", "/work/cases/"):
        head = re.search(r'<div class="page-head">.*?</div>', text(client.get(page)), re.S).group()
        assert ('href="/work/cases/new/"' in head) is button, page


def test_the_intake_operator_lists_the_leads_they_registered():
    intake = user_with(Role.INTAKE_OPERATOR)
    client = signed_in(intake)
    page = client.get("/work/cases/")
    assert page.status_code == 200
    assert '<div class="page-head">' in text(page) and 'href="/work/cases/new/"' in text(page)


# ── a page of another role: the Chinese 403 page ─────────────────────────────────


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.OFFICER, "/unit/"),
        (Role.OFFICER, "/me/"),
        (Role.OFFICER, "/work/sanctions/"),
        (Role.OFFICER, "/work/system/"),
        (Role.APPROVER, "/work/cases/new/"),
        (Role.UNIT_LIAISON, "/work/cases/"),
        (Role.UNIT_LIAISON, "/work/approvals/"),
        (Role.UNIT_LIAISON, "/work/cases/new/"),
        (Role.UNIT_LIAISON, "/me/honours/"),
        (Role.CIVIL_SERVANT, "/unit/"),
        (Role.INTAKE_OPERATOR, "/work/approvals/"),
        (Role.HR_ADMIN, "/unit/"),
        (Role.SYSTEM_ADMIN, "/work/cases/"),
    ],
)
def test_another_roles_page_is_a_chinese_403_with_a_way_back(role, path):
    user = user_with(role)
    client = signed_in(user)
    start = client.get(reverse("work-start"))["Location"]
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 403
    assert "无权访问此页面" in text(page) and "此页面属于其他岗位" in text(page)
    assert f'href="{start}"' in text(page) and "返回我的工作页面" in text(page)
    assert '<nav class="site-nav"' in text(page)  # the site's own layout


def test_the_403_page_is_shown_with_debug_on_too(settings):
    """`make run` serves with DEBUG=True, where an Http404 would be Django's technical page."""
    settings.DEBUG = True
    page = signed_in(user_with(Role.OFFICER)).get("/unit/")
    assert page.status_code == 403 and "无权访问此页面" in text(page)


def test_anonymous_users_are_still_sent_to_sign_in():
    for path in ("/unit/", "/me/", "/work/", "/work/cases/new/", "/work/approvals/", "/work/system/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_an_unknown_url_is_the_chinese_404_page():
    page = signed_in(user_with(Role.OFFICER)).get("/work/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in text(page) and 'href="/work/"' in text(page)


@pytest.mark.parametrize("path", ["/work/no-such-page/", "/work/cases/987654321/"])
def test_the_404_page_is_chinese_with_debug_on_too(settings, path):
    """Not Django's technical page in `make run`: an unknown URL, a hidden or missing case."""
    settings.DEBUG = True
    page = signed_in(user_with(Role.OFFICER)).get(path)
    assert page.status_code == 404 and "页面不存在" in text(page)
    assert "Page not found" not in text(page) and "URLconf" not in text(page)
    api_page = api(user_with(Role.OFFICER)).get("/api/records/987654321/")
    assert api_page.status_code == 404 and api_page["Content-Type"].startswith("application/json")


# ── the admin site: configuration roles only ─────────────────────────────────────


@pytest.mark.parametrize("role", [Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.OFFICER, Role.HR_ADMIN])
def test_only_configuration_roles_enter_the_admin(role):
    client = signed_in(user_with(role, is_staff=True))
    for path in ("/admin/", "/admin/casework/record/", "/admin/login/"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "无权访问此页面" in text(page)


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.CREDIT_ADMIN])
def test_the_configuration_roles_enter_the_admin(role):
    assert signed_in(user_with(role, is_staff=True)).get("/admin/").status_code == 200


def test_anonymous_visitors_reach_the_admins_sign_in():
    response = Client().get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# ── the approver's 待核准 queue ───────────────────────────────────────────────────


@pytest.fixture
def queue(fixed_today, officer, approver, unit):
    """A proposal waiting for approval; two approved ones whose 事前告知书 (N1) the system
    drafted and an officer completed: one by `officer`, one by `dual`, an officer who is also
    an approver and so may not approve it (拟稿人不能核准自己起草的文书); and a system draft
    still missing its 证据摘要, which waits for an officer, not for the approver."""
    notice_cases.make_issuer()
    waiting = lifecycle.proposed(officer=officer, organisation=unit, content="甲局拖欠工程款。")
    dual = UserFactory(username="dual", roles=[Role.OFFICER, Role.APPROVER])
    completed = {}
    for who, content in ((officer, "甲局未兑现奖励。"), (dual, "甲局未履行承诺。")):
        record = approve_proposal(
            approver, lifecycle.proposed(officer=officer, organisation=unit, content=content)
        )
        notice = Notice.objects.get(record=record, type_code="N1")
        fields = {k: v for k, v in notice_cases.complete("N1", record).items() if k not in FIXED_FIELDS}
        completed[who] = notice_revise_draft(acting_user=who, notice_id=notice.pk, fields=fields)
    other = lifecycle.proposed(officer=officer, organisation=unit, content="甲局另案待核。")
    with transaction.atomic():
        incomplete = produce("N1", other, data={"evidence": ""})
    return {
        "waiting": waiting,
        "by_officer": completed[officer],
        "by_dual": completed[dual],
        "incomplete": incomplete,
        "other": other,
        "dual": dual,
    }


def approve_proposal(approver, record):
    """批准拟认定 through the service, which drafts the 事前告知书 (N1) and serves nothing."""
    return svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)


def section(html: str, heading_id: str) -> str:
    return re.search(rf'id="{heading_id}".*?</section>', html, re.S).group()


def notice_link(notice) -> str:
    return reverse("notice-page", args=[notice.pk])


def test_the_approvers_queue_lists_what_waits_for_them_and_the_dashboard_counts_it(queue, approver):
    client = signed_in(approver)
    page = client.get("/work/approvals/")
    html = text(page)
    assert page.status_code == 200
    ready = section(html, "drafts-title")
    assert "可核准的文书（2 份）" in ready
    assert notice_link(queue["by_officer"]) in ready and notice_link(queue["by_dual"]) in ready
    waiting_for_officer = section(html, "incomplete-title")
    assert notice_link(queue["incomplete"]) in waiting_for_officer and "证据摘要" in waiting_for_officer
    assert "系统生成" in waiting_for_officer
    proposals = section(html, "proposals-title")
    assert "拟认定（2 件）" in proposals  # the one waiting, and the one whose draft is incomplete
    assert queue["waiting"].reference in proposals and queue["other"].reference in proposals

    dashboard = text(client.get("/work/"))
    card = re.search(r'<a class="count[^"]*" href="/work/approvals/">.*?</a>', dashboard, re.S).group()
    assert '<span class="number">4</span>' in card  # what the approver can act on now
    assert "文书 2 份，拟认定 2 件；另有 1 份草稿待完善" in card


def test_an_approvers_own_draft_is_not_in_their_queue(queue):
    client = signed_in(queue["dual"])
    ready = section(text(client.get("/work/approvals/")), "drafts-title")
    assert notice_link(queue["by_officer"]) in ready and notice_link(queue["by_dual"]) not in ready
    assert "文书 1 份，拟认定 2 件" in text(client.get("/work/"))


def test_a_conflict_of_interest_hides_the_unit_from_another_approvers_queue(queue, unit):
    other = UserFactory(roles=[Role.APPROVER])
    ConflictDeclaration.objects.create(user=other, organisation=unit, reason="配偶在该单位任职")
    page = text(signed_in(other).get("/work/approvals/"))
    assert queue["waiting"].reference not in page and queue["by_officer"].record.reference not in page
    assert "目前没有等待您核准的文书。" in page


def test_an_officer_has_no_approval_queue(queue, officer):
    assert signed_in(officer).get("/work/approvals/").status_code == 403
    assert "/work/approvals/" not in text(signed_in(officer).get("/work/"))


# ── HR: sanctions to execute, appeals ───────────────────────────────────────────


def test_hr_sees_the_served_sanctions_to_execute_with_the_step_to_take(settings, officer, approver, unit):
    settings.CHENGXIN_TODAY = "2026-02-10"
    person = PersonFactory(unit=unit, name="王五")
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    case = accountability_steps.served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        decisions=[accountability_steps.decision(person)],
        decided_on=dt.date(2026, 2, 3),
        served_on=dt.date(2026, 2, 4),
    )
    hr = user_with(Role.HR_ADMIN)
    html = text(signed_in(hr).get("/work/sanctions/"))
    rows = re.search(r'id="execute-title".*?</section>', html, re.S).group()
    assert "王五" in rows and "警告" in rows
    execute = reverse("case-action", kwargs={"kind": "accountability", "pk": case.pk, "step": "execute"})
    assert execute in rows
    assert signed_in(hr).get(execute).status_code == 200


# ── the system administrator's page ─────────────────────────────────────────────


def test_the_system_page_checks_the_system_and_links_the_configuration():
    page = signed_in(user_with(Role.SYSTEM_ADMIN, is_staff=True)).get("/work/system/")
    html = text(page)
    assert page.status_code == 200
    health = re.search(r'<table class="health">.*?</table>', html, re.S).group()
    for check in ("数据库", "任务队列", "定时清扫", "文书 PDF", "审计链"):
        assert check in health, check
    database = re.search(r"<th[^>]*>数据库</th>\s*<td[^>]*>(.*?)</td>", health, re.S).group(1)
    assert database == "正常"
    for model in ("casework/calendaryear", "notices/issuer", "casework/measure", "casework/user"):
        assert f'href="/admin/{model}/"' in html, model


def test_the_system_page_flags_an_issued_notice_without_its_pdf(fixed_today, officer, approver, unit):
    notice_cases.make_issuer()
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    notice = notice_cases.draft(officer=officer, record=record, type_code="N8")
    notice_services.notice_approve(acting_user=approver, notice_id=notice.pk)
    notice_services.notice_issue(acting_user=officer, notice_id=notice.pk)  # its rendering never ran
    html = text(signed_in(user_with(Role.SYSTEM_ADMIN, is_staff=True)).get("/work/system/"))
    assert "1 份已签发文书尚未生成 PDF。" in html


# ── a liaison's inbox and the unit's portal: one source ──────────────────────────


def test_a_liaison_sees_the_defence_owed_in_the_inbox_and_on_the_unit_page(
    settings, officer, approver, unit, liaison
):
    notice_cases.make_issuer()
    # The 事前告知书 served on 01-05: the five-working-day defence window runs to 01-12.
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, content="甲局拖欠工程款。"
    )
    settings.CHENGXIN_TODAY = "2026-01-09"
    client = signed_in(liaison)

    unit_page = text(client.get("/unit/"))
    answers = re.search(r'id="answers-title".*?</section>', unit_page, re.S).group()
    assert record.reference in answers and "陈述申辩" in answers and "2026-01-12" in answers

    inbox = text(client.get("/inbox/"))
    owed = re.search(r'id="owed-title".*?</section>', inbox, re.S).group()
    assert record.reference in owed and "陈述申辩" in owed and "2026-01-12" in owed
    assert "本单位应办事项（1 项）" in owed


def test_another_units_liaison_sees_nothing_of_it(fixed_today, officer, approver, unit, other_liaison):
    notice_cases.make_issuer()
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    inbox = text(signed_in(other_liaison).get("/inbox/"))
    assert record.reference not in inbox and 'id="owed-title"' not in inbox


# ── the search boxes' endpoints ─────────────────────────────────────────────────


@pytest.fixture
def people(unit, other_unit):
    return {
        "own": PersonFactory(unit=unit, name="陈晓明", post="科长"),
        "theirs": PersonFactory(unit=other_unit, name="陈晓东"),
    }


def found(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_a_liaison_finds_only_the_people_of_their_own_unit(people, liaison):
    response = api(liaison).get("/api/lookup/people/", {"q": "陈晓"})
    assert found(response) == ["陈晓明"]
    row = response.json()["results"][0]
    assert row["label"] == "陈晓明（东莞市甲局，科长）" and row["id_number_tail"] is None
    assert people["own"].id_number not in response.content.decode()
    assert people["own"].id_number[-4:] not in response.content.decode()


def test_an_officer_finds_everyone_by_name_and_reads_only_the_id_numbers_last_four(people, officer):
    response = api(officer).get("/api/lookup/people/", {"q": "陈晓"})
    assert found(response) == ["陈晓东", "陈晓明"]
    body = response.content.decode()
    assert people["own"].id_number not in body and people["theirs"].id_number not in body
    tails = {row["name"]: row["id_number_tail"] for row in response.json()["results"]}
    assert tails["陈晓明"] == people["own"].id_number[-4:]
    by_tail = api(officer).get("/api/lookup/people/", {"q": people["own"].id_number[-4:]})
    assert "陈晓明" in found(by_tail)


def test_the_intake_operator_finds_everyone_by_name_but_not_by_id_number(people):
    intake = user_with(Role.INTAKE_OPERATOR)
    response = api(intake).get("/api/lookup/people/", {"q": "陈晓"})
    assert found(response) == ["陈晓东", "陈晓明"]
    assert all(row["id_number_tail"] is None for row in response.json()["results"])
    assert found(api(intake).get("/api/lookup/people/", {"q": people["own"].id_number[-4:]})) == []


def test_a_civil_servant_finds_only_themselves(people, civil_servant):
    assert found(api(civil_servant).get("/api/lookup/people/", {"q": "陈晓"})) == []
    assert found(api(civil_servant).get("/api/lookup/people/", {"q": "张"})) == ["张三"]


def test_a_search_answers_twenty_at_most_and_nothing_without_text(unit, officer):
    for n in range(25):
        PersonFactory(unit=unit, name=f"黄{n:02d}")
    client = api(officer)
    page = client.get("/api/lookup/people/", {"q": "黄", "page_size": 100}).json()
    assert page["count"] == 25 and len(page["results"]) == 20 and page["next"]
    assert client.get("/api/lookup/people/", {"q": "黄", "page": 2}).json()["results"][-1]["name"] == "黄24"
    assert client.get("/api/lookup/people/", {"q": "  "}).json()["count"] == 0
    assert client.get("/api/lookup/people/", {"q": "黄", "unit": unit.pk + 1000}).json()["count"] == 0


@pytest.mark.parametrize("unit_param", ["abc", "99999999999999999999", "0"])
def test_a_malformed_unit_is_a_400_in_json(officer, unit_param):
    response = api(officer).get("/api/lookup/people/", {"q": "黄", "unit": unit_param})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_organisations_are_found_by_name_short_name_or_former_name(liaison):
    OrganisationFactory(name="东莞市交通运输局", short_name="交通局")
    OrganisationFactory(name="东莞市住房和城乡建设局", short_name="住建局")
    client = api(liaison)
    assert found(client.get("/api/lookup/organisations/", {"q": "交通"})) == ["东莞市交通运输局"]
    assert found(client.get("/api/lookup/organisations/", {"q": "住建"})) == ["东莞市住房和城乡建设局"]


def test_the_search_endpoints_need_a_signed_in_user(people):
    for path in ("/api/lookup/people/", "/api/lookup/organisations/"):
        assert api().get(path, {"q": "陈"}).status_code in (401, 403)


def test_the_search_endpoints_are_in_the_schema():
    schema = api(UserFactory(roles=[Role.OFFICER])).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/lookup/people/", "/api/lookup/organisations/"):
        parameters = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"q", "page", "page_size"} <= parameters, path
    tail = schema["components"]["schemas"]["PersonChoice"]["properties"]["id_number_tail"]
    assert tail.get("nullable") is True


# ── registering a lead by searching for the subject (without script) ─────────────


def test_the_intake_operator_registers_a_lead_by_searching_for_the_person(fixed_today, people):
    intake = user_with(Role.INTAKE_OPERATOR)
    client = signed_in(intake)
    form = text(client.get("/work/cases/new/"))
    assert (
        'name="subject_person__q"' in form
        and "<option" not in form.split('name="subject_person__q"')[1][:300]
    )

    lead = {"source": "HOTLINE", "lead_content": "群众来电反映拖欠工程款。", "received_on": "2026-01-30"}
    searched = text(
        client.post("/work/cases/new/", {**lead, "subject_person__q": "晓明", "_lookup": "subject_person"})
    )
    assert not Record.objects.exists()
    choice = re.search(r'<input type="radio" name="subject_person" value="(\d+)"', searched)
    assert choice and choice.group(1) == str(people["own"].pk)
    assert "陈晓明（东莞市甲局，科长）" in searched and "群众来电反映拖欠工程款。" in searched  # nothing lost

    done = client.post(
        "/work/cases/new/", {**lead, "subject_person__q": "晓明", "subject_person": choice.group(1)}
    )
    record = Record.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("case-detail", args=[record.pk])
    assert (record.subject_person, record.created_by, record.state) == (
        people["own"],
        intake,
        RecordState.LEAD,
    )
