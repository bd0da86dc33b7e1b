"""Notices drafted at the steps DOMAIN §5–6 and §8.3 name (issue #4 item 1), and the
recording notice served with the repair notice as the record's own service (T8, scenario 27).

Every case runs through the casework services; the drafts come from the listener that
NoticesConfig registers, inside each step's transaction."""

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase

from casework import rules
from casework.errors import DomainError
from casework.lifecycle import (
    ACCOUNTABILITY_STEPS,
    OBJECTION_STEPS,
    RECORD_STEPS,
    RECTIFICATION_STEPS,
    REPAIR_STEPS,
    RecordState,
)
from casework.models import (
    Accountability,
    AuditEntry,
    Deadline,
    ExtensionRequest,
    Objection,
    Record,
    Rectification,
    RepairApplication,
    Sanction,
    SyncEvent,
    SyncKind,
)
from casework.roles import Role
from casework.services import objections as objection_svc
from casework.services import reactions
from casework.services import records as record_svc
from casework.services import rectification as rect_svc
from casework.services import repair as repair_svc
from casework.services.accountability import accountability_decide
from casework.services.records import decided as decided_records
from casework.services.rectification import extension as ext_svc
from casework.services.rectification.sweeps import items_escalate, items_mark_overdue
from notices import context, drafting, overdue_reminders, services, tasks, types
from notices.models import Notice, ServiceEvent

from . import lifecycle
from . import rectification_steps as rect_steps
from .accountability_steps import decided, decision, deliberated
from .factories import OrganisationFactory, PersonFactory, UserFactory
from .notice_cases import draft
from .objection_steps import filed
from .repair_cases import effective_record, set_today
from .sweep_cases import served_rectification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


def notices(record, code=None) -> list[Notice]:
    found = Notice.objects.filter(record=record).order_by("pk")
    return list(found.filter(type_code=code) if code else found)


def codes(record) -> list[str]:
    return [n.type_code for n in notices(record)]


def only(record, code) -> Notice:
    [notice] = notices(record, code)
    return notice


def issue(notice: Notice, *, officer, approver) -> Notice:
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the PDF, rendered eagerly in tests
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    return Notice.objects.get(pk=notice.pk)


# ── the table ───────────────────────────────────────────────────────────────────────


def test_the_table_names_real_steps_and_every_type_but_the_overdue_reminder():
    steps = {
        Record: RECORD_STEPS,
        Objection: OBJECTION_STEPS,
        Rectification: RECTIFICATION_STEPS,
        Accountability: ACCOUNTABILITY_STEPS,
        RepairApplication: REPAIR_STEPS,
        ExtensionRequest: {ext_svc.DECIDE.name: ext_svc.DECIDE},
    }
    for model, step in drafting.PRODUCED_AT:
        assert step in steps[model], (model, step)
    produced = {rule.code for rules in drafting.PRODUCED_AT.values() for rule in rules}
    # N11: the items are urged by a set-based sweep, not a step; notices.overdue_reminders drafts it.
    assert overdue_reminders.CODE not in produced
    assert not produced & set(drafting.PRODUCED_ABOVE)
    everything = produced | {overdue_reminders.CODE} | set(drafting.PRODUCED_ABOVE)
    assert everything == {t.code for t in types.all_types()}


# ── the record: N1, N2 + N3 served together as T8, N7, N21 ──────────────────────────────


