"""The life of a notice through notices.services: draft (scenario 24), approve, issue, serve
(scenario 27, consent), void; roles, separation of duties and the audit trail."""

import datetime as dt
import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType

from casework.errors import DomainError, NotFoundError, PermissionDeniedError
from casework.models import AuditEntry
from casework.roles import Role
from notices import services, types
from notices.models import Notice, NoticeState, ServiceEvent, VoidedNumber

from .factories import UserFactory
from .notice_cases import complete, draft, issue, issued, make_issuer, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

S = NoticeState


def actions(notice) -> list[str]:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Notice), object_id=str(notice.pk), record=notice.record
    )
    return list(entries.values_list("action", flat=True))


# ── draft ─────────────────────────────────────────────────────────────────────────


def test_a_draft_snapshots_its_data_with_the_issuer_that_will_number_it(officer, record):
    notice = draft(officer=officer, record=record, type_code="N2", addressee="东莞市甲局")
    assert notice.state == S.DRAFT
    assert notice.number is None and notice.verify_code is None and not notice.pdf_ready
    assert notice.data["addressee"] == "东莞市甲局"
    assert notice.data["issuer"]["name"] == "东莞市监察委员会" and notice.data["issuer"]["code"] == "东监"
    assert notice.template_version == types.get("N2").template_version
    assert actions(notice) == ["notice.draft"]


def test_the_record_and_the_issuer_fill_the_two_letters_without_typing(officer, record):
    for code in ("N2", "N3"):
        notice = services.notice_draft(acting_user=officer, type_code=code, record_id=record.pk)
        assert notice.data["record_number"] == record.reference
        assert notice.data["contact"] == "0769-12345678"  # the issuer's


def test_what_neither_record_nor_issuer_knows_must_be_typed_in(officer, record):
    with pytest.raises(DomainError) as refused:
        services.notice_draft(acting_user=officer, type_code="N21", record_id=record.pk)
    assert types.get("N21").label("revoking_document") in str(refused.value.message)


@pytest.mark.parametrize("code", [nt.code for nt in types.all_types() if nt.about_record])
def test_every_type_refuses_a_draft_missing_a_required_field_and_names_it(officer, record, code, monkeypatch):
    """Scenario 24, for every type: the message names the missing field in Chinese. The data
    is all given by the drafter here (the builders need their sub-process objects)."""
    monkeypatch.setattr(types.NoticeType, "build_data", lambda self, record, obj=None: {})
    notice_type = types.get(code)
    data = complete(code, record)
    # The type's own last required field (the common ones come first).
    key = [k for k in notice_type.required_for(data) if "[]" not in k and k != "issuer.name"][-1]
    top = key.split(".")[0]
    data[top] = {} if "." in key else ""
    with pytest.raises(DomainError) as refused:
        services.notice_draft(acting_user=officer, type_code=code, record_id=record.pk, data=data)
    assert refused.value.code == "notice_incomplete" and refused.value.field == "data"
    assert notice_type.label(key) in str(refused.value.message)
    assert not Notice.objects.exists()


def test_a_type_about_no_record_is_never_drafted_in_a_case(officer, record):
    data = complete("N24", record)
    with pytest.raises(DomainError) as refused:
        services.notice_draft(acting_user=officer, type_code="N24", record_id=record.pk, data=data)
    assert refused.value.field == "type_code"
    assert "年度政务诚信考核评价结果通报" in str(refused.value.message)
    assert not Notice.objects.exists()


def test_only_an_officer_drafts_and_only_for_a_record_they_may_see(approver, liaison, record):
    data = complete("N2", record)
    with pytest.raises(PermissionDeniedError):
        services.notice_draft(acting_user=approver, type_code="N2", record_id=record.pk, data=data)
    with pytest.raises(NotFoundError):
        services.notice_draft(acting_user=liaison, type_code="N2", record_id=record.pk + 999, data=data)
    with pytest.raises(DomainError) as unknown:
        services.notice_draft(
            acting_user=UserFactory(roles=[Role.OFFICER]), type_code="N99", record_id=record.pk, data=data
        )
    assert unknown.value.field == "type_code"


# ── approve and issue ─────────────────────────────────────────────────────────────


def test_the_drafter_cannot_approve_their_own_notice(record):
    both = UserFactory(roles=[Role.OFFICER, Role.APPROVER])
    notice = draft(officer=both, record=record, type_code="N3")
    with pytest.raises(PermissionDeniedError) as refused:
        services.notice_approve(acting_user=both, notice_id=notice.pk)
    assert refused.value.code == "separation_of_duties"


def test_issuing_numbers_dates_freezes_and_renders_the_notice(officer, approver, record):
    notice = issued(officer=officer, approver=approver, record=record, type_code="N3")
    assert notice.state == S.ISSUED
    assert (notice.number, notice.year, notice.sequence) == ("东监修告〔2026〕1号", 2026, 1)
    assert notice.issued_on == dt.date(2026, 2, 2)
    assert notice.approved_by == approver and notice.issued_by == officer
    assert len(notice.verify_code) == 10 and set(notice.verify_code) <= set(services.VERIFY_ALPHABET)
    assert notice.pdf_ready and bytes(notice.pdf).startswith(b"%PDF-")
    assert notice.sha256 == hashlib.sha256(bytes(notice.pdf)).hexdigest()
    assert actions(notice) == ["notice.draft", "notice.approve", "notice.issue", "notice.render"]
    rendered = AuditEntry.objects.get(action="notice.render")
    assert rendered.diff["sha256"] == ["", notice.sha256]  # the hash is in the hash-chained trail


