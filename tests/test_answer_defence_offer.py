"""答复陈述申辩 is offered only when there is a statement and defence to answer.

One guard (casework.services.records.answer_defence_refusal) decides for the service, which
refuses the step with its reason, and for the case page, which offers the step only when the
guard lets it through: a proposal the subject never answered has no 答复陈述申辩 link (its
button is greyed out with the guard's reason), its form says why, and the API refuses it
naming the missing statement; once the subject's defence has sent the record back to 拟认定,
the officer is offered the step and answers."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.models import AuditEntry, Record

from . import lifecycle
from .api_fixtures import api

pytestmark = pytest.mark.django_db

REPLY = "经核，付款凭证所载日期晚于合同约定期限，申辩理由不予采纳。"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def answer_url(record) -> str:
    return reverse("case-action", kwargs={"kind": "cases", "pk": record.pk, "step": "answer-defence"})


def offered(user, record) -> list[str]:
    """The labels of the buttons under 现在可办理 on the case page."""
    html = signed_in(user).get(reverse("case-detail", args=[record.pk])).content.decode()
    start = html.index(">现在可办理</h2>")
    block = html[start : html.find("</section>", start)]
    return re.findall(r'class="button[^"]*" href="[^"]+">([^<]+)</a>', block)


@pytest.fixture
def undefended(officer, unit, fixed_today):
    """A proposal before any prior notice: the subject has said nothing yet."""
    return lifecycle.proposed(officer=officer, organisation=unit)


@pytest.fixture
def defended(settings, officer, approver, liaison, unit):
    """The prior notice served Mon 2026-01-05; the next day the liaison's statement and defence
    sends the record back to 拟认定 for the officer's answer."""
    settings.CHENGXIN_TODAY = "2026-01-06"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 1, 5)
    )
    response = api(liaison).post(
        f"/api/records/{record.pk}/submit-defence/", {"statement": "款项已于 1 月 3 日支付，附银行回单。"}
    )
    assert response.status_code == 200, response.content
    return Record.objects.get(pk=record.pk)


def test_a_proposal_without_a_defence_offers_no_answer_and_its_form_says_why(officer, undefended):
    labels = offered(officer, undefended)
    assert "修改拟认定" in labels  # the officer's other steps on a proposal stay
    assert "答复陈述申辩" not in labels
    page = signed_in(officer).get(reverse("case-detail", args=[undefended.pk])).content.decode()
    assert re.search(r"<button [^>]*disabled[^>]*>答复陈述申辩</button>", page)
    assert "该记录没有待答复的陈述申辩：当事人提交陈述申辩后才能答复。" in page

    client = signed_in(officer)
    html = client.get(answer_url(undefended)).content.decode()
    assert "该记录没有待答复的陈述申辩：当事人提交陈述申辩后才能答复。" in html
    assert 'name="reply"' not in html

    entries = AuditEntry.objects.count()
    response = client.post(answer_url(undefended), {"reply": REPLY}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("case-detail", args=[undefended.pk])
    assert "该记录没有待答复的陈述申辩" in response.content.decode()
    assert Record.objects.get(pk=undefended.pk).defence_reply == ""
    assert AuditEntry.objects.count() == entries


def test_the_api_refuses_to_answer_a_defence_nobody_made(officer, undefended):
    entries = AuditEntry.objects.count()
    response = api(officer).post(
        f"/api/records/{undefended.pk}/answer-defence/", {"reply": REPLY}, format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "no_defence" and body["field"] == "defence_statement", body
    assert body["detail"] == "该记录没有待答复的陈述申辩：当事人提交陈述申辩后才能答复。"
    assert Record.objects.get(pk=undefended.pk).defence_reply == ""
    assert AuditEntry.objects.count() == entries


def test_after_the_subjects_defence_the_officer_is_offered_the_answer_and_gives_it(
    officer, liaison, defended
):
    assert defended.state == "PROPOSED" and defended.defence_statement
    assert "答复陈述申辩" in offered(officer, defended)
    assert "答复陈述申辩" not in offered(liaison, defended)  # the officer's step only

    client = signed_in(officer)
    assert 'name="reply"' in client.get(answer_url(defended)).content.decode()
    response = client.post(answer_url(defended), {"reply": REPLY})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Record.objects.get(pk=defended.pk).defence_reply == REPLY
    assert AuditEntry.objects.filter(record=defended, action="answer_defence").count() == 1


def test_the_api_answers_a_defence_that_was_made(officer, defended):
    response = api(officer).post(
        f"/api/records/{defended.pk}/answer-defence/", {"reply": REPLY}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["defence_reply"] == REPLY
