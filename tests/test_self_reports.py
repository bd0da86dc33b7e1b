"""Units' self-reports (DOMAIN §9.9), through the pages the liaison and the officer use."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import calendar
from casework.models import Category, LeadSource, Record
from oversight.alerts import active_alerts
from oversight.models import AlertState, QuarterlyReport, RiskAlert, SelfReport
from oversight.selfreports.alerts import DUE_SOON, OVERDUE, sync_report_alerts
from oversight.selfreports.queries import late_reports

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NEW = reverse("selfreports-new")
UNIT_PAGE = reverse("selfreports-unit")
WORK_LIST = reverse("selfreports-work")
GRID = reverse("selfreports-grid")


def wd(start: dt.date, n: int) -> dt.date:
    return calendar.add_working_days(start, n).date


def report_days() -> int:
    return django_settings.CHENGXIN["SELF_REPORTS"]["REPORT_WORKING_DAYS"]


def quarterly_days() -> int:
    return django_settings.CHENGXIN["SELF_REPORTS"]["QUARTERLY_WORKING_DAYS"]


def judgment(received_on: dt.date, number="（2026）粤1971民初123号", kind="judgment") -> dict:
    return {
        "kind": kind,
        "document_number": number,
        "issuing_body": "东莞市第一人民法院",
        "received_on": received_on.isoformat(),
        "summary": "判决本单位支付拖欠工程款。",
    }


def at(settings, day: dt.date) -> None:
    settings.CHENGXIN_TODAY = day.isoformat()


RECEIVED = dt.date(2026, 3, 2)  # a Monday: its 5 WD end Mon 2026-03-09


class TestSelfReport:
    def test_a_judgment_reported_six_working_days_after_receipt_is_late_and_a_lead(
        self, client, settings, liaison, unit, officer
    ):
        at(settings, wd(RECEIVED, report_days() + 1))
        client.force_login(liaison)
        response = client.post(NEW, judgment(RECEIVED))
        report = SelfReport.objects.get()
        assert response.status_code == 302
        assert report.due_on == wd(RECEIVED, report_days()) == dt.date(2026, 3, 9)
        assert report.late
        lead = report.record
        assert (lead.source, lead.category, lead.subject_organisation) == (
            LeadSource.SELF_REPORT,
            Category.JUD,
            unit,
        )
        assert "（2026）粤1971民初123号" in lead.lead_content
        assert "逾期报告" in client.get(UNIT_PAGE).content.decode()

        client.force_login(officer)
        assert lead.reference in client.get(reverse("work-case-list")).content.decode()
        listed = client.get(WORK_LIST, {"late": "yes"}).content.decode()
        assert lead.reference in listed and reverse("case-detail", args=[lead.pk]) in listed
        assert lead.reference not in client.get(WORK_LIST, {"late": "no"}).content.decode()
        assert lead.reference not in client.get(WORK_LIST, {"kind": "penalty"}).content.decode()

    def test_a_report_within_five_working_days_is_on_time(self, client, settings, head):
        at(settings, wd(RECEIVED, report_days()))
        client.force_login(head)
        assert client.post(NEW, judgment(RECEIVED)).status_code == 302
        report = SelfReport.objects.get()
        assert (report.late, report.submitted_by) == (False, head)

    def test_the_same_document_reported_again_is_refused_and_makes_no_second_lead(
        self, client, settings, liaison
    ):
        at(settings, dt.date(2026, 3, 4))
        client.force_login(liaison)
        client.post(NEW, judgment(RECEIVED))
        again = client.post(NEW, judgment(RECEIVED, number="(2026)粤1971民初 123 号"))
        assert again.status_code == 400
        assert "文书号：本单位已于2026-03-04报告过该文书" in again.content.decode()
        assert SelfReport.objects.count() == 1
        assert Record.objects.filter(source=LeadSource.SELF_REPORT).count() == 1

    def test_a_penalty_becomes_a_pen_lead(self, client, settings, liaison):
        at(settings, dt.date(2026, 3, 4))
        client.force_login(liaison)
        client.post(NEW, judgment(RECEIVED, number="东市监罚〔2026〕8号", kind="penalty"))
        assert SelfReport.objects.get().record.category == Category.PEN

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"document_number": ""}, "请填写文书号。"),
            ({"issuing_body": " "}, "请填写作出机关。"),
            ({"received_on": "2026-03-05"}, "收到日期不能晚于今天。"),
            ({"received_on": "昨天"}, "请填写有效的收到日期（年-月-日）。"),
            ({"kind": "rumour"}, "请选择报告类别。"),
        ],
    )
    def test_a_refusal_names_the_field(self, client, settings, liaison, change, message):
        at(settings, dt.date(2026, 3, 4))
        client.force_login(liaison)
        response = client.post(NEW, {**judgment(RECEIVED), **change})
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not SelfReport.objects.exists()


class TestWhoSeesWhat:
    @pytest.fixture
    def report(self, client, settings, liaison):
        at(settings, dt.date(2026, 3, 4))
        client.force_login(liaison)
        client.post(NEW, judgment(RECEIVED))
        client.logout()
        return SelfReport.objects.get()

    def test_another_units_liaison_gets_404_for_the_report_and_403_for_the_commissions_pages(
        self, client, report, other_liaison
    ):
        client.force_login(other_liaison)
        assert client.get(reverse("selfreports-detail", args=[report.pk])).status_code == 404
        assert report.document_number not in client.get(UNIT_PAGE).content.decode()
        assert client.get(WORK_LIST).status_code == 403
        assert client.get(GRID).status_code == 403

    def test_the_units_own_liaison_and_the_officer_see_it(self, client, report, liaison, officer):
        for user in (liaison, officer):
            client.force_login(user)
            page = client.get(reverse("selfreports-detail", args=[report.pk]))
            assert page.status_code == 200 and report.document_number in page.content.decode()

    def test_the_navigation_leads_each_to_their_page(self, client, liaison, officer):
        client.force_login(liaison)
        assert f'href="{UNIT_PAGE}"' in client.get(reverse("unit-home")).content.decode()
        client.force_login(officer)
        assert f'href="{WORK_LIST}"' in client.get(reverse("work-case-list")).content.decode()

    def test_a_civil_servant_and_an_officer_have_no_unit_reporting_pages(
        self, client, civil_servant, officer
    ):
        for user in (civil_servant, officer):
            client.force_login(user)
            assert client.get(UNIT_PAGE).status_code == 403
            assert client.post(NEW, judgment(RECEIVED)).status_code == 403
        client.force_login(civil_servant)
        assert client.get(WORK_LIST).status_code == 403
        assert not SelfReport.objects.exists()


Q1_END = dt.date(2026, 3, 31)


def quarterly(year=2026, quarter=1):
    return reverse("selfreports-quarterly", args=[year, quarter])


class TestQuarterlyReport:
    def test_a_nil_report(self, client, settings, liaison, unit):
        at(settings, dt.date(2026, 4, 2))
        client.force_login(liaison)
        assert "报送季度报告" in client.get(UNIT_PAGE).content.decode()
        response = client.post(quarterly(), {"answer": "nil"})
        assert response.status_code == 302
        report = QuarterlyReport.objects.get()
        assert (report.organisation, report.nil, report.late) == (unit, True, False)
        assert report.due_on == wd(Q1_END, quarterly_days())
        assert not report.items.exists()
        again = client.post(quarterly(), {"answer": "nil"})
        assert (
            again.status_code == 400
            and "季度：本单位2026年第1季度的季度报告已于2026-04-02报送。" in again.content.decode()
        )

    def test_nil_is_refused_when_the_quarter_had_a_self_report_and_a_list_names_it(
        self, client, settings, liaison
    ):
        at(settings, dt.date(2026, 3, 4))
        client.force_login(liaison)
        client.post(NEW, judgment(RECEIVED))
        self_report = SelfReport.objects.get()
        at(settings, dt.date(2026, 4, 2))
        nil = client.post(quarterly(), {"answer": "nil"})
        assert nil.status_code == 400
        assert "本季度无失信情况：本单位本季度已报告1件" in nil.content.decode()
        empty = client.post(quarterly(), {"answer": "list"})
        assert "报告事项：请选择本季度的报告事项" in empty.content.decode()
        assert client.post(quarterly(), {"answer": "list", "items": [self_report.pk]}).status_code == 302
        assert list(QuarterlyReport.objects.get().items.all()) == [self_report]

    def test_a_quarter_not_ended_cannot_be_reported(self, client, settings, liaison):
        at(settings, dt.date(2026, 4, 2))
        client.force_login(liaison)
        response = client.post(quarterly(2026, 2), {"answer": "nil"})
        assert response.status_code == 400
        assert "季度：2026年第2季度尚未结束" in response.content.decode()
        assert not QuarterlyReport.objects.exists()

    def test_the_grid_shows_who_reported_and_who_is_missing(
        self, client, settings, liaison, unit, other_unit, officer
    ):
        at(settings, dt.date(2026, 4, 2))
        client.force_login(liaison)
        client.post(quarterly(), {"answer": "nil"})
        at(settings, wd(Q1_END, quarterly_days() + 1))
        client.force_login(officer)
        page = client.get(GRID, {"year": 2026}).content.decode()
        ours = page[page.index(unit.name) :].split("</tr>")[0]
        theirs = page[page.index(other_unit.name) :].split("</tr>")[0]
        assert "已报送" in ours and "逾期未报" not in ours
        assert "逾期未报" in theirs


class TestAlerts:
    def _alerts(self, rule, unit):
        return RiskAlert.objects.filter(rule_id=rule, organisation=unit)

    def test_the_reminder_is_raised_once_and_resolved_after_the_report(self, client, settings, liaison, unit):
        due_on = wd(Q1_END, quarterly_days())
        four_before = dt.date(2026, 4, 9)
        assert calendar.working_days_left(due_on, four_before) == 4
        sync_report_alerts(four_before)
        assert not self._alerts(DUE_SOON, unit).exists()

        three_before = dt.date(2026, 4, 10)
        assert calendar.working_days_left(due_on, three_before) == 3
        first = sync_report_alerts(three_before)
        second = sync_report_alerts(three_before)
        assert first[DUE_SOON]["raised"] >= 1 and second[DUE_SOON]["raised"] == 0
        [alert] = self._alerts(DUE_SOON, unit)
        assert (alert.state, alert.level, alert.owner_role, alert.due_on) == (
            "open",
            "blue",
            "unit_liaison",
            due_on,
        )
        assert alert in active_alerts(liaison)

        at(settings, three_before)
        client.force_login(liaison)
        client.post(quarterly(), {"answer": "nil"})
        sync_report_alerts(three_before)
        alert.refresh_from_db()
        assert alert.state == AlertState.RESOLVED

    def test_an_unreported_quarter_is_flagged_overdue_the_day_after_its_due_day(self, unit, other_unit):
        due_on = wd(Q1_END, quarterly_days())
        sync_report_alerts(due_on)
        assert not self._alerts(OVERDUE, unit).exists()
        assert self._alerts(DUE_SOON, unit).get().state == AlertState.OPEN
        day_after = due_on + dt.timedelta(days=1)
        sync_report_alerts(day_after)
        assert self._alerts(OVERDUE, unit).get().level == "orange"
        assert self._alerts(DUE_SOON, unit).get().state == AlertState.RESOLVED


def test_the_evaluators_take_the_same_queries_for_two_units_as_for_twelve(
    django_assert_num_queries, unit, other_unit
):
    from oversight.models import RiskRule
    from oversight.selfreports.alerts import EVALUATORS

    day = wd(Q1_END, quarterly_days() + 1)
    rules = RiskRule.objects.in_bulk(list(EVALUATORS))
    counted = {}
    for code, evaluate in EVALUATORS.items():
        with CaptureQueriesContext(connection) as few:
            assert len([c for c in evaluate(rules[code], day) if c.organisation_id == unit.pk]) == (
                code == OVERDUE
            )
        counted[code] = len(few.captured_queries)
    OrganisationFactory.create_batch(10)
    for code, evaluate in EVALUATORS.items():
        with django_assert_num_queries(counted[code]):
            evaluate(rules[code], day)


def test_late_reports_for_the_annual_assessment(client, settings, liaison, unit, other_unit):
    at(settings, wd(RECEIVED, report_days() + 1))
    client.force_login(liaison)
    client.post(NEW, judgment(RECEIVED))
    reference = SelfReport.objects.get().record.reference
    late_day = wd(Q1_END, quarterly_days() + 2)
    at(settings, late_day)
    client.post(quarterly(), {"answer": "list", "items": [SelfReport.objects.get().pk]})

    found = late_reports(2026, today=late_day)
    ours = dict(found[unit.pk])
    assert "逾期1个工作日" in ours[reference]
    quarter = ours["2026年第1季度"]
    assert "2026年第1季度的季度报告应于" in quarter and "至今未报送" not in quarter
    assert "至今未报送" in dict(found[other_unit.pk])["2026年第1季度"]
    assert late_reports(2025, today=late_day) == {}