def test_determination_drafts_n2_and_n3_whose_service_in_one_event_makes_the_record_effective(
    officer, approver, unit, issuer
):
    record = lifecycle.pre_notice(officer=officer, approver=approver, organisation=unit)
    assert codes(record) == ["N1"]
    record = record_svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
    )
    assert codes(record) == ["N1", "N2", "N3"]
    n2, n3 = only(record, "N2"), only(record, "N3")
    assert n2.state == n3.state == "DRAFT" and n2.drafted_by is None and n2.about is None
    assert n2.data["record_number"] == record.reference and n2.data["determination_date"] == "2026-01-15"
    assert n3.data["earliest_repair_date"] == (record.min_end + dt.timedelta(days=1)).isoformat()
    n2, n3 = (issue(n, officer=officer, approver=approver) for n in (n2, n3))
    assert n2.pdf_ready and n3.pdf_ready

    service = {"method": "MAIL", "served_on": dt.date(2026, 2, 2), "proof": "EMS 1234567890"}
    with pytest.raises(DomainError) as alone:
        services.notice_serve(acting_user=officer, notice_ids=[n2.pk], **service)
    assert alone.value.code == "serve_together"
    record.refresh_from_db()
    assert record.state == RecordState.DETERMINED and record.served_on is None
    assert Notice.objects.get(pk=n2.pk).state == "ISSUED"
    assert not ServiceEvent.objects.filter(notices__type_code__in=["N2", "N3"]).exists()

    event = services.notice_serve(acting_user=officer, notice_ids=[n2.pk, n3.pk], **service)

    record.refresh_from_db()
    assert record.state == RecordState.EFFECTIVE
    assert (record.served_on, record.service_method, record.service_proof) == (
        dt.date(2026, 2, 2),
        "MAIL",
        "EMS 1234567890",
    )
    assert record.public is rules.is_public(record, dt.date(2026, 2, 2)) is True
    assert SyncEvent.objects.filter(record=record, kind=SyncKind.CREATE).count() == 1
    assert not Deadline.objects.filter(record=record, kind="service", status="OPEN").exists()
    serve = AuditEntry.objects.get(record=record, action="serve")
    assert (serve.actor, serve.from_state, serve.to_state) == (officer, "DETERMINED", "EFFECTIVE")
    assert {n.state for n in event.notices.all()} == {"SERVED"}
    assert "N7" in codes(record)  # EFFECTIVE, and the subject is a body


def test_notices_served_after_the_record_was_served_leave_the_record_alone(officer, approver, unit, issuer):
    """A record served before its letters existed (no issuer then: the date typed in); the
    letters drafted by hand later and served record their service and leave the record be."""
    issuer.is_active = False
    issuer.save()
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert codes(record) == []
    issuer.is_active = True
    issuer.save()
    letters = [
        issue(draft(officer=officer, record=record, type_code=c), officer=officer, approver=approver)
        for c in ("N2", "N3")
    ]
    services.notice_serve(
        acting_user=officer,
        notice_ids=[n.pk for n in letters],
        method="IN_PERSON",
        served_on=dt.date(2026, 2, 2),
        proof="回证",
    )
    record.refresh_from_db()
    assert record.state == RecordState.EFFECTIVE and record.served_on == dt.date(2026, 1, 16)
    assert AuditEntry.objects.filter(record=record, action="serve").count() == 1


def test_a_person_gets_no_written_explanation_request(officer, approver, unit, issuer):
    person = PersonFactory(unit=unit)
    record = lifecycle.effective(officer=officer, approver=approver, person=person, category="ACC")
    assert codes(record) == ["N1", "N2", "N3"]


def test_an_incomplete_draft_never_fails_the_step_and_is_refused_at_approval_naming_the_gap(
    officer, approver, unit, issuer
):
    record = lifecycle.approved(officer=officer, approver=approver, organisation=unit)
    n1 = only(record, "N1")  # no evidence attached to the record: 证据摘要 is missing
    assert record.state == RecordState.PRE_NOTICE
    label = types.get("N1").label("evidence")
    entry = AuditEntry.objects.get(action="notice.draft", object_id=str(n1.pk))
    assert entry.actor is None and entry.actor_role == Role.SYSTEM and label in entry.reason
    with pytest.raises(DomainError) as refused:
        services.notice_approve(acting_user=approver, notice_id=n1.pk)
    assert refused.value.code == "notice_incomplete" and label in str(refused.value.message)


def test_a_failing_builder_leaves_the_step_done_and_its_notices_to_the_retry(
    officer, approver, unit, issuer, monkeypatch
):
    """The builder fails the reaction to the step, not the step: nothing is half-drafted,
    the reaction stays pending with its error; once the builder reads the case again, the
    retry drafts both notices in full (tests/test_reactions.py: through the API)."""
    built = context.n2

    def broken(record, obj):
        with connection.cursor() as cursor:  # a failed query too: PostgreSQL aborts the transaction
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(context, "n2", broken)
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    assert Record.objects.get(pk=record.pk).state == RecordState.DETERMINED
    assert codes(record) == ["N1"]
    [failed] = reactions.failed()
    assert (failed.step, failed.attempts, failed.object_id) == ("determine", 1, record.pk)
    assert "no_such_table" in failed.last_error

    monkeypatch.setattr(context, "n2", built)
    assert reactions.retry() == 1
    n2 = only(record, "N2")
    assert n2.data["record_number"] == record.reference and n2.data["determination_date"]
    assert only(record, "N3").data["earliest_repair_date"]
    assert not reactions.pending().exists()


