"""Documents before their service: approving a proposal drafts the 事前告知书; its service
is recorded by serving the issued notice, once, and the defence window counts from that
service (DOMAIN §5.1 T5, §7 rule 5). The same for every notice whose service starts a period."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from casework import calendar
from casework.errors import DomainError
from casework.models import Deadline, Record
from casework.services import objections as objection_svc
from casework.services import records as record_svc
from notices.models import Notice, ServiceEvent

from . import accountability_steps, lifecycle, objection_steps, rectification_steps
from .api_fixtures import api
from .factories import PersonFactory
from .notice_cases import issued_via_api, serve_via_api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("issuer")]


def ok(response, status=200):
    assert response.status_code == status, response.content[:800].decode(errors="replace")
    return response.json()


def refused(response, status=400) -> dict:
    assert response.status_code == status, response.content[:800].decode(errors="replace")
    return response.json()


def notices_of(client, record, code) -> list[dict]:
    found = ok(client.get("/api/notices/", {"record": record.pk, "type_code": code}))["results"]
    return sorted(found, key=lambda n: n["id"])


def issue_through_the_api(officer, approver, notice: dict) -> dict:
    issued = issued_via_api(officer=officer, approver=approver, notice_id=notice["id"])
    assert issued["state"] == "ISSUED"
    return issued


def serve(client, notice_ids, served_on: str):
    return serve_via_api(client, notice_ids, served_on)


# ── the 事前告知书 (T5) ───────────────────────────────────────────────────────────────


def test_the_defence_window_runs_from_the_service_of_the_issued_pre_notice(
    officer, approver, liaison, unit, settings
):
    settings.CHENGXIN_TODAY = "2026-04-30"  # a Thursday before the 劳动节 holidays
    record = lifecycle.proposed(officer=officer, organisation=unit)
    officer_api, approver_api = api(officer), api(approver)

    approved = ok(approver_api.post(f"/api/records/{record.pk}/approve-pre-notice/", {}, format="json"))
    assert approved["state"] == "PRE_NOTICE" and approved["pre_notice_served_on"] is None
    assert not Deadline.objects.filter(record=record, kind="defence_window").exists()
    [n1] = notices_of(officer_api, record, "N1")
    assert n1["state"] == "DRAFT" and n1["data"]["defence_period"] == "自本告知书送达之日起5个工作日内"

    # Nothing to answer or to determine on before the notice reaches the subject.
    early = refused(
        approver_api.post(f"/api/records/{record.pk}/determine/", {"defence_waived": True}, format="json")
    )
    assert early["field"] == "pre_notice_served_on" and "事前告知书尚未送达" in early["detail"]
    defence = refused(
        api(liaison).post(
            f"/api/records/{record.pk}/submit-defence/", {"statement": "款项已付。"}, format="json"
        )
    )
    assert defence["field"] == "pre_notice_served_on"
    # Service before the notice is issued: not a notice that can be served yet.
    assert refused(serve(officer_api, [n1["id"]], "2026-04-30"))["code"] == "not_issued"

    n1 = issue_through_the_api(officer, approver, n1)
    assert n1["pdf_ready"] and n1["issued_on"] == "2026-04-30"
    pdf = api(officer).get(f"/api/notices/{n1['id']}/download/").content
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "自本告知书送达之日起5个工作日内" in text

    event = ok(serve(officer_api, [n1["id"]], "2026-04-30"), 201)
    assert event["notices"] == [n1["id"]]
    record.refresh_from_db()
    assert record.state == "PRE_NOTICE" and record.pre_notice_served_on == dt.date(2026, 4, 30)
    window = Deadline.objects.get(record=record, kind="defence_window")
    # 5 working days from Thu 30 April: 1–5 May are holidays, Sat 9 May a working day.
    assert window.start_on == dt.date(2026, 4, 30) and window.status == "OPEN"
    assert window.due_on == calendar.add(dt.date(2026, 4, 30), 5, "wd").date == dt.date(2026, 5, 11)
    assert record.audit_entries.filter(action="serve_pre_notice").count() == 1

    # Served once: a second service of the same notice is refused and changes nothing.
    again = refused(serve(officer_api, [n1["id"]], "2026-04-30"))
    assert again["code"] == "not_issued" and "已送达" in again["detail"]
    assert ServiceEvent.objects.filter(notices=n1["id"]).count() == 1
    assert Deadline.objects.filter(record=record, kind="defence_window").count() == 1

    settings.CHENGXIN_TODAY = "2026-05-20"
    inside = refused(
        approver_api.post(
            f"/api/records/{record.pk}/determine/", {"determination_date": "2026-05-11"}, format="json"
        )
    )
    assert inside["code"] == "defence_window_open" and "2026-05-11" in inside["detail"]
    determined = ok(
        approver_api.post(
            f"/api/records/{record.pk}/determine/", {"determination_date": "2026-05-12"}, format="json"
        )
    )
    assert determined["state"] == "DETERMINED"


def test_approval_no_longer_takes_a_service_date(officer, approver, unit, fixed_today):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    body = {"served_on": "2026-01-05"}
    answer = refused(api(approver).post(f"/api/records/{record.pk}/approve-pre-notice/", body, format="json"))
    assert "served_on" in answer["errors"] and "/api/notices/serve/" in answer["errors"]["served_on"][0]
    assert Record.objects.get(pk=record.pk).state == "PROPOSED"


def test_a_written_waiver_still_needs_the_served_notice(officer, approver, unit, fixed_today):
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    with pytest.raises(DomainError) as caught:
        record_svc.record_determine(acting_user=approver, record_id=record.pk, defence_waived=True)
    assert caught.value.field == "pre_notice_served_on"
    record = lifecycle.serve_pre_notice(
        record, officer=officer, approver=approver, served_on=dt.date(2026, 1, 20)
    )
    with pytest.raises(DomainError) as before:
        record_svc.record_determine(
            acting_user=approver,
            record_id=record.pk,
            determination_date=dt.date(2026, 1, 19),
            defence_waived=True,
        )
    assert before.value.field == "determination_date"
    record = record_svc.record_determine(
        acting_user=approver,
        record_id=record.pk,
        determination_date=dt.date(2026, 1, 21),
        defence_waived=True,
    )
    assert record.state == "DETERMINED"


def test_the_service_cannot_be_typed_in_while_the_notice_is_on_its_way(officer, approver, unit, fixed_today):
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    assert Notice.objects.get(record=record, type_code="N1").state == "DRAFT"
    with pytest.raises(DomainError) as caught:
        record_svc.record_pre_notice_served(
            acting_user=officer, record_id=record.pk, served_on=dt.date(2026, 1, 20)
        )
    assert caught.value.code == "serve_the_notice" and "失信记录事前告知书" in caught.value.message
    assert Record.objects.get(pk=record.pk).pre_notice_served_on is None


def test_a_renotice_after_the_defence_is_answered_drafts_and_serves_a_new_notice(
    officer, approver, liaison, unit, settings
):
    settings.CHENGXIN_TODAY = "2026-02-04"
    record = lifecycle.pre_notice(
        officer=officer, approver=approver, organisation=unit, served_on=dt.date(2026, 2, 2)
    )
    client = api(liaison)
    ok(client.post(f"/api/records/{record.pk}/submit-defence/", {"statement": "款项已于 1 月 3 日支付。"}))
    ok(
        api(officer).post(
            f"/api/records/{record.pk}/answer-defence/", {"reply": "付款凭证日期为 1 月 20 日，不予采纳。"}
        )
    )
    settings.CHENGXIN_TODAY = "2026-03-02"
    again = ok(api(approver).post(f"/api/records/{record.pk}/approve-pre-notice/", {}, format="json"))
    assert again["state"] == "PRE_NOTICE" and again["pre_notice_served_on"] is None
    first, second = notices_of(api(officer), record, "N1")
    assert first["state"] == "SERVED" and second["state"] == "DRAFT"
    assert (
        refused(api(approver).post(f"/api/records/{record.pk}/determine/", {"defence_waived": True}))["field"]
        == "pre_notice_served_on"
    )

    second = issue_through_the_api(officer, approver, second)
    ok(serve(api(officer), [second["id"]], "2026-03-02"), 201)
    record.refresh_from_db()
    assert record.pre_notice_served_on == dt.date(2026, 3, 2)
    window = Deadline.objects.filter(record=record, kind="defence_window").latest("id")
    assert (window.start_on, window.status) == (dt.date(2026, 3, 2), "OPEN")
    assert window.due_on == calendar.add(dt.date(2026, 3, 2), 5, "wd").date == dt.date(2026, 3, 9)


def test_the_case_page_shows_the_pre_notice_and_what_comes_next(officer, approver, unit, client, fixed_today):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    client.force_login(approver)
    form = client.get(f"/work/cases/{record.pk}/act/approve-pre-notice/")
    assert form.status_code == 200 and 'name="served_on"' not in form.content.decode()
    answer = client.post(f"/work/cases/{record.pk}/act/approve-pre-notice/", {})
    assert answer.status_code == 302
    n1 = Notice.objects.get(record=record, type_code="N1")

    client.force_login(officer)
    page = client.get(f"/work/cases/{record.pk}/").content.decode()
    assert "失信记录事前告知书" in page and f"/work/notices/{n1.pk}/" in page
    assert "事前告知书送达后" in page  # what comes next, on the record itself
    assert "登记事前告知书送达" not in page  # not before the notice is issued

    lifecycle_issue(n1, officer=officer, approver=approver)
    page = client.get(f"/work/cases/{record.pk}/").content.decode()
    assert "登记事前告知书送达" in page
    form = client.get(f"/work/cases/{record.pk}/act/serve-pre-notice/").content.decode()
    assert 'name="served_on"' in form and n1.title in form
    answer = client.post(
        f"/work/cases/{record.pk}/act/serve-pre-notice/",
        {"notices": [n1.pk], "method": "IN_PERSON", "served_on": "2026-02-02", "proof": "送达回证 009 号"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    record.refresh_from_db()
    assert record.pre_notice_served_on == dt.date(2026, 2, 2)
    assert Deadline.objects.get(record=record, kind="defence_window").start_on == dt.date(2026, 2, 2)


def lifecycle_issue(notice: Notice, *, officer, approver) -> Notice:
    from .notice_cases import completed, issue

    return issue(officer=officer, approver=approver, notice=completed(officer=officer, notice=notice))


# ── every notice whose service starts a period ──────────────────────────────────────


def only_notice(record, code) -> Notice:
    [notice] = Notice.objects.filter(record=record, type_code=code)
    return notice


def test_the_rectification_periods_run_from_the_service_of_the_issued_order(
    officer, approver, unit, settings
):
    """§6.3: each item's period (calendar days, rolled forward) and the written explanation
    (10 WD) run from the 整改通知书's service, recorded on the notice, once."""
    settings.CHENGXIN_TODAY = "2026-08-20"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rectification_steps.drafted(officer=officer, approver=approver, unit=unit, count=2, record=record)
    ok(api(approver).post(f"/api/rectifications/{order.pk}/issue/", {}, format="json"))
    n8 = only_notice(record, "N8")
    assert n8.state == "DRAFT" and n8.about == order

    # Typing a service date in while the order's notice is being prepared is refused.
    typed = refused(api(officer).post(f"/api/rectifications/{order.pk}/serve/", {"served_on": "2026-08-20"}))
    assert typed["code"] == "serve_the_notice" and "整改通知书" in typed["detail"]
    assert not Deadline.objects.filter(
        record=record, kind__in=["rectification", "written_explanation"]
    ).exists()

    issued = issued_via_api(officer=officer, approver=approver, notice_id=n8.pk)
    # Issued before its service, the order states each period from that service, not a date.
    assert [(i["period_days"], i.get("deadline")) for i in issued["data"]["items"]] == [
        (30, None),
        (30, None),
    ]
    pdf = api(officer).get(f"/api/notices/{n8.pk}/download/").content
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert text.count("整改期限：自本通知书送达之日起30日内完成") == 2
    settings.CHENGXIN_TODAY = "2026-09-01"
    ok(serve(api(officer), [n8.pk], "2026-09-01"), 201)  # a Tuesday (scenario 8)
    order.refresh_from_db()
    assert order.state == "IN_PROGRESS" and order.served_on == dt.date(2026, 9, 1)
    for item in order.items.all():
        deadline = Deadline.objects.get(
            kind="rectification", owner_id=item.pk, owner_type__model="rectificationitem"
        )
        assert deadline.start_on == dt.date(2026, 9, 1)
        assert deadline.due_on == calendar.add(dt.date(2026, 9, 1), item.period_days, "d", roll=True).date
    explanation = Deadline.objects.get(kind="written_explanation", owner_id=order.pk)
    assert explanation.due_on == calendar.add(dt.date(2026, 9, 1), 10, "wd").date == dt.date(2026, 9, 15)

    assert refused(serve(api(officer), [n8.pk], "2026-09-01"))["code"] == "not_issued"
    assert record.audit_entries.filter(action="rectification.serve").count() == 1


