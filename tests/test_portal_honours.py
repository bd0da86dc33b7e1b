"""The honours eligibility query page (评优评先查询, DOMAIN §9.7; scenarios 19 and 31): only
authorised staff (R1–R4) find it; the subject is found by a search within the user's scope
(names; ID-number tails only for the roles that may read ID numbers) and chosen by its row's
button; each query goes through the service, which logs it once with who asked and why; bad
input is answered in Chinese next to the field, logging nothing."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import AuditEntry, HonourQuery
from casework.roles import Role
from portal.personal import reads

from .accountability_steps import set_today
from .factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/me/honours/"
PURPOSE = "2026 年度优秀公务员评选"


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verdict(html: str) -> str:
    return html.split('id="result-heading">', 1)[1].split("</h2>", 1)[0]


def ask(user, **data):
    return client_of(user).post(URL, data, follow=True)


def search(user, text: str):
    return client_of(user).get(URL, {"q": text})


def buttons(html: str, name: str) -> list[str]:
    """The values of the subject buttons named `name` ("person" or "organisation")."""
    return [part.split('"', 1)[0] for part in html.split(f'name="{name}" value="')[1:]]


def error_next_to(html: str, field: str) -> str:
    """The error shown under the field `field` (see portal/personal/_field.html)."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error under {field}"
    return html.split(marker, 1)[1].split(">", 1)[1].split("</span>", 1)[0]


@pytest.mark.parametrize("role", [Role.CIVIL_SERVANT, Role.UNIT_LIAISON, Role.ASSESSOR, Role.INTAKE_OPERATOR])
def test_anyone_outside_the_authorised_staff_gets_403_and_nothing_is_logged(role, unit, person):
    """R1–R4 only (casework.services.honours.HONOURS_ROLES): the assessors read results, they
    do not query eligibility."""
    client = client_of(UserFactory(organisation=unit, roles=[role]))
    assert client.get(URL).status_code == 403
    searched = client.get(URL, {"q": person.name})
    assert searched.status_code == 403 and person.name not in searched.content.decode()
    response = client.post(URL, {"person": person.pk, "purpose": PURPOSE})
    assert response.status_code == 403
    assert HonourQuery.objects.count() == 0


def test_anonymous_is_asked_to_sign_in(db):
    response = Client().get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("role", [Role.HR_ADMIN, Role.OFFICER, Role.APPROVER, Role.CREDIT_ADMIN])
def test_authorised_staff_see_the_form(role, fixed_today):
    html = client_of(UserFactory(roles=[role])).get(URL).content.decode()
    assert "评优评先资格查询" in html and 'name="q"' in html
    assert 'name="purpose"' not in html  # asked for once there is someone to query


def test_a_query_is_logged_once_and_its_result_shown_with_reasons(settings, hr, person, warned):
    set_today(settings, "2026-09-30")
    audit_before = AuditEntry.objects.filter(action="honours.check").count()

    response = ask(hr, person=person.pk, purpose=PURPOSE)

    assert response.status_code == 200
    query = HonourQuery.objects.get()
    assert (query.requester, query.person, query.purpose) == (hr, person, PURPOSE)
    assert query.on_date == dt.date(2026, 9, 30) and not query.eligible
    assert AuditEntry.objects.filter(action="honours.check").count() == audit_before + 1
    html = response.content.decode()
    assert verdict(html) == "不符合评优评先条件"
    assert "处于警告处分期内（2026-03-31 至 2026-09-30）" in html
    assert response.redirect_chain == [(f"{URL}?query={query.pk}", 302)]


def test_reloading_the_result_does_not_query_again(settings, hr, person, warned):
    set_today(settings, "2026-10-01")
    result_url = ask(hr, person=person.pk, purpose=PURPOSE).redirect_chain[-1][0]
    html = client_of(hr).get(result_url).content.decode()
    assert verdict(html) == "符合评优评先条件"  # scenario 19: the day after the period
    assert HonourQuery.objects.count() == 1


def test_an_organisation_can_be_queried_on_a_chosen_date(hr, unit, warned):
    response = ask(hr, organisation=unit.pk, purpose="文明单位评选", on="2026-02-02")
    query = HonourQuery.objects.get()
    assert query.organisation == unit and query.on_date == dt.date(2026, 2, 2)
    assert f"存在生效的政务失信记录 {warned.reference}" in response.content.decode()


def test_a_missing_purpose_is_answered_next_to_the_field_and_nothing_is_logged(hr, person, fixed_today):
    response = client_of(hr).post(URL, {"person": person.pk, "purpose": "  ", "q": "张三"})
    assert response.status_code == 400
    html = response.content.decode()
    assert error_next_to(html, "purpose") == "请填写查询用途。"
    assert buttons(html, "person") == [str(person.pk)]  # the search is shown again
    assert 'name="q" value="张三"' in html
    assert HonourQuery.objects.count() == 0


