"""Helpers of the complaint tests: the hotline's integration account, a work order as the
hotline posts it, and a hotline export built with openpyxl."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group
from openpyxl import Workbook
from rest_framework.test import APIClient

from casework.services.tokens import issue_token

from .factories import UserFactory

HEADERS = [
    "工单编号",
    "标题",
    "内容",
    "诉求类型",
    "分类编码",
    "承办单位",
    "时限",
    "回访结果",
    "来电人",
    "联系电话",
    "受理时间",
]


def integration_user():
    user = UserFactory(username="hotline-12345")
    user.save()  # the factory saves the password only with roles
    user.groups.add(Group.objects.get(name="12345 接口"))
    return user


def token_client(user) -> APIClient:
    key, _token = issue_token(acting_user=user)
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def order(number="GD12345-2026-0001", **overrides) -> dict:
    return {
        "work_order": number,
        "title": "东莞市甲局拖欠中小企业工程款",
        "content": "来电人反映：东莞市甲局项目已验收合格，但至今未按合同约定支付工程款120万元，属政务失信。",
        "request_type": "政务失信",
        "classification_code": "030501",
        "handling_unit": "东莞市甲局",
        "received_on": "2026-02-02",
        "complainant_name": "李小明",
        "complainant_contact": "13812345678",
        **overrides,
    }


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