def test_the_appeal_window_runs_from_the_last_persons_decision_notice(officer, approver, unit, settings):
    """§6.4: one 政务处分决定书 per person; the case is served when each of them is, and the
    复审 window (1 month) runs from the last service, so that nobody's runs before theirs."""
    settings.CHENGXIN_TODAY = "2026-03-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    first, second = PersonFactory(unit=unit, name="李四"), PersonFactory(unit=unit, name="王五")
    case = accountability_steps.decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[first, second],
        decisions=[accountability_steps.decision(first), accountability_steps.decision(second)],
        decided_on=dt.date(2026, 3, 2),
    )
    n14s = list(Notice.objects.filter(record=record, type_code="N14").order_by("pk"))
    assert [n.about.person for n in n14s] == [first, second]
    typed = refused(api(officer).post(f"/api/accountability/{case.pk}/serve/", {"served_on": "2026-03-02"}))
    assert typed["code"] == "serve_the_notice"

    for notice in n14s:
        issued_via_api(officer=officer, approver=approver, notice_id=notice.pk)
    settings.CHENGXIN_TODAY = "2026-03-10"
    ok(serve(api(officer), [n14s[0].pk], "2026-03-03"), 201)
    case.refresh_from_db()
    assert case.state == "DECIDED" and case.served_on is None  # 王五 has not received his yet
    ok(serve(api(officer), [n14s[1].pk], "2026-03-09"), 201)
    case.refresh_from_db()
    assert case.state == "SERVED" and case.served_on == dt.date(2026, 3, 9)
    window = Deadline.objects.get(kind="appeal_review_apply", owner_id=case.pk)
    assert window.start_on == dt.date(2026, 3, 9)
    assert window.due_on == calendar.add(dt.date(2026, 3, 9), 1, "m", roll=True).date == dt.date(2026, 4, 9)
    assert refused(serve(api(officer), [n14s[1].pk], "2026-03-09"))["code"] == "not_issued"