def test_no_subject_or_two_subjects_is_answered_next_to_the_subject(hr, person, unit, fixed_today):
    for data in ({"purpose": PURPOSE}, {"person": person.pk, "organisation": unit.pk, "purpose": PURPOSE}):
        response = client_of(hr).post(URL, data)
        assert response.status_code == 400
        assert (
            error_next_to(response.content.decode(), "person") == "请指定查询对象：公务员或单位，二者选一。"
        )
    assert HonourQuery.objects.count() == 0


def test_a_bad_date_or_unknown_person_is_answered_next_to_the_field(hr, person, fixed_today):
    html = client_of(hr).post(URL, {"person": person.pk, "purpose": PURPOSE, "on": "2026-13-40"}).content
    assert error_next_to(html.decode(), "on") == "请输入有效日期，如 2026-09-30。"
    html = client_of(hr).post(URL, {"person": 987654, "purpose": PURPOSE}).content.decode()
    assert error_next_to(html, "person") == "所选公务员不存在。"
    assert HonourQuery.objects.count() == 0


def test_the_page_lists_the_users_own_recent_queries_only(hr, officer, person, unit, fixed_today):
    ask(hr, person=person.pk, purpose="人事处的查询")
    ask(officer, organisation=unit.pk, purpose="监委的查询")
    html = client_of(hr).get(URL).content.decode()
    recent = html.split('id="recent-heading"', 1)[1]
    assert "人事处的查询" in recent and person.name in recent
    assert "监委的查询" not in recent
    other = HonourQuery.objects.get(requester=officer)
    shown = client_of(hr).get(f"{URL}?query={other.pk}").content.decode()
    assert "监委的查询" not in shown  # another user's result is not shown by its id


def test_a_search_by_name_lists_the_matching_people_with_unit_and_post(hr, person, other_unit, fixed_today):
    namesake = PersonFactory(name="张三丰", unit=other_unit, post="副科长")
    PersonFactory(name="李四", unit=other_unit)

    response = search(hr, "张三")
    assert response.status_code == 200
    html = response.content.decode()
    assert buttons(html, "person") == [str(person.pk), str(namesake.pk)]
    row = html.split(f'value="{namesake.pk}"', 1)[0].rsplit("<tr>", 1)[1]
    assert "张三丰" in row and "东莞市乙局" in row and "副科长" in row
    assert "李四" not in html
    assert buttons(search(hr, "张三丰").content.decode(), "person") == [str(namesake.pk)]
    html = search(hr, "王五").content.decode()
    assert buttons(html, "person") == [] and "没有找到与“王五”匹配的公务员或单位。" in html


def test_past_twenty_matches_the_user_is_asked_to_refine(hr, unit, fixed_today):
    PersonFactory.create_batch(reads.SEARCH_LIMIT, name="王小明", unit=unit)
    html = search(hr, "王小明").content.decode()
    assert len(buttons(html, "person")) == 20 and "请输入更完整的姓名缩小范围" not in html
    PersonFactory(name="王小明", unit=unit)
    html = search(hr, "王小明").content.decode()
    assert len(buttons(html, "person")) == 20
    assert "匹配的公务员超过 20 人，只列出前 20 人，请输入更完整的姓名缩小范围。" in html


def test_only_the_roles_that_read_id_numbers_find_people_by_them(hr, person, fixed_today):
    """settings.CHENGXIN["ID_NUMBER_ROLES"]: HR yes; the credit administrator neither finds a
    person by the ID number's tail nor sees any of it."""
    tail = person.id_number[-4:]
    html = search(hr, tail).content.decode()
    assert buttons(html, "person") == [str(person.pk)] and person.masked_id_number in html

    credit_admin = UserFactory(username="credit", roles=[Role.CREDIT_ADMIN])
    html = search(credit_admin, tail).content.decode()
    assert buttons(html, "person") == []
    html = search(credit_admin, "张三").content.decode()
    assert buttons(html, "person") == [str(person.pk)]
    assert person.id_number not in html and person.masked_id_number not in html


def test_the_search_is_scoped_to_the_people_the_user_may_see(liaison, other_liaison, person, fixed_today):
    """Every honours role sees every civil servant (casework.permissions.visible_people), so
    the page cannot show a narrower scope; the search reads person_list all the same, as a
    unit's liaison, outside the page's roles, shows: another unit's people are not found."""
    assert [p.pk for p in reads.honour_candidates(liaison, "张三").people] == [person.pk]
    assert reads.honour_candidates(other_liaison, "张三").people == []
    assert reads.honour_candidates(other_liaison, "  ") is None


def test_an_organisation_is_found_by_name_and_queried_from_its_row(hr, unit, fixed_today):
    OrganisationFactory(name="东莞市乙局")
    html = search(hr, "甲局").content.decode()
    assert buttons(html, "organisation") == [str(unit.pk)] and buttons(html, "person") == []
    response = ask(hr, organisation=unit.pk, purpose="文明单位评选", q="甲局")
    assert HonourQuery.objects.get().organisation == unit
    assert verdict(response.content.decode()) == "符合评优评先条件"


def test_a_search_too_long_is_answered_next_to_the_field(hr, fixed_today):
    response = search(hr, "张" * 51)
    assert response.status_code == 400
    assert error_next_to(response.content.decode(), "q") == "查找内容不能超过 50 字。"
