"""完善草稿 on the notice page (/work/notices/<pk>/revise/, portal.cases.notice_revise): the
officer fills in what the system left blank in a draft it made, through the same API view as
POST /api/notices/<pk>/revise/; approval then succeeds. Nobody else sees the form."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from casework.models import AuditEntry
from notices.models import Notice, NoticeState

from . import lifecycle
from .api_fixtures import api
from .notice_cases import issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

EVIDENCE = ["《政府采购合同》及验收报告", "供应商催款函及邮寄凭证"]


@pytest.fixture
def system_draft(officer, approver, unit) -> Notice:
    """The 事前告知书 the system drafts when the prior notice is approved, its 证据摘要 blank."""
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    return Notice.objects.get(record=record, type_code="N1", drafted_by__isnull=True)


def page(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def revise_url(notice) -> str:
    return reverse("notice-revise", args=[notice.pk])


def notice_url(notice) -> str:
    return reverse("notice-page", args=[notice.pk])


def revisions(notice) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Notice),
            object_id=str(notice.pk),
            action="notice.revise",
        )
    )


def test_the_notice_page_shows_what_is_missing_and_offers_the_officer_the_form(officer, system_draft):
    html = page(officer).get(notice_url(system_draft)).content.decode()
    assert "待补充" in html and "缺少“证据摘要”" in html
    assert f'href="{revise_url(system_draft)}">完善草稿</a>' in html

    form = page(officer).get(revise_url(system_draft)).content.decode()
    assert '<label for="f-data-evidence">证据摘要' in form
    assert 'name="data.evidence"' in form and "每行填写一项" in form
    # the entries the builder filled are there to correct, with their current text
    assert '<label for="f-data-facts">失信事实' in form
    assert "该单位在政府采购合同履约中拖欠中小企业账款。" in form
    assert 'name="data.issuer.name"' not in form  # the issuer's, never typed in
    assert 'name="data.measures"' not in form  # a list of records, not text
    assert '<label for="f-reason">修改说明' in form


def test_the_officer_completes_the_draft_and_the_approver_can_then_approve_it(
    officer, approver, system_draft
):
    refused = api(approver).post(f"/api/notices/{system_draft.pk}/approve/")
    assert refused.status_code == 400 and "缺少“证据摘要”" in refused.json()["detail"]
    facts = system_draft.data["facts"]

    # a real CSRF check: the page forwards its own token to the API view
    client = page(officer, enforce_csrf_checks=True)
    form = client.get(revise_url(system_draft))
    token = form.context["csrf_token"]
    response = client.post(
        revise_url(system_draft),
        {
            "csrfmiddlewaretoken": str(token),
            "data.evidence": "\r\n".join([EVIDENCE[0], "  ", EVIDENCE[1]]),
            "data.facts": facts,
            "reason": "补充证据摘要",
        },
        follow=True,
    )
    assert response.redirect_chain == [(notice_url(system_draft), 302)]
    html = response.content.decode()
    assert "已完善文书草稿。" in html and "待补充" not in html

    notice = Notice.objects.get(pk=system_draft.pk)
    assert notice.data["evidence"] == EVIDENCE and notice.data["facts"] == facts
    assert notice.drafted_by == officer and notice.state == NoticeState.DRAFT
    (entry,) = revisions(notice)
    assert entry.reason == "补充证据摘要" and set(entry.diff) == {"evidence", "drafted_by"}

    approved = page(approver).post(
        reverse("case-action", kwargs={"kind": "notices", "pk": notice.pk, "step": "approve"})
    )
    assert approved.status_code == 302
    assert Notice.objects.get(pk=notice.pk).state == NoticeState.APPROVED


def test_a_required_field_left_blank_is_refused_next_to_it_and_nothing_changes(officer, system_draft):
    before = Notice.objects.get(pk=system_draft.pk).data
    response = page(officer).post(
        revise_url(system_draft),
        {"data.evidence": "  \r\n ", "data.facts": "改写的事实。", "reason": "试填"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    evidence_field = html.split('<label for="f-data-evidence">', 1)[1].split('<div class="field', 1)[0]
    assert "失信记录事前告知书不完整：缺少“证据摘要”" in evidence_field
    assert 'aria-invalid="true"' in evidence_field
    # what the officer typed is still there
    assert "改写的事实。" in html and 'value="试填"' in html
    assert Notice.objects.get(pk=system_draft.pk).data == before
    assert revisions(system_draft) == []


def test_a_blanked_text_field_is_refused_next_to_that_field(officer, system_draft):
    response = page(officer).post(
        revise_url(system_draft),
        {"data.evidence": EVIDENCE[0], "data.facts": "   "},
    )
    assert response.status_code == 400
    facts_field = response.content.decode().split('<label for="f-data-facts">', 1)[1].split("</div>", 1)[0]
    assert "缺少“失信事实”" in facts_field
    assert Notice.objects.get(pk=system_draft.pk).data["evidence"] == []


@pytest.mark.parametrize("who", ["liaison", "approver"])
def test_only_officers_have_the_form(request, who, system_draft):
    user = request.getfixturevalue(who)
    client = page(user)
    assert client.get(revise_url(system_draft)).status_code == 404
    assert client.post(revise_url(system_draft), {"data.evidence": "x"}).status_code == 404
    assert Notice.objects.get(pk=system_draft.pk).data["evidence"] == []
    shown = client.get(notice_url(system_draft))
    assert "完善草稿" not in shown.content.decode()


def test_an_issued_notice_has_no_form(officer, approver, system_draft):
    api(officer).post(
        f"/api/notices/{system_draft.pk}/revise/", {"data": {"evidence": EVIDENCE}}, format="json"
    )
    notice = issue(officer=officer, approver=approver, notice=system_draft)
    assert notice.state == NoticeState.ISSUED

    html = page(officer).get(notice_url(notice)).content.decode()
    assert "完善草稿" not in html and "待补充" not in html
    form = page(officer).get(revise_url(notice)).content.decode()
    assert "文书当前状态为“已签发”，只有草稿可以修改。" in form
    assert 'name="data.evidence"' not in form and "保存草稿" not in form
    posted = page(officer).post(revise_url(notice), {"data.evidence": "改过的证据"}, follow=True)
    assert posted.redirect_chain == [(notice_url(notice), 302)]
    assert "只有草稿可以修改" in posted.content.decode()
    assert Notice.objects.get(pk=notice.pk).data["evidence"] == EVIDENCE
