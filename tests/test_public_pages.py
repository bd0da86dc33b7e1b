"""The public disclosure pages (信用东莞 style; DOMAIN §6.6, scenarios 4 and 30), no browser:
only disclosed records, the objection label, search by unit name, 404 for what is not public,
never an ID-card number, and the English switch."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import Client

from casework.errors import DomainError
from casework.models import OrganisationName, Record
from casework.services.records import decided
from portal.public import scrub

from . import lifecycle
from .factories import OrganisationFactory, PersonFactory
from .objection_steps import accepted
from .personal_data import id_numbers_in

pytestmark = pytest.mark.django_db


def assert_no_id_number(html: str, *people) -> None:
    assert id_numbers_in(html, *people) == []


@pytest.fixture
def disclosed(fixed_today, commission, officer, approver, unit):
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


@pytest.fixture
def undisclosed(fixed_today, commission, officer, approver, other_unit):
    """Determined but not yet served: not on display."""
    return lifecycle.determined(
        officer=officer, approver=approver, organisation=other_unit, content="乙局未按期兑现奖补资金。"
    )


def person_record(officer, approver, unit, category):
    person = PersonFactory(unit=unit, name="李四")
    record = lifecycle.effective(officer=officer, approver=approver, person=person, category=category)
    return person, record


def page(url: str, **params) -> str:
    response = Client().get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_a_disclosed_organisation_record_with_its_public_fields(disclosed, unit, commission):
    """DOMAIN §6.6: subject name and code, category, facts, basis, determining unit,
    determination date, tier and disclosure end; no login needed."""
    html = page("/public/records/")
    for shown in (
        unit.name,
        unit.credit_code,
        "未守信践诺",
        "拖欠中小企业账款",
        "《保障中小企业款项支付条例》第九条",
        commission.name,
        "2026-01-15",
        "一般",
        "2027-01-15",
        f"/public/records/{disclosed.reference}/",
    ):
        assert shown in html
    assert "异议处理中" not in html


def test_the_list_leaves_out_what_is_not_on_display(disclosed, undisclosed, officer, approver, other_unit):
    """Not yet served, minor tier without the must-disclose flag: neither is shown."""
    minor = lifecycle.effective(
        officer=officer, approver=approver, organisation=other_unit, tier="MINOR", content="网上办理超时。"
    )
    assert not minor.public
    html = page("/public/records/")
    assert disclosed.reference in html
    assert undisclosed.reference not in html and minor.reference not in html
    assert other_unit.name not in html


def test_an_accepted_objection_labels_the_record_and_it_stays_on_display(disclosed, officer, liaison):
    """Scenario 4: on acceptance the public page shows "异议处理中" the same day."""
    accepted(subject=liaison, officer=officer, record=disclosed)
    listing = page("/public/records/")
    assert disclosed.reference in listing and "异议处理中" in listing
    assert "异议处理中" in page(f"/public/records/{disclosed.reference}/")


def test_search_finds_records_by_current_short_or_earlier_unit_name(
    fixed_today, commission, officer, approver, unit, other_unit
):
    mine = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    theirs = lifecycle.effective(
        officer=officer, approver=approver, organisation=other_unit, content="乙局拖欠工程款。"
    )
    OrganisationName.objects.create(
        organisation=unit, name="东莞市旧甲办", valid_from=dt.date(2010, 1, 1), valid_to=dt.date(2019, 3, 1)
    )
    for text in ("甲局", "旧甲办"):
        html = page("/public/records/", q=text)
        assert mine.reference in html and theirs.reference not in html
    both = page("/public/records/", q="东莞市")
    assert mine.reference in both and theirs.reference in both
    assert "没有符合条件的公示记录" in page("/public/records/", q="不存在的单位")


def test_the_list_is_paginated(fixed_today, commission, officer, approver):
    records = [
        lifecycle.effective(
            officer=officer, approver=approver, organisation=OrganisationFactory(), content=f"拖欠账款{n}。"
        )
        for n in range(21)
    ]
    first = page("/public/records/")
    following = re.search(r'<a href="\?([^"]+)" rel="next">', first).group(1)
    second = page(f"/public/records/?{unescape(following)}")
    assert first.count('class="record"') == 20 and second.count('class="record"') == 1
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert all(r.reference in first + second for r in records)


def test_a_record_not_on_display_is_not_found(disclosed, undisclosed):
    client = Client()
    assert client.get(f"/public/records/{disclosed.reference}/").status_code == 200
    for reference in (undisclosed.reference, "ZWSX-2026-999999"):
        response = client.get(f"/public/records/{reference}/")
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()  # the site's 404 page, not a bare one


def test_a_revoked_record_leaves_the_public_pages(disclosed, approver):
    decided.record_revoke(
        acting_user=approver, record_id=disclosed.pk, reason="法院撤销原判决", document="（2026）粤19民再1号"
    )
    assert disclosed.reference not in page("/public/records/")
    assert Client().get(f"/public/records/{disclosed.reference}/").status_code == 404


def test_person_records_are_public_only_for_configured_categories_and_never_with_an_id_number(
    fixed_today, commission, officer, approver, unit, settings
):
    """Scenario 30: a 问责决定 (ACC, configured public) shows name, unit and the decision; a
    纪律处分 (DIS) record is not public; no ID number, full or masked, on any public page."""
    assert settings.CHENGXIN["PUBLIC_PERSON_CATEGORIES"] == ["ACC"]
    shown_person, shown = person_record(officer, approver, unit, "ACC")
    hidden_person, hidden = person_record(officer, approver, unit, "DIS")
    listing, detail = page("/public/records/"), page(f"/public/records/{shown.reference}/")
    assert shown.reference in listing and hidden.reference not in listing
    for html in (listing, detail):
        assert "李四" in html and unit.name in html and "问责处理" in html
        assert "科员" not in html  # the post is not part of the public decision
        assert "拖欠中小企业账款" not in html  # facts of a person record stay internal
        assert_no_id_number(html, shown_person, hidden_person)
    assert Client().get(f"/public/records/{hidden.reference}/").status_code == 404


def test_a_person_record_leaves_the_pages_when_its_category_is_no_longer_public(
    fixed_today, commission, officer, approver, unit, settings
):
    _, record = person_record(officer, approver, unit, "ACC")
    settings.CHENGXIN = {**settings.CHENGXIN, "PUBLIC_PERSON_CATEGORIES": []}
    assert record.reference not in page("/public/records/")
    assert Client().get(f"/public/records/{record.reference}/").status_code == 404


def test_an_id_number_typed_into_the_facts_is_refused_and_one_stored_before_is_scrubbed(
    disclosed, approver, civil_servant
):
    typed = f"经办人身份证号 {civil_servant.person.id_number}，另见 {civil_servant.person.masked_id_number}。"
    changes = {"facts": typed, "legal_basis": f"依据…{civil_servant.person.id_number}"}
    with pytest.raises(DomainError, match="失信事实中含有疑似身份证号码"):
        decided.record_amend(acting_user=approver, record_id=disclosed.pk, changes=changes, reason="补充")
    # Text stored before the services refused it (tests/test_sec_pii.py for every spelling).
    Record.objects.filter(pk=disclosed.pk).update(**changes)
    for html in (page("/public/records/"), page(f"/public/records/{disclosed.reference}/")):
        assert "经办人身份证号" in html and "身份证号码已隐去" in html
        assert_no_id_number(html, civil_servant.person)


@pytest.mark.parametrize(
    "text",
    ["441900199001011234", "44190019900101123X", "441900900101123", "4419**********1234", "44********34"],
)
def test_scrub_hides_full_old_and_masked_id_numbers(text):
    assert scrub(f"号码{text}。") == "号码［身份证号码已隐去］。"


def test_scrub_keeps_credit_codes_amounts_and_dates():
    text = "统一社会信用代码 11441900007030838X，金额 1200000 元，2026-01-15。"
    assert scrub(text) == text


def test_the_english_switch_changes_the_language_of_the_pages(disclosed, unit):
    client = Client()
    chinese = client.get("/public/records/").content.decode()
    assert 'lang="zh-Hans"' in chinese and "政务失信信息公示" in chinese
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/public/records/"})
    assert switched.status_code == 302 and switched.url == "/public/records/"
    english = client.get("/public/records/").content.decode()
    assert 'lang="en"' in english
    for shown in ("Public disclosure of integrity failures", "Unified social credit code", unit.name):
        assert shown in english
    assert "政务失信信息公示" not in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "政务失信信息公示" in client.get("/public/records/").content.decode()


def test_the_layout_serves_its_own_assets_and_labels_its_navigation(disclosed):
    html = page("/public/records/")
    assert 'href="/static/css/site.css"' in html and 'href="#main"' in html
    assert 'aria-label="主导航"' in html and 'action="/i18n/setlang/"' in html
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
