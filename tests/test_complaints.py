"""Complaint intake (issue 11 item 1, DOMAIN §9.3): the hotline's API and the export import
are idempotent on the work order, the import filters at the door and reports every row, the
complainant is masked for everyone but those who call back, and only the triage roles triage."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from casework import audit, rules
from casework.models import Record
from casework.roles import Role
from casework.rule_table import RuleCode
from exchange import batches
from exchange.complaints import services
from exchange.models import Complaint, ImportBatch, ImportRow, Outbound, RowOutcome

from .api_fixtures import api
from .complaint_cases import integration_user, order, token_client, xlsx
from .factories import UserFactory

pytestmark = pytest.mark.django_db
HOTLINE = "/api/complaints/hotline/"


@pytest.fixture
def operator(db):
    return UserFactory(username="intake", roles=[Role.INTAKE_OPERATOR])


@pytest.fixture
def hotline(db):
    return integration_user()


def upload(client, data: bytes, name="12345工单.xlsx", **extra):
    """The import page, with the worker's task run as the commit would queue it (eagerly)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/work/complaints/import/", {"file": SimpleUploadedFile(name, data), **extra})
    assert response.status_code == 302, response.content.decode()[:500]
    batch = ImportBatch.objects.latest("pk")
    assert response["Location"] == f"/work/imports/{batch.pk}/"  # the shared batch page
    return batch


# ── the hotline's API ───────────────────────────────────────────────────────────


def test_the_same_work_order_posted_twice_is_one_complaint(hotline, fixed_today):
    client = token_client(hotline)
    first = client.post(HOTLINE, order(), format="json")
    again = client.post(HOTLINE, order(title="重复推送"), format="json")
    assert first.status_code == 201 and first.data["created"] is True
    assert again.status_code == 200 and again.data["created"] is False
    assert again.data["id"] == first.data["id"]
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert complaint.title == "东莞市甲局拖欠中小企业工程款"  # the second post changed nothing
    assert complaint.routing_due == rules.due(RuleCode.COMPLAINT_ROUTING, dt.date(2026, 2, 2)).date
    assert complaint.feedback_due == rules.due(RuleCode.COMPLAINT_FEEDBACK, dt.date(2026, 2, 2)).date


def test_a_work_order_without_content_is_refused_naming_the_field(hotline, fixed_today):
    response = token_client(hotline).post(HOTLINE, order(content=""), format="json")
    assert response.status_code == 400 and response.data["field"] == "content"
    assert not Complaint.objects.exists()


def test_only_the_integration_account_may_post(operator, liaison, fixed_today):
    assert api(liaison).post(HOTLINE, order(), format="json").status_code == 403
    assert api(operator).post(HOTLINE, order(), format="json").status_code == 403
    assert api().post(HOTLINE, order(), format="json").status_code in (401, 403)
    assert not Complaint.objects.exists()


def test_the_integration_account_can_only_post(hotline, fixed_today):
    client = token_client(hotline)
    client.post(HOTLINE, order(), format="json")
    assert client.get("/api/complaints/").data["results"] == []
    assert client.get(f"/api/complaints/{Complaint.objects.get().pk}/").status_code == 404
    assert client.get("/api/records/").data["results"] == []
    pages = api(hotline)
    assert pages.get("/work/complaints/").status_code == 403
    assert pages.post("/work/complaints/new/", {"channel": "petition"}).status_code == 403


# ── the export ──────────────────────────────────────────────────────────────────


def _export(n: int) -> tuple[bytes, dict]:
    """n work orders: one in 20 malformed (no content, or a date that is no date), every
    10th filed under the dishonesty code, every 10th (+1) saying 政务失信 in its title, the
    rest ordinary city matters the filter must leave out."""
    rows, expected = [], {"invalid": [], "taken": 0, "filtered": 0}
    for i in range(n):
        number = f"GD12345-2026-{i:05d}"
        code, title, content = "010203", f"噪音扰民投诉{i}", "夜间施工噪音影响休息。"
        if i % 10 == 0:
            code, content = "030501", "单位未按合同约定支付中小企业款项。"
        elif i % 10 == 1:
            title = f"反映某镇政务失信问题{i}"
        received = "2026-01-30"
        if i % 40 == 7:
            content = ""
            expected["invalid"].append((i + 2, "内容"))
        elif i % 40 == 27:
            received = "2026-13-45"
            expected["invalid"].append((i + 2, "受理时间"))
        elif i % 10 in (0, 1):
            expected["taken"] += 1
        else:
            expected["filtered"] += 1
        rows.append(
            [
                number,
                title,
                content,
                "投诉",
                code,
                "某镇",
                "15个工作日",
                "",
                f"市民{i}",
                f"1380000{i:04d}",
                received,
            ]
        )
    return xlsx(rows), expected


