"""Shared by the court-list tests: 失信被执行人 files as the credit platform hands them over
(CSV, XLSX, JSON), imported through the court page, and an imported lead driven to EFFECTIVE."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.test import TestCase
from openpyxl import Workbook

from casework.models import Measure
from casework.services import records as svc
from exchange.models import ImportBatch

from . import lifecycle

HEADERS = [
    "被执行人名称",
    "统一社会信用代码",
    "组织机构代码",
    "法定代表人",
    "执行法院",
    "省份",
    "案号",
    "执行依据文号",
    "做出执行依据单位",
    "生效法律文书确定的义务",
    "履行情况",
    "失信行为具体情形",
    "立案时间",
    "发布时间",
]


def entry(name, case, *, code="", org_code="", basis="", performance="全部未履行"):
    return {
        "被执行人名称": name,
        "统一社会信用代码": code,
        "组织机构代码": org_code,
        "法定代表人": "王五",
        "执行法院": "东莞市第一人民法院",
        "省份": "广东",
        "案号": case,
        "执行依据文号": basis or case.replace("执", "民初"),
        "做出执行依据单位": "东莞市第一人民法院",
        "生效法律文书确定的义务": "支付工程款 120 万元及利息",
        "履行情况": performance,
        "失信行为具体情形": "有履行能力而拒不履行生效法律文书确定义务",
        "立案时间": "2025-06-01",
        "发布时间": "2025-09-01",
    }


def file_of(rows: list[dict], fmt: str, headers=HEADERS) -> tuple[str, bytes]:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(h, "") for h in headers])
        return "名单.csv", out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h, "") for h in headers])
        out = io.BytesIO()
        book.save(out)
        return "名单.xlsx", out.getvalue()
    return "名单.json", json.dumps(rows, ensure_ascii=False).encode()


def upload(client, user, rows, fmt="csv", *, kind="defaulter_list", full_list=False, headers=HEADERS):
    """Through the court page, as the officer does it; the queued task runs on commit."""
    name, data = file_of(rows, fmt, headers)
    client.force_login(user)
    form = {"kind": kind, "file": _named(data, name)}
    if full_list:
        form["full_list"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/work/court/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.order_by("-pk").first()


def _named(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def to_effective(record, *, officer, approver, settings):
    """An imported lead (received 2026-01-02) through verification, proposal, prior notice,
    determination on 2026-01-15 and service on 2026-01-16; today is then 2026-02-02."""
    settings.CHENGXIN_TODAY = "2026-02-02"
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category="DEF",
        domain="LEGAL_DUTY",
        tier="GENERAL",
        facts="该单位被列为失信被执行人。",
        legal_basis="《关于加强政务诚信建设的指导意见》",
        measure_ids=[Measure.objects.get(code="M01").pk],
    )
    record = svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    record = lifecycle.serve_pre_notice(
        record, officer=officer, approver=approver, served_on=dt.date(2026, 1, 5)
    )
    record = svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=dt.date(2026, 1, 15)
    )
    return lifecycle.serve(record, officer=officer, approver=approver, served_on=dt.date(2026, 1, 16))
