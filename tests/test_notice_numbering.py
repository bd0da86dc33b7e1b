"""Document numbers (DOMAIN §8.2): the format, one gap-free series per (issuer, type, year),
no reuse after voiding, no gap after a failed issue, and must-show 3: 50 notices issued at
once on PostgreSQL get exactly 1–50."""

import re

import pytest

from casework import audit
from casework.roles import Role
from notices import numbering, services, tasks
from notices.models import Notice, NoticeSequence, VoidedNumber

from . import concurrency, lifecycle
from .factories import OrganisationFactory, UserFactory
from .notice_cases import (  # noqa: F401
    complete,
    draft,
    issue,
    issued,
    make_issuer,
    record_fixture,
    without_notices,
)

NUMBER = re.compile(r"^.+〔\d{4}〕[1-9]\d*号$")


def test_the_number_has_the_year_in_full_in_hexagonal_brackets_and_no_leading_zero():
    number = numbering.format_number("东监", "失告", 2026, 7)
    assert number == "东监失告〔2026〕7号"
    assert NUMBER.match(number) and "第" not in number


@pytest.fixture
def no_rendering(monkeypatch):
    """Numbering tests need no PDFs: record the queued renders instead."""
    queued = []
    monkeypatch.setattr(tasks.render_notice, "delay_on_commit", queued.append)
    return queued


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today", "issuer", "no_rendering")
class TestSeries:
    def test_each_issuer_type_and_year_has_its_own_series(self, officer, approver, record, settings):
        numbers = [
            issued(officer=officer, approver=approver, record=record, type_code="N8").number for _ in range(3)
        ]
        assert numbers == ["东监整改〔2026〕1号", "东监整改〔2026〕2号", "东监整改〔2026〕3号"]
        assert (
            issued(officer=officer, approver=approver, record=record, type_code="N3").number
            == "东监修告〔2026〕1号"
        )

        other = make_issuer(name="东莞市发展和改革局", agency_code="东发改", is_default=False)
        notice = services.notice_draft(
            acting_user=officer,
            type_code="N8",
            record_id=record.pk,
            data=draft_data(record),
            issuer_id=other.pk,
        )
        assert issue(officer=officer, approver=approver, notice=notice).number == "东发改整改〔2026〕1号"

        settings.CHENGXIN_TODAY = "2027-01-04"
        assert (
            issued(officer=officer, approver=approver, record=record, type_code="N8").number
            == "东监整改〔2027〕1号"
        )

    def test_a_voided_number_is_logged_and_never_given_out_again(self, officer, approver, record):
        first = issued(officer=officer, approver=approver, record=record)
        services.notice_void(acting_user=approver, notice_id=first.pk, reason="事实表述错误，重新起草")
        second = issued(officer=officer, approver=approver, record=record)
        assert (first.sequence, second.sequence) == (1, 2)
        assert VoidedNumber.objects.get().number == first.number
        assert Notice.objects.get(pk=first.pk).number == first.number  # it keeps its number

    def test_an_issue_that_fails_after_taking_a_number_leaves_no_gap(
        self, officer, approver, record, monkeypatch
    ):
        notice = draft(officer=officer, record=record)
        services.notice_approve(acting_user=approver, notice_id=notice.pk)

        def audit_down(*args, **kwargs):
            raise RuntimeError("audit store unavailable")

        with monkeypatch.context() as patch:
            patch.setattr(audit, "append", audit_down)
            with pytest.raises(RuntimeError):
                services.notice_issue(acting_user=officer, notice_id=notice.pk)
        assert Notice.objects.get(pk=notice.pk).number is None
        assert services.notice_issue(acting_user=officer, notice_id=notice.pk).number.endswith("〔2026〕1号")


def draft_data(record):
    return complete("N8", record)


# ── must-show 3 ───────────────────────────────────────────────────────────────────


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_notices_issued_at_once_get_numbers_one_to_fifty(settings, no_rendering):
    settings.CHENGXIN_TODAY = "2026-02-02"
    make_issuer()
    officer = UserFactory(roles=[Role.OFFICER])
    approver = UserFactory(roles=[Role.APPROVER])
    signers = [UserFactory(roles=[Role.OFFICER]) for _ in range(10)]
    # The record is only the notices' case: reached with no notice of its own (rendering is off here).
    record = without_notices(
        lambda: lifecycle.effective(officer=officer, approver=approver, organisation=OrganisationFactory())
    )
    notices = [draft(officer=officer, record=record) for _ in range(50)]
    for notice in notices:
        services.notice_approve(acting_user=approver, notice_id=notice.pk)

    def issue_batch(signer, batch):
        return lambda: [services.notice_issue(acting_user=signer, notice_id=n.pk).number for n in batch]

    # All ten signers start issuing at the same moment.
    batches = [issue_batch(signers[i], notices[i::10]) for i in range(10)]
    outcomes = concurrency.at_once(batches, together=True)
    assert not concurrency.failures(outcomes), outcomes
    numbers = [n for batch in outcomes for n in batch]

    stored = Notice.objects.filter(pk__in=[n.pk for n in notices])
    assert sorted(stored.values_list("sequence", flat=True)) == list(range(1, 51))
    assert sorted(numbers) == sorted(f"东监整改〔2026〕{n}号" for n in range(1, 51))
    assert len(set(numbers)) == 50
    assert NoticeSequence.objects.get(type_code="N8", year=2026).last == 50
    assert len(no_rendering) == 50  # each issue queued its PDF once