def test_a_thousand_row_export_with_malformed_rows_imports_what_passes_the_filter(
    operator, fixed_today, settings
):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "HOTLINE_IMPORT": {
            **settings.CHENGXIN["HOTLINE_IMPORT"],
            "filter": {"classification_prefixes": ["0305"], "keywords": ["政务失信"]},
        },
    }
    data, expected = _export(1000)
    assert len(expected["invalid"]) == 50  # 5 %
    client = api(operator)
    batch = upload(client, data)
    assert batch.state == "DONE"
    assert batch.total_rows == 1000 and batch.processed_rows == batch.total_rows and batch.percent == 100
    progress = client.get(f"/work/imports/{batch.pk}/progress/").json()
    assert (progress["processed"], progress["total"], progress["percent"]) == (1000, 1000, 100)
    report = client.get(f"/work/imports/{batch.pk}/").content.decode()
    assert "不能为空。" in report and "日期无法识别" in report  # the errors come first
    assert batch.counts == {
        RowOutcome.CREATED: expected["taken"],
        RowOutcome.FILTERED: expected["filtered"],
        RowOutcome.INVALID: 50,
    }
    assert Complaint.objects.count() == expected["taken"]
    invalid = ImportRow.objects.filter(batch=batch, outcome=RowOutcome.INVALID).order_by("number")
    assert [(r.number, r.errors[0]["column"]) for r in invalid] == expected["invalid"]
    assert invalid.filter(number=9).get().errors[0]["message"] == "不能为空。"
    assert "日期无法识别" in invalid.filter(number=29).get().errors[0]["message"]
    filtered = ImportRow.objects.filter(batch=batch, outcome=RowOutcome.FILTERED).first()
    assert "不在筛选范围内" in filtered.message and "010203" in filtered.message
    taken = Complaint.objects.get(work_order="GD12345-2026-00001")
    assert taken.complainant_name == "市民1" and taken.extra == {"时限": "15个工作日"}
    assert taken.import_batch == batch and taken.received_on == dt.date(2026, 1, 30)


#: A dishonesty complaint and a city matter the filter leaves out, as the export gives them.
DISHONESTY = [
    "GD-1",
    "反映政务失信问题",
    "某局拖欠工程款",
    "投诉",
    "030501",
    "某局",
    "",
    "",
    "张三",
    "13800001111",
    "2026-02-01",
]
STREET_LIGHT = [
    "GD-2",
    "路灯不亮",
    "路灯坏了",
    "求助",
    "010101",
    "某镇",
    "",
    "",
    "王五",
    "13800002222",
    "2026-02-01",
]


def test_the_same_export_imported_twice_creates_nothing_new(operator, fixed_today):
    again = [*DISHONESTY[:2], "同一工单再次出现", *DISHONESTY[3:]]
    data = xlsx([DISHONESTY, again, STREET_LIGHT])
    client = api(operator)
    first = upload(client, data)
    assert first.counts == {"created": 1, "duplicate": 1, "filtered": 1}
    second = upload(client, data)
    assert second.counts == {"unchanged": 2, "filtered": 1}
    assert Complaint.objects.count() == 1


def test_the_hotline_posts_then_the_export_brings_the_same_order(hotline, operator, fixed_today):
    token_client(hotline).post(HOTLINE, order(number="GD-9"), format="json")
    data = xlsx([["GD-9", "政务失信", "拖欠款项", "投诉", "030501", "", "", "", "", "", "2026-02-02"]])
    batch = upload(api(operator), data)
    assert batch.counts == {"unchanged": 1} and Complaint.objects.count() == 1


def test_a_csv_export_with_a_deployment_column_map(operator, fixed_today):
    data = "单号,主题,诉求内容,分类编码\nA-1,政务失信,某局不兑现招商承诺,\n".encode("gb18030")
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batches.start(
            by=audit.Acting(operator, Role.INTAKE_OPERATOR),
            kind="hotline",
            file_name="export.csv",
            data=data,
            dry_run=False,
            options={"columns": {"work_order": "单号", "title": "主题", "content": "诉求内容"}},
        )
    batch.refresh_from_db()
    assert batch.counts == {"created": 1}, batch.error
    assert Complaint.objects.get().content == "某局不兑现招商承诺"


