"""Paper filings in the subject's own lists: the officer records, through the case page's
forms, an objection and a repair application the commission received on paper; the filing
is stored with the officer as `filed_by` / `applicant`, yet it is the subject's. The civil
servant finds those about their own record on /me/, the unit's liaison those about the
unit's record on /unit/; neither sees the other's, nor does a colleague."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import Objection, RepairApplication
from casework.roles import Role

from .factories import PersonFactory, UserFactory
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

REASON = "2026年6月15日收到邮寄的异议书和信用修复申请书，当日系统维护未能录入。"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def rows(html: str) -> list[str]:
    """The text of each row of a table's body, tags and whitespace left out."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+|<[^>]+>", "", row) for row in re.findall(r"<tr>.*?</tr>", body, flags=re.S)]


@pytest.fixture
def colleague(unit):
    person = PersonFactory(unit=unit, name="李四")
    return UserFactory(username="colleague", person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])


@pytest.fixture
def paper_filed(settings, officer, approver, unit, civil_servant, colleague, head):
    """Effective records (determined 2026-01-15) of the civil servant, of a colleague and of
    the unit; on 2026-06-17 the officer records, on the case page, the civil servant's and the
    unit's paper objection received 06-15 and their paper repair application received 06-16."""
    determined = dt.date(2026, 1, 15)
    own = effective_record(
        settings, officer=officer, approver=approver, person=civil_servant.person, determined_on=determined
    )
    theirs = effective_record(
        settings, officer=officer, approver=approver, person=colleague.person, determined_on=determined
    )
    units = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=determined
    )
    set_today(settings, "2026-06-17")
    client = signed_in(officer)
    for record, signer in ((own, None), (units, head)):
        url = reverse("case-action", kwargs={"kind": "cases", "pk": record.pk, "step": "objection"})
        assert 'name="paper_filing_reason"' in client.get(url).content.decode()
        form = {
            "ground": "CONDITIONS",
            "statement": "所列欠款已于判决前结清，认定事实有误（纸质异议书）。",
            "received_on": "2026-06-15",
            "paper_filing_reason": REASON,
        }
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:3000]

        url = reverse("case-action", kwargs={"kind": "cases", "pk": record.pk, "step": "repair"})
        form = {
            "commitment": "本人（本单位）承诺：已纠正失信行为，今后依法依规履约践诺。",
            "received_on": "2026-06-16",
            "paper_filing_reason": REASON,
        }
        if signer is not None:
            form["commitment_signed_by"] = signer.pk
        response = client.post(url, form)
        assert response.status_code == 302, response.content.decode()[:3000]
    # Stored as the officer typed them in: the lists must not go by who that was.
    assert set(Objection.objects.values_list("record", "filed_by")) == {
        (own.pk, officer.pk),
        (units.pk, officer.pk),
    }
    assert set(RepairApplication.objects.values_list("record", "applicant")) == {
        (own.pk, officer.pk),
        (units.pk, officer.pk),
    }
    return {"own": own, "theirs": theirs, "units": units}


def test_the_civil_servant_finds_the_paper_objection_and_repair_application_on_me(civil_servant, paper_filed):
    html = signed_in(civil_servant).get("/me/").content.decode()
    filed = rows(section(html, 'id="filed-heading"', "</table>"))
    reference = paper_filed["own"].reference
    # Kind, record, the day received on paper, state, outcome; nothing of the unit's record.
    assert filed == [
        f"异议（不符合列入条件或应当移出）{reference}2026-06-15已提交—",
        f"信用修复申请{reference}2026-06-16已受理—",
    ]
    assert paper_filed["units"].reference not in html


def test_the_liaison_finds_the_units_paper_objection_and_repair_application_on_unit(liaison, paper_filed):
    html = signed_in(liaison).get("/unit/").content.decode()
    filed = rows(section(html, 'id="filed-title"', "</table>"))
    reference = paper_filed["units"].reference
    # Kind, record, the day received on paper, state, and the commission's limit counted
    # from that day; nothing of the civil servant's own record.
    assert filed == [
        f"异议{reference}2026-06-15已提交2026-06-17",
        f"信用修复申请{reference}2026-06-16已受理2026-06-23",
    ]
    assert paper_filed["own"].reference not in html


def test_a_colleague_sees_none_of_the_paper_filings(colleague, paper_filed):
    """Visibility still holds: the colleague's own record has no filings, the others' are not theirs."""
    html = signed_in(colleague).get("/me/").content.decode()
    assert "您还没有提交过" in html
    for name in ("own", "units"):
        assert paper_filed[name].reference not in html