def test_the_objection_result_is_served_on_its_notice(officer, approver, liaison, unit, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = objection_steps.verifying(subject=liaison, officer=officer, record=record)
    objection_svc.objection_decide(
        acting_user=approver, objection_id=objection.pk, outcome="MAINTAIN", reason="经核查，记录无误。"
    )
    n6 = only_notice(record, "N6")
    typed = refused(api(officer).post(f"/api/objections/{objection.pk}/serve/", {"served_on": "2026-06-01"}))
    assert typed["code"] == "serve_the_notice"
    issued_via_api(officer=officer, approver=approver, notice_id=n6.pk)
    settings.CHENGXIN_TODAY = "2026-06-05"
    ok(serve(api(officer), [n6.pk], "2026-06-04"), 201)
    objection.refresh_from_db()
    assert objection.state == "SERVED" and objection.served_on == dt.date(2026, 6, 4)


def test_a_decision_of_the_appointing_body_is_still_served_with_a_date(officer, approver, unit, settings):
    """The APPOINTING track's 处分决定书 is the appointing body's own document, recorded not
    issued here: its service is typed in."""
    settings.CHENGXIN_TODAY = "2026-03-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    person = PersonFactory(unit=unit)
    case = accountability_steps.decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[person],
        track="APPOINTING",
        decisions=[accountability_steps.decision(person)],
        decided_on=dt.date(2026, 3, 2),
    )
    assert not Notice.objects.filter(record=record, type_code__in=["N14", "N15"]).exists()
    served = ok(api(officer).post(f"/api/accountability/{case.pk}/serve/", {"served_on": "2026-03-02"}))
    assert served["state"] == "SERVED"