def test_a_replayed_step_drafts_nothing_new_unless_the_open_draft_was_voided(officer, approver, unit, issuer):
    record = lifecycle.determined(officer=officer, approver=approver, organisation=unit)
    for _replay in range(2):
        drafting.draft_for_step(record, "determine", acting_user=approver)
    assert codes(record) == ["N1", "N2", "N3"]
    services.notice_void(acting_user=officer, notice_id=only(record, "N2").pk, reason="重拟")
    drafting.draft_for_step(record, "determine", acting_user=approver)
    assert [n.state for n in notices(record, "N2")] == ["VOIDED", "DRAFT"]


def test_without_an_issuer_the_steps_go_on_and_nothing_is_drafted(officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    assert record.state == RecordState.EFFECTIVE and not Notice.objects.exists()


def test_a_revocation_gets_n21_but_an_objection_decided_as_revocation_answers_with_n6(
    officer, approver, unit, liaison, issuer
):
    revoked = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    decided_records.record_revoke(
        acting_user=approver, record_id=revoked.pk, reason="原判决被撤销", document="（2026）粤19行再1号"
    )
    assert only(revoked, "N21").data["revoking_document"] == "（2026）粤19行再1号"

    record = lifecycle.effective(officer=officer, approver=approver, organisation=OrganisationFactory())
    subject = UserFactory(organisation=record.subject_organisation, roles=[Role.UNIT_LIAISON])
    objection = filed(subject=subject, record=record)
    objection_svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    objection_svc.objection_start_verification(acting_user=officer, objection_id=objection.pk)
    objection_svc.objection_extend(acting_user=approver, objection_id=objection.pk, reason="需向法院核实")
    objection_svc.objection_decide(
        acting_user=approver,
        objection_id=objection.pk,
        outcome="REVOKE",
        reason="款项已付清",
        document="复核意见",
    )
    assert Record.objects.get(pk=record.pk).state == RecordState.REVOKED
    assert codes(record)[4:] == ["N4", "N5", "N6"]
    assert only(record, "N4").data["variant"] == "accept" and only(record, "N6").about == objection


def test_each_answer_to_an_objection_is_a_draft_of_its_own_variant(officer, approver, unit, liaison, issuer):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = filed(subject=liaison, record=record)
    objection_svc.objection_request_supplement(
        acting_user=officer, objection_id=objection.pk, missing_items="付款凭证"
    )
    objection_svc.objection_supplement(
        acting_user=liaison,
        objection_id=objection.pk,
        complete_on=dt.date(2026, 2, 2),
        statement_addition="补充说明",
    )
    objection_svc.objection_refuse(acting_user=officer, objection_id=objection.pk, reason="不属于异议范围")
    answers = notices(record, "N4")
    assert [n.data["variant"] for n in answers] == ["supplement", "refuse"]
    assert all(n.about == objection for n in answers)
    assert answers[0].data["missing_items"] == ["付款凭证"]


# ── rectification: N8, N9, N13, N10, N12 ─────────────────────────────────────────────


@pytest.fixture
def september(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = "2026-09-01"
    return settings


def test_an_order_its_return_and_its_closing_are_drafted(september, officer, approver, unit, liaison, issuer):
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    order = rect_steps.submitted(
        officer=officer, approver=approver, unit=unit, liaison=liaison, head=head, count=2
    )
    record = order.record
    assert only(record, "N8").about == order and len(only(record, "N8").data["items"]) == 2
    first, second = order.items.order_by("number")
    rect_svc.rectification_start_review(acting_user=officer, rectification_id=order.pk)
    rect_svc.rectification_review(
        acting_user=officer,
        rectification_id=order.pk,
        decisions={first.pk: ("ACCEPT", ""), second.pk: ("RETURN", "凭证不全")},
    )
    assert only(record, "N9").data["items"] == [
        {"requirement": second.requirement, "return_reason": "凭证不全"}
    ]

    rect_steps.add_evidence(liaison, order, numbers=[2])
    rect_svc.rectification_sign_off(acting_user=head, rectification_id=order.pk, declaration=True)
    rect_svc.rectification_submit(acting_user=liaison, rectification_id=order.pk, truth_declared=True)
    rect_svc.rectification_start_review(acting_user=officer, rectification_id=order.pk)
    rect_svc.rectification_review(
        acting_user=officer, rectification_id=order.pk, decisions={second.pk: ("ACCEPT", "")}
    )
    n13 = only(record, "N13")
    assert len(n13.data["accepted_items"]) == 2 and n13.data["remaining_items"] == []


def test_an_extension_decision_is_drafted_as_n10(september, officer, approver, unit, liaison, issuer):
    order = rect_steps.in_progress(officer=officer, approver=approver, unit=unit)
    item = order.items.get()
    request = ext_svc.rectification_request_extension(
        acting_user=liaison, item_id=item.pk, days=10, reason="结算延迟"
    )
    ext_svc.rectification_decide_extension(acting_user=approver, request_id=request.pk, approve=True)
    n10 = only(order.record, "N10")
    assert n10.about == request and n10.data["variant"] == "approve"
    assert n10.data["items"][0]["old_deadline"] < n10.data["items"][0]["new_deadline"]


def test_the_escalation_sweep_drafts_the_supervision_notice_as_the_system(
    september, officer, approver, unit, issuer
):
    order = served_rectification(officer=officer, approver=approver, unit=unit, items=1)
    assert items_mark_overdue(dt.date(2026, 10, 9)) == 1
    assert items_escalate(dt.date(2026, 10, 23)) == 1
    n12 = only(order.record, "N12")
    assert n12.about == order and n12.drafted_by is None and n12.data["variant"] == "supervise"


# ── accountability: by track ──────────────────────────────────────────────────────────


def test_a_decision_is_drafted_per_person_by_track_and_a_unit_gets_a_recommendation(
    officer, approver, unit, issuer
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    day = dt.date(2026, 2, 1)
    one, two = PersonFactory(unit=unit, name="王五"), PersonFactory(unit=unit, name="赵六")
    supervisory = decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[one],
        decisions=[decision(one)],
        decided_on=day,
    )
    party = decided(
        officer=officer,
        approver=approver,
        record=record,
        persons=[two],
        track="PARTY",
        decisions=[decision(two, "ADMONITION", basis="《中国共产党问责条例》第八条")],
        decided_on=day,
    )
    unit_case = deliberated(officer=officer, record=record, unit=unit, track="PARTY")
    accountability_decide(
        acting_user=approver,
        accountability_id=unit_case.pk,
        decisions=[],
        unit_measure="CIRCULAR",
        decided_on=day,
    )
    decided(
        officer=officer, approver=approver, record=record, persons=[one], track="APPOINTING",
        decisions=[decision(one, "DEMERIT")], decided_on=day,
    )  # fmt: skip

    n14, n15, n16 = only(record, "N14"), only(record, "N15"), only(record, "N16")
    assert n14.about == Sanction.objects.get(accountability=supervisory)
    assert (n14.data["subject"]["name"], n14.data["sanction_type"]) == ("王五", "警告")
    assert (
        n15.about == Sanction.objects.get(accountability=party) and n15.data["accountability_form"] == "诫勉"
    )
    assert n16.about == Accountability.objects.get(pk=unit_case.pk)
    assert (n16.data["variant"], n16.data["addressee"]) == ("accountability", unit.name)
    assert codes(record).count("N14") == 1  # the appointing body's 处分决定书 is not ours


# ── credit repair: N17–N20 ────────────────────────────────────────────────────────────


def test_each_repair_answer_is_drafted(settings, officer, approver, unit, liaison, issuer):
    head = UserFactory(organisation=unit, roles=[Role.UNIT_HEAD])
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    apply = dict(
        acting_user=liaison,
        record_id=record.pk,
        commitment="本单位承诺依法履约。",
        commitment_signed_by_id=head.pk,
    )
    set_today(settings, "2026-04-15")
    premature = repair_svc.repair_apply(**apply)
    set_today(settings, "2026-04-16")
    application = repair_svc.repair_apply(**apply)
    repair_svc.repair_grant(acting_user=approver, application_id=application.pk)
    repair_svc.repair_revoke(acting_user=approver, application_id=application.pk, reason="提交虚假付款凭证")

    assert codes(record)[-4:] == ["N19", "N17", "N18", "N20"]
    assert only(record, "N19").about == premature and only(record, "N19").data["refusal_reasons"]
    assert only(record, "N17").about == application and only(record, "N17").data["variant"] == "accept"
    assert only(record, "N20").data["fraud_facts"] == "提交虚假付款凭证"


# ── the safety net: an issued notice whose PDF task was lost ─────────────────────────


def test_beat_queues_the_pending_renders_every_half_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["render pending notices"]
    assert entry["task"] == tasks.render_pending.name == "notices.tasks.render_pending"
    assert entry["schedule"].run_every.total_seconds() == settings.CHENGXIN_RENDER_SWEEP_SECONDS == 30
    assert entry["options"] == {"expire_seconds": 30}
    assert entry["kwargs"] == {"older_than_seconds": 60}