def test_an_issuer_without_a_seal_cannot_issue(officer, approver, record):
    unsealed = make_issuer(name="东莞市某局", agency_code="东某", is_default=False, seal_image=b"")
    notice = services.notice_draft(
        acting_user=officer,
        type_code="N3",
        record_id=record.pk,
        data=complete("N3", record),
        issuer_id=unsealed.pk,
    )
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with pytest.raises(DomainError) as refused:
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    assert refused.value.code == "no_seal"
    assert Notice.objects.get(pk=notice.pk).number is None


def test_a_notice_is_issued_only_once_and_only_after_approval(officer, approver, record):
    notice = draft(officer=officer, record=record, type_code="N3")
    with pytest.raises(DomainError) as unapproved:
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    assert unapproved.value.code == "illegal_transition"
    notice = issue(officer=officer, approver=approver, notice=notice)
    with pytest.raises(DomainError):
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    assert not services.notice_store_pdf(notice_id=notice.pk)  # a second delivery of the task
    assert Notice.objects.get(pk=notice.pk).sha256 == notice.sha256


def test_the_subject_side_cannot_take_any_step(officer, approver, liaison, record):
    notice = issued(officer=officer, approver=approver, record=record, type_code="N3")
    with pytest.raises(PermissionDeniedError):
        services.notice_void(acting_user=liaison, notice_id=notice.pk, reason="不想要")


# ── serve ─────────────────────────────────────────────────────────────────────────


def serve(officer, notices, method="IN_PERSON", served_on=dt.date(2026, 2, 2), consent=False):
    return services.notice_serve(
        acting_user=officer,
        notice_ids=[n.pk for n in notices],
        method=method,
        served_on=served_on,
        proof="送达回证第 12 号",
        consent=consent,
    )


@pytest.fixture
def two_letters(officer, approver, record):
    """The 政务失信记录告知书 and the 信用修复告知书 of one record, issued."""
    return [
        issued(officer=officer, approver=approver, record=record, type_code=code) for code in ("N2", "N3")
    ]


def test_the_two_letters_are_served_together_or_not_at_all(officer, two_letters):
    """Scenario 27 (两书同达): either letter alone is refused, both in one event are served."""
    record_letter, repair_letter = two_letters
    for alone in ([record_letter], [repair_letter]):
        with pytest.raises(DomainError) as refused:
            serve(officer, alone)
        assert refused.value.code == "serve_together"
    assert not ServiceEvent.objects.exists()
    event = serve(officer, two_letters)
    assert set(event.notices.all()) == set(two_letters)
    assert {n.state for n in Notice.objects.filter(pk__in=[n.pk for n in two_letters])} == {S.SERVED}
    assert actions(record_letter)[-1] == "notice.serve"


def test_electronic_service_needs_the_recipients_consent(officer, two_letters):
    with pytest.raises(DomainError) as refused:
        serve(officer, two_letters, method="ELECTRONIC")
    assert refused.value.code == "consent_required"
    event = serve(officer, two_letters, method="ELECTRONIC", consent=True)
    assert event.recipient_consent is True


def test_service_cannot_predate_issue_nor_happen_twice(officer, two_letters):
    with pytest.raises(DomainError) as early:
        serve(officer, two_letters, served_on=dt.date(2026, 2, 1))
    assert early.value.code == "date_order"
    serve(officer, two_letters)
    with pytest.raises(DomainError) as again:
        serve(officer, two_letters)
    assert again.value.code == "not_issued"


def test_a_draft_cannot_be_served(officer, record):
    notice = draft(officer=officer, record=record, type_code="N8")
    with pytest.raises(DomainError) as refused:
        serve(officer, [notice])
    assert refused.value.code == "not_issued"


# ── void ──────────────────────────────────────────────────────────────────────────


def test_an_officer_voids_a_draft_but_only_an_approver_voids_an_issued_notice(officer, approver, record):
    drafted = draft(officer=officer, record=record, type_code="N8")
    assert (
        services.notice_void(acting_user=officer, notice_id=drafted.pk, reason="起草有误").state == S.VOIDED
    )
    assert not VoidedNumber.objects.exists()  # no number was used

    notice = issued(officer=officer, approver=approver, record=record, type_code="N8")
    with pytest.raises(PermissionDeniedError):
        services.notice_void(acting_user=officer, notice_id=notice.pk, reason="文号错误")
    with pytest.raises(DomainError):
        services.notice_void(acting_user=approver, notice_id=notice.pk, reason="  ")
    voided = services.notice_void(acting_user=approver, notice_id=notice.pk, reason="送达前发现事实表述错误")
    assert voided.state == S.VOIDED and voided.number == notice.number and voided.sha256 == notice.sha256
    logged = VoidedNumber.objects.get()
    assert (logged.number, logged.voided_by, logged.reason) == (
        notice.number,
        approver,
        "送达前发现事实表述错误",
    )


def test_a_served_notice_cannot_be_voided(officer, approver, two_letters):
    serve(officer, two_letters)
    with pytest.raises(DomainError) as refused:
        services.notice_void(acting_user=approver, notice_id=two_letters[0].pk, reason="撤回")
    assert refused.value.code == "illegal_transition"