def test_the_order_page_serves_the_issued_order_notice(officer, approver, unit, client, settings):
    settings.CHENGXIN_TODAY = "2026-09-01"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rectification_steps.drafted(officer=officer, approver=approver, unit=unit, record=record)
    order = rectification_steps.svc.rectification_issue(acting_user=approver, rectification_id=order.pk)
    client.force_login(officer)
    action = f"/work/rectifications/{order.pk}/act/serve/"
    assert action not in client.get(f"/work/cases/{record.pk}/").content.decode()  # the notice is a draft

    n8 = only_notice(record, "N8")
    issued_via_api(officer=officer, approver=approver, notice_id=n8.pk)
    assert action in client.get(f"/work/cases/{record.pk}/").content.decode()
    form = client.get(action).content.decode()
    assert "将送达：整改通知书" in form and 'name="served_on"' in form
    body = {"notices": [n8.pk], "method": "IN_PERSON", "served_on": "2026-09-01", "proof": "送达回证 011 号"}
    assert client.post(action, body).status_code == 302
    order.refresh_from_db()
    assert (order.state, order.served_on) == ("IN_PROGRESS", dt.date(2026, 9, 1))
    assert Notice.objects.get(pk=n8.pk).state == "SERVED"


# ── the record's own service (T8) and the notices that start no period ────────────────


