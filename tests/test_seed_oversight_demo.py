"""`manage.py seed_oversight_demo`: run after `seed_demo` and `seed_exchange_demo` as `make run`
runs them, it fills the assessment, commitment, integrity-file and self-report pages through the
real services.

The three commands run once per module inside a transaction rolled back at the end (as
tests/test_seed_exchange_demo.py does), so the tests share one seeded database.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings

from casework.models import AuditEntry, Category, Organisation, Record, User
from oversight import demo as oversight_demo
from oversight.assessment import scoring
from oversight.assessment.notice import result_notices
from oversight.commitments.lifecycle import ChangeState, CommitmentState, MilestoneState, Reason
from oversight.integrity.queries import people_without_file
from oversight.models import (
    Assessment,
    AssessmentState,
    ChangeRequest,
    Commitment,
    FileEntry,
    IntegrityFile,
    LineOrigin,
    Milestone,
    QuarterlyReport,
    ResultObjection,
    RiskAlert,
    ScoreLine,
    SelfReport,
)
from oversight.models.assessment import ObjectionState

TODAY = dt.date(2026, 11, 28)  # tests/test_seed_demo.py's

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = io.StringIO()
    with override_settings(CHENGXIN_TODAY=TODAY.isoformat()):
        call_command(command, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            run("seed_demo")
            run("seed_exchange_demo")
            yield run("seed_oversight_demo")
        finally:
            TestCase._rollback_atomics(atomics)


def page(username: str, url: str) -> str:
    client = Client()
    assert client.login(username=username, password="chengxin-demo")
    with override_settings(CHENGXIN_TODAY=TODAY.isoformat()):
        response = client.get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.content.decode()


def counts() -> dict[str, int]:
    models = [
        Assessment, ScoreLine, ResultObjection, Commitment, Milestone, ChangeRequest, IntegrityFile,
        FileEntry, SelfReport, QuarterlyReport, RiskAlert, Record, AuditEntry, Organisation, User,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_assessment_is_approved_by_another_user_with_a_result_for_every_unit(seeded):
    year = Assessment.objects.get(year=2026)
    assert year.state == AssessmentState.APPROVED
    assert year.submitted_by.username == "assessor" and year.approved_by.username == "approver"
    assessed = set(scoring.assessed_units().values_list("pk", flat=True))
    assert assessed and set(year.results.values_list("organisation_id", flat=True)) == assessed
    assert all(result.grade for result in year.results.all())
    manual = year.lines.filter(origin=LineOrigin.MANUAL)
    assert sorted(line.points > 0 for line in manual) == [False, True]
    assert all(line.reason for line in manual)
    objection = year.objections.get()
    assert objection.state == ObjectionState.PENDING
    assert objection.organisation.short_name == "市交通运输局"

    assert "2026" in page("assessor", "/work/assessment/")
    ranking = page("assessor", "/work/assessment/2026/")
    assert ranking.count("<tr data-unit=") == len(assessed)
    assert objection.organisation.name in ranking
    result = year.results.get(organisation=objection.organisation)
    unit = page("liaison", "/unit/assessment/")
    assert "2026 年度" in unit and result.grade in unit
    own_page = page("liaison", "/unit/assessment/2026/")
    assert objection.reason in own_page
    # each assessed unit was sent its result notice on approval
    notices = result_notices(year)
    assert sorted(notices.values_list("addressed_to_id", flat=True)) == sorted(assessed)
    assert notices.get(addressed_to=objection.organisation).number in own_page


def test_commitments_in_every_state_and_the_restructuring_lead(seeded):
    states = dict(Commitment.objects.values_list("promisor__short_name", "state"))
    assert states["市交通运输局"] == CommitmentState.PERFORMED
    missed = Milestone.objects.get(commitment__promisor__short_name="石龙镇")
    assert missed.state == MilestoneState.MISSED and missed.reason == Reason.RESTRUCTURING
    assert missed.lead is not None and missed.lead.category == Category.PRM
    soon = Milestone.objects.get(commitment__promisor__short_name="茶山镇")
    assert soon.state == MilestoneState.PENDING and TODAY < soon.due_on <= TODAY + dt.timedelta(days=30)
    change = ChangeRequest.objects.get()
    assert change.state == ChangeState.SUBMITTED and change.submitted_by.username == "liaison2"

    html = page("officer", "/work/commitments/")
    for title in ("新能源公交车运营补贴", "招商引资项目投资协议", "河堤加固工程施工合同", "为民办实事"):
        assert title in html


def test_files_leave_someone_out_and_the_reports_fill_the_units_page(seeded):
    assert people_without_file().count() >= 1
    assert IntegrityFile.objects.count() >= 3 and FileEntry.objects.count() >= 3
    html = page("hr_admin", "/work/integrity/")
    total = html.split('id="coverage-total"', 1)[1].split("</tr>", 1)[0]
    assert 'class="overdue"' in total and "100.0%" not in total

    late = SelfReport.objects.get(organisation__short_name="虎门镇")
    assert late.late and late.record is not None
    assert not SelfReport.objects.get(organisation__short_name="市交通运输局").late
    nil = QuarterlyReport.objects.get()
    assert nil.nil and (nil.year, nil.quarter) == (2026, 3)
    assert RiskAlert.objects.exists()
    html = page("liaison", "/unit/reports/")
    assert "（2026）粤1971民初8812号" in html


def test_a_second_run_changes_nothing_and_says_so(seeded):
    before = counts()
    output = run("seed_oversight_demo")
    assert counts() == before
    assert "未作任何更改" in output and "未作任何更改" not in seeded


def test_without_the_base_demo_it_does_nothing(seeded, monkeypatch):
    monkeypatch.setattr(oversight_demo, "NEEDED_USERS", (*oversight_demo.NEEDED_USERS, "nobody"))
    before = counts()
    assert "seed_demo" in run("seed_oversight_demo")
    assert counts() == before
