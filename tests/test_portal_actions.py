"""The action forms of the case pages (issue #5 item 1: forms for every action, Chinese
messages next to the field): `/work/<kind>/<pk>/act/<step>/`.

The form is generated from the API endpoint's input serializer and its POST is handed to
that endpoint, so these tests drive the real services through the page as a user would:
the signed-in Django test client, real permissions, data built by the services."""

import datetime as dt
import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from casework.models import Attachment, AuditEntry, Measure, Record, Rectification
from casework.roles import Role
from notices.models import Notice

from . import lifecycle, rectification_steps
from .api_fixtures import db_state
from .factories import UserFactory
from .notice_cases import issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def act(kind: str, pk: int, step: str) -> str:
    return reverse("case-action", kwargs={"kind": kind, "pk": pk, "step": step})


def text(response) -> str:
    """The page's main text, tags removed: what the user reads."""
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def field_block(response, name: str) -> str:
    """The HTML of the form field `name`, from its label to its error list."""
    html = response.content.decode()
    start = html.index(f'name="{name}"')
    return html[html.rfind('<div class="field', 0, start) : html.index("</div>", start)]


def verifying(officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    client(officer).post(act("cases", record.pk, "start-verification"))
    return Record.objects.get(pk=record.pk)


PROPOSAL = {
    "category": "PRM",
    "domain": "PROCUREMENT",
    "tier": "GENERAL",
    "facts": "该单位拖欠中小企业账款 120 万元。",
    "legal_basis": "《保障中小企业款项支付条例》第九条",
}


# ── the form: fields read off the serializer ─────────────────────────────────────


def test_the_form_shows_labelled_fields_of_the_endpoint(officer, unit):
    record = verifying(officer, unit)
    page = client(officer).get(act("cases", record.pk, "propose"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="f-category">失信类别' in html and 'select id="f-category" name="category"' in html
    assert '<option value="SERIOUS">严重</option>' in html
    assert 'textarea id="f-facts" name="facts"' in html  # free text: several lines
    measure = Measure.objects.get(code="M01")
    assert f'name="measure_ids" value="{measure.pk}"' in html  # ids shown as named choices
    assert 'type="checkbox" id="f-must-disclose" name="must_disclose"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_required_date_starts_at_today_and_is_a_date_input(officer, approver, unit):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    page = client(approver).get(act("cases", record.pk, "determine"))
    assert (
        'type="date" id="f-determination-date" name="determination_date" value="2026-02-02"'
        in page.content.decode()
    )


# ── bad input: the message next to the field, nothing saved ──────────────────────


def test_bad_input_is_shown_next_to_the_field_in_chinese_and_nothing_changes(officer, unit):
    record = verifying(officer, unit)
    before = db_state(record.pk)
    page = client(officer).post(act("cases", record.pk, "propose"), {**PROPOSAL, "facts": ""})
    assert page.status_code == 400
    facts = field_block(page, "facts")
    assert 'aria-invalid="true"' in facts and "请填写失信事实" in facts
    assert 'value="GENERAL" selected' in page.content.decode()  # what was typed is kept
    assert PROPOSAL["legal_basis"] in field_block(page, "legal_basis")
    assert db_state(record.pk) == before


def test_a_service_refusal_names_its_field(officer, approver, unit):
    """The service's own rule (a determination date cannot be in the future), not the serializer's."""
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    before = db_state(record.pk)
    page = client(approver).post(act("cases", record.pk, "determine"), {"determination_date": "2026-03-01"})
    assert page.status_code == 400
    day = field_block(page, "determination_date")
    assert "不能晚于今天" in day and 'value="2026-03-01"' in day
    assert db_state(record.pk) == before


def test_an_error_about_no_field_of_the_form_is_shown_at_the_top(officer, unit):
    """A lead is registered once; the objection flag… here: an amendment with nothing to amend."""
    record = lifecycle.effective(
        officer=officer, approver=UserFactory(roles=[Role.APPROVER]), organisation=unit
    )
    approver = UserFactory(roles=[Role.APPROVER])
    page = client(approver).post(act("cases", record.pk, "amend"), {"reason": "更正笔误"})
    assert page.status_code == 400
    assert re.search(r'class="form-errors".*没有需要更正的内容。', page.content.decode(), re.S)


# ── a good POST: the service runs once, the page goes back to the case ───────────


def test_a_good_post_changes_the_state_writes_one_audit_entry_and_returns_to_the_case(officer, unit):
    record = verifying(officer, unit)
    entries = AuditEntry.objects.count()
    measure = Measure.objects.get(code="M01")
    officer_client = client(officer)
    page = officer_client.post(act("cases", record.pk, "propose"), {**PROPOSAL, "measure_ids": [measure.pk]})
    assert page.status_code == 302 and page["Location"] == reverse("case-detail", args=[record.pk])
    record.refresh_from_db()
    assert record.state == "PROPOSED" and list(record.measures.all()) == [measure]
    assert AuditEntry.objects.count() == entries + 1
    assert AuditEntry.objects.latest("seq").action == "propose"
    case = officer_client.get(page["Location"])
    assert "已完成“提出拟认定”。" in text(case)


def test_a_step_without_input_asks_for_confirmation(officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    page = client(officer).get(act("cases", record.pk, "start-verification"))
    assert "确认办理“开始核查”？" in text(page)
    assert client(officer).post(act("cases", record.pk, "start-verification")).status_code == 302
    assert Record.objects.get(pk=record.pk).state == "VERIFYING"


# ── who may: the step's roles, separation of duties, the unit's own steps ─────────


def test_a_step_this_user_may_not_take_is_explained_and_refused(officer, liaison, unit, approver):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    before = db_state(record.pk)
    page = client(liaison).get(act("cases", record.pk, "revoke"))
    assert page.status_code == 200 and "您没有权限执行“撤销”操作。" in text(page)
    assert '<form class="action-form"' not in page.content.decode()
    refused = client(liaison).post(act("cases", record.pk, "revoke"), {"reason": "x", "document": "y"})
    assert refused.status_code == 302 and refused["Location"] == reverse("case-detail", args=[record.pk])
    assert db_state(record.pk) == before


def test_nobody_approves_their_own_proposal(officer, unit):
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    record = lifecycle.proposed(officer=both, organisation=unit)
    page = client(both).get(act("cases", record.pk, "approve-pre-notice"))
    assert "拟认定人不能审批自己提出的认定。" in text(page)


def test_another_units_liaison_gets_404_for_the_form_and_the_post(officer, approver, unit, other_liaison):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    before = db_state(record.pk)
    for url in (act("cases", record.pk, "objection"), act("cases", record.pk, "revoke")):
        assert client(other_liaison).get(url).status_code == 404
        posted = client(other_liaison).post(url, {"ground": "CONDITIONS", "statement": "异议"})
        assert posted.status_code == 404 and record.reference not in posted.content.decode()
    assert db_state(record.pk) == before


def test_an_unknown_step_or_kind_is_404(officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    assert client(officer).get(act("cases", record.pk, "fly")).status_code == 404
    assert client(officer).get(f"/work/planets/{record.pk}/act/propose/").status_code == 404


def test_the_unit_files_an_objection_through_the_page(officer, approver, unit, liaison):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    data = {"ground": "CONDITIONS", "statement": "款项已于 2025 年 12 月付清。"}
    assert client(liaison).post(act("cases", record.pk, "objection"), data).status_code == 302
    assert record.objections.get().statement == data["statement"]


# ── lists of objects, files, the two letters served together ──────────────────────


def test_rows_are_added_without_a_script_and_posted_as_the_endpoint_reads_them(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    url = act("cases", record.pk, "rectification")
    first = {"items[0]requirement": "清偿拖欠账款", "items[0]acceptance_criteria": "付款凭证"}
    grown = client(officer).post(url, {**first, "_add_row": "items"})
    assert grown.status_code == 200 and not Rectification.objects.exists()
    html = grown.content.decode()
    assert 'name="items[1]requirement"' in html and "清偿拖欠账款" in html
    rows = {
        **first,
        "items[0]required_evidence": "银行回单",
        "items[0]period_days": "30",
        "items[1]requirement": "公开致歉",
        "items[1]acceptance_criteria": "致歉函",
        "items[1]required_evidence": "致歉函扫描件",
        "items[1]period_days": "15",
    }
    assert client(officer).post(url, rows).status_code == 302
    order = Rectification.objects.get()
    assert [i.requirement for i in order.items.order_by("number")] == ["清偿拖欠账款", "公开致歉"]


def test_evidence_is_uploaded_as_a_file(settings, tmp_path, officer, approver, unit, liaison):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path
    order = rectification_steps.in_progress(
        officer=officer, approver=approver, unit=unit, served_on=dt.date(2026, 2, 2)
    )
    item = order.items.get()
    page = client(liaison).get(act("items", item.pk, "evidence"))
    assert 'enctype="multipart/form-data"' in page.content.decode()
    sent = client(liaison).post(
        act("items", item.pk, "evidence"), {"file": rectification_steps.upload("回单.pdf")}
    )
    assert sent.status_code == 302
    assert Attachment.objects.get().original_name == "回单.pdf"
    refused = client(liaison).post(
        act("items", item.pk, "evidence"),
        {"file": rectification_steps.upload("x.exe", rectification_steps.EXE_BYTES)},
    )
    assert refused.status_code == 400 and Attachment.objects.count() == 1
    assert "errorlist" in field_block(refused, "file")


def test_serving_the_recording_and_repair_notices_together_makes_the_record_effective(
    officer, approver, unit, issuer
):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    letters = [Notice.objects.get(record=record, type_code=code) for code in ("N2", "N3")]
    for letter in letters:
        issue(officer=officer, approver=approver, notice=letter)
    url = act("cases", record.pk, "serve")
    page = client(officer).get(url)
    assert "将同时送达：政务失信记录告知书、信用修复告知书" in text(page)
    for letter in letters:
        assert f'type="hidden" name="notices" value="{letter.pk}"' in page.content.decode()
    data = {"notices": [n.pk for n in letters], "method": "MAIL", "served_on": "2026-02-02", "proof": "EMS 1"}
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client(officer).post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.state == "EFFECTIVE" and record.served_on == dt.date(2026, 2, 2)
    assert {n.state for n in Notice.objects.filter(pk__in=[n.pk for n in letters])} == {"SERVED"}


# ── 登记线索: the create page of POST /api/records/ ──────────────────────────────


def test_an_officer_registers_a_lead_and_lands_on_its_case_page(officer, unit):
    lead = {
        "subject_organisation": unit.pk,
        "source": "HOTLINE",
        "lead_content": "拖欠工程款。",
        "received_on": "2026-01-30",
    }
    page = client(officer).post(reverse("case-register"), lead)
    record = Record.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse("case-detail", args=[record.pk])
    assert (record.state, record.subject_organisation, record.created_by) == ("LEAD", unit, officer)


def test_a_lead_without_a_subject_is_refused_at_the_top_and_nothing_is_registered(officer):
    lead = {"source": "HOTLINE", "lead_content": "拖欠工程款。", "received_on": "2026-01-30"}
    page = client(officer).post(reverse("case-register"), lead)
    assert page.status_code == 400 and not Record.objects.exists()
    assert re.search(r'class="form-errors".*请指定一个失信主体', page.content.decode(), re.S)
    assert "拖欠工程款。" in field_block(page, "lead_content")


def test_only_the_registrars_get_the_lead_form(liaison):
    page = client(liaison).get(reverse("case-register"))
    assert page.status_code == 403 and 'name="lead_content"' not in page.content.decode()
    posted = client(liaison).post(
        reverse("case-register"), {"source": "HOTLINE", "lead_content": "x", "received_on": "2026-01-30"}
    )
    assert posted.status_code == 403 and not Record.objects.exists()


# ── the forms with one row per object: the review, the collective decision ──────


def test_the_reviewer_decides_each_item_beside_its_evidence(
    settings, tmp_path, officer, approver, unit, liaison
):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    settings.CHENGXIN_TODAY = "2026-09-01"
    order = rectification_steps.submitted(
        officer=officer, approver=approver, unit=unit, liaison=liaison, head=head, count=2
    )
    client(officer).post(act("rectifications", order.pk, "start-review"))
    first, second = order.items.order_by("number")
    form = client(officer).get(act("rectifications", order.pk, "review"))
    html = form.content.decode()
    assert (
        f'name="decisions[0]item" value="{first.pk}"' in html
        and f'name="decisions[1]item" value="{second.pk}"' in html
    )
    assert "整改材料.pdf" in text(form)  # the evidence, beside the decision
    decisions = {
        "decisions[0]item": first.pk,
        "decisions[0]decision": "ACCEPT",
        "decisions[1]item": second.pk,
        "decisions[1]decision": "RETURN",
        "decisions[1]reason": "付款回单金额与合同不符。",
    }
    assert client(officer).post(act("rectifications", order.pk, "review"), decisions).status_code == 302
    order.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (order.state, first.state, second.state) == ("RETURNED", "ACCEPTED", "RETURNED")


def test_the_collective_decision_has_a_row_per_person_of_the_case(officer, approver, unit, civil_servant):
    from .accountability_steps import deliberated

    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    case = deliberated(officer=officer, record=record, persons=[civil_servant.person], unit=unit)
    form = client(approver).get(act("accountability", case.pk, "decide"))
    html = form.content.decode()
    assert f'<option value="{civil_servant.person.pk}" selected>张三</option>' in html
    row = {
        "decisions[0]person": civil_servant.person.pk,
        "decisions[0]decision_type": "WARNING",
        "decisions[0]basis": "《公职人员政务处分法》第三十九条",
        "decided_on": "2026-01-30",
    }
    missing = client(approver).post(
        act("accountability", case.pk, "decide"), {**row, "decisions[0]basis": ""}
    )
    assert missing.status_code == 400 and "请填写依据" in text(missing)
    assert client(approver).post(act("accountability", case.pk, "decide"), row).status_code == 302
    case.refresh_from_db()
    assert case.state == "DECIDED" and case.sanctions.get().decision_type == "WARNING"