def test_the_record_is_put_in_force_by_serving_its_two_notices_not_by_a_typed_date(
    officer, approver, unit, client, settings
):
    """T8: while the 政务失信记录告知书 and 信用修复告知书 are being prepared, the record's
    service cannot be typed in; serving the two together puts it in force that day."""
    settings.CHENGXIN_TODAY = "2026-01-16"
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    n2, n3 = only_notice(record, "N2"), only_notice(record, "N3")
    assert (n2.state, n3.state) == ("DRAFT", "DRAFT")
    body = {"served_on": "2026-01-16", "method": "IN_PERSON", "proof": "送达回证 002 号"}
    typed = refused(api(officer).post(f"/api/records/{record.pk}/serve/", body, format="json"))
    assert typed["code"] == "serve_the_notice" and typed["field"] == "served_on"
    assert "政务失信记录告知书" in typed["detail"]
    record.refresh_from_db()
    assert (record.state, record.served_on) == ("DETERMINED", None)
    client.force_login(officer)
    action = f"/work/cases/{record.pk}/act/serve/"
    assert action not in client.get(f"/work/cases/{record.pk}/").content.decode()  # drafts

    for notice in (n2, n3):
        issued_via_api(officer=officer, approver=approver, notice_id=notice.pk)
    assert action in client.get(f"/work/cases/{record.pk}/").content.decode()
    assert "将同时送达" in client.get(action).content.decode()
    # Served alone, the recording notice is refused (两书同达); served together, in force.
    assert refused(serve(api(officer), [n2.pk], "2026-01-16"))["field"] == "notices"
    ok(serve(api(officer), [n2.pk, n3.pk], "2026-01-16"), 201)
    record.refresh_from_db()
    assert (record.state, record.served_on) == ("EFFECTIVE", dt.date(2026, 1, 16))
    assert record.audit_entries.filter(action="serve").count() == 1
    event = ServiceEvent.objects.get(notices=n2)
    assert record.service_proof == event.proof and record.service_method == event.method


def test_without_an_issuer_the_record_service_is_still_typed_in(officer, approver, unit, settings):
    from notices.models import Issuer

    settings.CHENGXIN_TODAY = "2026-01-16"
    Issuer.objects.update(is_active=False)
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert record.state == "EFFECTIVE" and not Notice.objects.filter(record=record).exists()


def test_every_notice_type_starts_a_period_on_its_service_or_says_why_not():
    from notices import service_steps, types

    codes = {t.code for t in types.all_types()}
    linked = set(service_steps.BY_CODE)
    explained = set(service_steps.NO_PERIOD_OF_ITS_OWN)
    assert not linked & explained
    assert linked | explained == codes, sorted(codes - linked - explained)
    assert {"N1", "N2", "N3", "N6", "N8", "N14", "N15"} == linked


def pdf_text(officer, notice_id) -> str:
    pdf = api(officer).get(f"/api/notices/{notice_id}/download/").content
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_explanation_notice_never_counts_from_its_drafting_day(officer, approver, unit, settings):
    """N7 is drafted when the record comes into force; the written explanation is due a
    period after the 整改通知书's service. Before an order exists or is served it states the
    period and what it runs from; once served, the date the system tracks."""
    settings.CHENGXIN_TODAY = "2026-01-16"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    n7 = only_notice(record, "N7")
    assert "explain_deadline" not in n7.data
    assert (n7.data["explain_period"], n7.data["explain_from"]) == ("10个工作日", "本通知书")
    issued_via_api(officer=officer, approver=approver, notice_id=n7.pk)
    assert "请你单位自本通知书送达之日起10个工作日内" in pdf_text(officer, n7.pk)

    order = rectification_steps.drafted(officer=officer, approver=approver, unit=unit, record=record)
    from notices import context_cases

    assert context_cases.n7(record, order)["explain_from"] == "《整改通知书》"
    ok(api(approver).post(f"/api/rectifications/{order.pk}/issue/", {}, format="json"))
    n8 = only_notice(record, "N8")
    issued_via_api(officer=officer, approver=approver, notice_id=n8.pk)
    settings.CHENGXIN_TODAY = "2026-02-02"
    ok(serve(api(officer), [n8.pk], "2026-02-02"), 201)
    tracked = Deadline.objects.get(kind="written_explanation", owner_id=order.pk)
    assert context_cases.n7(record, order)["explain_deadline"] == tracked.due_on.isoformat()
    assert tracked.start_on == dt.date(2026, 2, 2)