def test_a_file_without_the_work_order_column_fails_naming_it(operator, fixed_today):
    data = "标题,内容\n政务失信,拖欠\n".encode()
    batch = upload(api(operator), data, name="x.csv")
    assert batch.state == "FAILED" and "工单编号" in batch.error


# ── triage ──────────────────────────────────────────────────────────────────────


def received(user, **overrides) -> Complaint:
    intake = services.Intake(
        channel="hotline",
        work_order=overrides.pop("work_order", "GD-100"),
        title="某局拖欠工程款",
        content="项目验收后未付款。",
        received_on=dt.date(2026, 2, 2),
        complainant_name="李小明",
        complainant_contact="13812345678",
        **overrides,
    )
    return services.complaint_receive(acting_user=user, intake=intake)[0]


def test_accepting_registers_a_lead_and_tells_the_hotline(operator, unit, fixed_today):
    complaint = received(operator)
    response = api(operator).post(f"/work/complaints/{complaint.pk}/act/accept/", {"organisation": unit.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "ACCEPTED" and complaint.routed_on <= complaint.routing_due
    lead = complaint.lead
    assert lead.state == "LEAD" and lead.source == "HOTLINE" and lead.subject_organisation == unit
    assert "李小明" not in lead.lead_content and "13812345678" not in lead.lead_content
    assert lead.deadlines.get(kind=RuleCode.COMPLAINT_ROUTING).due_on == complaint.routing_due
    message = Outbound.objects.get(stream=f"complaint-{complaint.pk}")
    assert (message.channel, message.kind, message.key) == (
        "hotline",
        "accepted",
        f"complaint-{complaint.pk}-accepted",
    )
    assert message.payload["工单编号"] == "GD-100" and message.payload["受理"] == "受理"
    assert message.payload["线索编号"] == lead.reference


def test_accepting_needs_the_unit_complained_about(operator, fixed_today):
    complaint = received(operator)
    response = api(operator).post(f"/work/complaints/{complaint.pk}/act/accept/", {})
    assert response.status_code == 400 and "被投诉单位" in response.content.decode()
    assert Complaint.objects.get().state == "RECEIVED" and not Record.objects.exists()


def test_returning_to_the_hotline_sends_the_reason(operator, fixed_today):
    complaint = received(operator)
    client = api(operator)
    response = client.post(
        f"/work/complaints/{complaint.pk}/act/return/", {"return-reason": "属于住建部门职责"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "RETURNED" and complaint.replied_on is not None
    message = Outbound.objects.get()
    assert message.kind == "returned" and message.payload["受理"] == "退单"
    assert message.payload["理由"] == "属于住建部门职责"
    # Triaged once: a second step (a second person's click) is refused, nothing changes.
    again = client.post(f"/work/complaints/{complaint.pk}/act/close/", {"close-reason": "非受理范围"})
    assert again.status_code == 400 and "已退单" in again.content.decode()
    assert Outbound.objects.count() == 1


def test_closing_as_outside_scope_and_merging(operator, unit, fixed_today):
    first = received(operator, work_order="GD-1")
    second = received(operator, work_order="GD-2")
    third = received(operator, work_order="GD-3")
    services.accept(acting_user=operator, complaint_id=first.pk, organisation_id=unit.pk)
    services.merge(acting_user=operator, complaint_id=second.pk, into_id=first.pk)
    services.close(acting_user=operator, complaint_id=third.pk, reason="反映的是企业之间的合同纠纷")
    second.refresh_from_db()
    assert second.state == "MERGED" and second.lead_id == Complaint.objects.get(pk=first.pk).lead_id
    kinds = dict(Outbound.objects.values_list("key", "kind"))
    assert kinds[f"complaint-{second.pk}-merged"] == "merged"
    assert kinds[f"complaint-{third.pk}-closed"] == "closed"
    with pytest.raises(Exception) as refused:
        services.merge(acting_user=operator, complaint_id=first.pk, into_id=third.pk)
    assert "已转为线索" in str(refused.value) or "待分办" in str(refused.value)


def test_every_triage_step_is_audited(operator, unit, fixed_today):
    from casework.models import AuditEntry

    complaint = received(operator)
    services.accept(acting_user=operator, complaint_id=complaint.pk, organisation_id=unit.pk)
    actions = list(
        AuditEntry.objects.filter(object_id=complaint.pk, content_type__model="complaint").values_list(
            "action", flat=True
        )
    )
    assert actions == ["complaint.receive", "complaint.accept"]


# ── who sees what ───────────────────────────────────────────────────────────────


def test_the_complainant_is_masked_except_for_those_who_call_back(
    operator, officer, approver, liaison, fixed_today
):
    complaint = received(operator)
    for user in (operator, officer):
        page = api(user).get("/work/complaints/").content.decode()
        assert "李小明" in page and "13812345678" in page
        assert api(user).get(f"/api/complaints/{complaint.pk}/").data["complainant_contact"] == "13812345678"
    for path in ("/work/complaints/", f"/work/complaints/{complaint.pk}/"):
        page = api(approver).get(path).content.decode()
        assert "李*明" in page and "138****5678" in page
        assert "李小明" not in page and "13812345678" not in page
    listed = api(approver).get("/api/complaints/").data["results"][0]
    assert (listed["complainant_name"], listed["complainant_contact"]) == ("李*明", "138****5678")
    assert api(liaison).get("/work/complaints/").status_code == 403
    assert api(liaison).get(f"/work/complaints/{complaint.pk}/").status_code == 403
    assert api(liaison).get("/api/complaints/").data["results"] == []
    assert api(liaison).get(f"/api/complaints/{complaint.pk}/").status_code == 404


def test_the_approver_reads_but_does_not_triage(operator, approver, unit, fixed_today):
    complaint = received(operator)
    response = api(approver).post(f"/work/complaints/{complaint.pk}/act/accept/", {"organisation": unit.pk})
    assert response.status_code == 403
    assert Complaint.objects.get().state == "RECEIVED"


def test_the_intake_form_registers_a_walk_in_complaint(operator, unit, fixed_today):
    response = api(operator).post(
        "/work/complaints/new/",
        {
            "channel": "walk_in",
            "received_on": "2026-02-02",
            "title": "来访反映某局不兑现承诺",
            "content": "来访人称某局承诺的招商奖励至今未兑现。",
            "complainant_name": "赵六",
            "complainant_contact": "0769-22221234",
            "organisation": unit.pk,
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.work_order == "" and complaint.channel == "walk_in" and complaint.organisation == unit
    page = api(operator).get(f"/work/complaints/{complaint.pk}/").content.decode()
    assert "剩余" in page and "个工作日" in page


def test_the_intake_form_proposes_today_as_the_date_received(operator, fixed_today):
    # A date input shows only an ISO value: the Chinese locale's 2026/02/02 would leave it empty.
    page = api(operator).get("/work/complaints/new/").content.decode()
    assert 'name="received_on" value="2026-02-02"' in page


def test_overdue_routing_is_shown_in_working_days(operator, settings):
    settings.CHENGXIN_TODAY = "2026-02-02"
    complaint = received(operator)
    settings.CHENGXIN_TODAY = "2026-02-06"
    page = api(operator).get("/work/complaints/").content.decode()
    from casework import calendar

    late = -calendar.working_days_left(complaint.routing_due, dt.date(2026, 2, 6))
    assert late > 0 and f"已逾期 {late} 个工作日" in page


def test_a_dry_run_reports_every_row_and_takes_nothing(operator, fixed_today):
    no_number = ["", "政务失信", "没有工单编号", "投诉", "030501", "", "", "", "", "", "2026-02-01"]
    data = xlsx([DISHONESTY, STREET_LIGHT, no_number])
    batch = upload(api(operator), data, dry_run="on")
    assert batch.state == "CHECKED" and batch.dry_run
    assert batch.counts == {"valid": 1, "filtered": 1, "invalid": 1}
    bad = ImportRow.objects.get(batch=batch, outcome="invalid")
    assert bad.number == 4 and bad.errors == [{"column": "工单编号", "message": "不能为空。"}]
    assert not Complaint.objects.exists()


def test_a_complaint_merged_before_acceptance_shares_the_lead(operator, unit, fixed_today):
    first = received(operator, work_order="GD-1")
    second = received(operator, work_order="GD-2")
    services.merge(acting_user=operator, complaint_id=second.pk, into_id=first.pk)
    services.accept(acting_user=operator, complaint_id=first.pk, organisation_id=unit.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.lead_id == first.lead_id is not None
