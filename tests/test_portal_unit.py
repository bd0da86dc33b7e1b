"""The department portal (issue #5 item 2) through the Django test client: the unit's home
lists its own open rectification items, due soonest first with overdue markers, and nothing of
another unit; several evidence files go up in one form, each checked by the evidence service
(content sniffing, size, SHA-256), the refused ones with their Chinese reason and nothing
stored; another unit's item is a 404 like a missing one, and every non-unit role gets the
403 page of another role's page."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from casework.models import Attachment, AuditEntry, Deadline, RectificationItem
from casework.roles import Role
from casework.services import objections as objection_svc
from casework.services import rectification as svc
from casework.services import repair
from notices.models import Notice

from . import lifecycle, notice_cases
from . import rectification_steps as steps
from .factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = "2026-09-01"
SERVED = dt.date(2026, 9, 1)
HOME = "/unit/"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.CHENGXIN_UPLOAD_ROOT = tmp_path / "uploads"
    settings.CHENGXIN_TODAY = TODAY
    return settings.CHENGXIN_UPLOAD_ROOT


def signed_in(client, user):
    client.force_login(user)
    return client


def order(*, officer, approver, unit, periods, served_on, content):
    """A served order on a new record of `unit`: one item per period (calendar days)."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content=content)
    rows = [
        {**row, "requirement": f"{content[:4]}第{n}项整改", "period_days": days}
        for n, (row, days) in enumerate(zip(steps.items(len(periods)), periods, strict=True), 1)
    ]
    rectification = svc.rectification_draft(acting_user=officer, record_id=record.pk, items=rows)
    svc.rectification_issue(acting_user=approver, rectification_id=rectification.pk)
    return svc.rectification_serve(
        acting_user=officer, rectification_id=rectification.pk, served_on=served_on
    )


def due_on(item: RectificationItem):
    item_type = ContentType.objects.get_for_model(RectificationItem)
    return Deadline.objects.get(owner_type=item_type, owner_id=item.pk, status="OPEN").due_on


def main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), flags=re.S).group()


def owed_rows(html: str) -> list[str]:
    return re.findall(r'<tr class="owed[^"]*">.*?</tr>', html, flags=re.S)


# ── the unit's home ───────────────────────────────────────────────────────────────


def test_the_home_lists_the_units_open_items_soonest_first_with_overdue_markers(
    client, officer, approver, unit, other_unit, liaison
):
    late = order(
        officer=officer,
        approver=approver,
        unit=unit,
        periods=[30, 5],
        served_on=dt.date(2026, 8, 10),
        content="甲局拖欠工程款",
    )
    fresh = order(
        officer=officer, approver=approver, unit=unit, periods=[3], served_on=SERVED, content="甲局拖欠采购款"
    )
    theirs = order(
        officer=officer,
        approver=approver,
        unit=other_unit,
        periods=[1],
        served_on=SERVED,
        content="乙局拖欠款项",
    )
    owed = sorted([*late.items.all(), *fresh.items.all()], key=due_on)
    assert [due_on(item) < dt.date(2026, 9, 1) for item in owed] == [True, False, False]

    page = signed_in(client, liaison).get(HOME)

    assert page.status_code == 200
    html = page.content.decode()
    rows = owed_rows(html)
    assert len(rows) == 3
    shown = [
        (i.rectification.record.reference in row, i.requirement in row)
        for row, i in zip(rows, owed, strict=True)
    ]
    assert shown == [(True, True)] * 3
    assert 'class="owed overdue"' in rows[0] and "已逾期" in rows[0]
    assert "已逾期" not in rows[1] + rows[2] and "剩余" in rows[1]
    assert reverse("unit-item-evidence", args=[owed[0].pk]) in rows[0]
    assert theirs.record.reference not in html and "乙局拖欠款项" not in html
    assert other_unit.name not in html


def test_days_left_are_counted_in_working_days(client, officer, approver, unit, liaison, settings):
    settings.CHENGXIN_TODAY = "2026-09-04"  # a Friday
    rectification = order(
        officer=officer,
        approver=approver,
        unit=unit,
        periods=[4],
        served_on=dt.date(2026, 9, 4),
        content="甲局",
    )
    item = rectification.items.get()
    assert due_on(item) == dt.date(2026, 9, 8)  # Tuesday: Monday and Tuesday are left

    html = signed_in(client, liaison).get(HOME).content.decode()

    assert "剩余 2 个工作日" in owed_rows(html)[0]


def test_the_home_shows_the_report_waiting_for_the_heads_signature(
    client, officer, approver, unit, liaison, head
):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)
    steps.add_evidence(liaison, rectification, numbers={1})

    html = signed_in(client, head).get(HOME).content.decode()

    assert "整改报告：签字与提交" in html and "尚未签字" in html
    assert all("查看材料" in row and "上传材料" not in row for row in owed_rows(html))  # the liaison uploads
    assert "1 份材料" in html and "0 份材料" in html

    svc.rectification_sign_off(acting_user=head, rectification_id=rectification.pk, declaration=True)
    assert "已签字" in client.get(HOME).content.decode()
    steps.add_evidence(liaison, rectification, numbers={2})
    assert "签字后材料有变更，须重新签字" in client.get(HOME).content.decode()


@pytest.mark.parametrize("who", ["officer", "approver", "civil_servant"])
def test_only_a_unit_has_a_portal(client, request, who, officer, approver, unit, liaison):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    user = request.getfixturevalue(who)
    signed_in(client, user)
    item = rectification.items.get()
    for path in (HOME, reverse("unit-item-evidence", args=[item.pk])):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "无权访问此页面" in response.content.decode()
        assert rectification.record.reference not in response.content.decode()
    assert client.post(reverse("unit-item-evidence", args=[item.pk])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# ── evidence upload ──────────────────────────────────────────────────────────────


def item_page(item) -> str:
    return reverse("unit-item-evidence", args=[item.pk])


def results(html: str) -> dict[str, str]:
    """File name → what the page says about it, from the upload results list."""
    rows = re.findall(
        r'<li class="(done|refused)"><span class="name">(.*?)</span>\s*<span class="status">(.*?)</span>',
        html,
    )
    return {name: f"{outcome}: {message}" for outcome, name, message in rows}


def test_several_files_at_once_each_checked_the_refused_ones_stored_nowhere(
    client, officer, approver, unit, liaison, upload_root
):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    item = rectification.items.get()
    files = [
        steps.upload("付款回单.pdf", steps.PDF_BYTES),
        steps.upload("对账确认函.png", steps.PNG_BYTES),
        steps.upload("整改报告.pdf", steps.EXE_BYTES),  # an executable renamed .pdf
        steps.upload("空白.pdf", b""),
    ]
    uploads_before = AuditEntry.objects.filter(action="attachment.upload").count()

    response = signed_in(client, liaison).post(item_page(item), {"file": files})

    assert response.status_code == 302 and response["Location"] == item_page(item)
    page = client.get(item_page(item))
    shown = results(page.content.decode())
    assert shown["付款回单.pdf"] == "done: 已上传。"
    assert shown["对账确认函.png"] == "done: 已上传。"
    assert shown["整改报告.pdf"] == "refused: 文件“整改报告.pdf”的内容是可执行程序，不能上传。"
    assert shown["空白.pdf"] == "refused: 文件为空，请选择有内容的文件。"
    # the same closing line the page's script writes, for a browser that posted the form
    assert '<li class="summary">上传结束：成功 2 个，未通过 2 个。</li>' in page.content.decode()

    stored = Attachment.objects.filter(owner_id=item.pk, purpose="evidence").order_by("pk")
    assert [(a.original_name, a.sha256) for a in stored] == [
        ("付款回单.pdf", hashlib.sha256(steps.PDF_BYTES).hexdigest()),
        ("对账确认函.png", hashlib.sha256(steps.PNG_BYTES).hexdigest()),
    ]
    on_disk = sorted(p.name for p in upload_root.rglob("*") if p.is_file())
    assert on_disk == sorted(a.stored_name for a in stored)
    assert AuditEntry.objects.filter(action="attachment.upload").count() == uploads_before + 2
    html = page.content.decode()
    for attachment in stored:
        assert reverse("attachment-download", args=[attachment.pk]) in html
        assert attachment.sha256 in html
    assert results(client.get(item_page(item)).content.decode()) == {}  # shown once


def test_the_page_lists_files_with_downloads_that_work(client, officer, approver, unit, liaison):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    steps.add_evidence(liaison, rectification)
    attachment = Attachment.objects.get()

    html = signed_in(client, liaison).get(item_page(rectification.items.get())).content.decode()
    download = client.get(reverse("attachment-download", args=[attachment.pk]))

    assert "整改材料.pdf" in html and 'enctype="multipart/form-data"' in html
    assert download.status_code == 200 and b"".join(download.streaming_content) == steps.PDF_BYTES


def test_a_post_without_files_says_so(client, officer, approver, unit, liaison):
    item = steps.in_progress(officer=officer, approver=approver, unit=unit).items.get()
    signed_in(client, liaison).post(item_page(item))
    html = client.get(item_page(item)).content.decode()
    assert "请选择要上传的文件。" in html and 'class="summary"' not in html
    assert not Attachment.objects.exists()


def test_another_units_item_is_missing_on_get_and_post(client, officer, approver, unit, other_liaison):
    item = steps.in_progress(officer=officer, approver=approver, unit=unit).items.get()
    signed_in(client, other_liaison)

    hidden, missing = client.get(item_page(item)), client.get(reverse("unit-item-evidence", args=[987654]))
    posted = client.post(item_page(item), {"file": [steps.upload()]})

    assert (hidden.status_code, missing.status_code, posted.status_code) == (404, 404, 404)
    assert main(hidden) == main(missing)  # a hidden item cannot be told from a missing one
    assert item.rectification.record.reference not in hidden.content.decode()
    assert not Attachment.objects.exists()


def test_the_head_reads_the_evidence_and_leaves_the_upload_to_the_liaison(
    client, officer, approver, unit, liaison, head
):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    steps.add_evidence(liaison, rectification)
    item = rectification.items.get()

    html = signed_in(client, head).get(item_page(item)).content.decode()
    client.post(item_page(item), {"file": [steps.upload("负责人上传.pdf")]})

    assert "整改材料.pdf" in html and 'type="file"' not in html
    assert "整改材料由单位联络员上传" in html
    assert "您没有权限执行“上传附件”操作。" in client.get(item_page(item)).content.decode()
    assert Attachment.objects.count() == 1


def test_a_submitted_item_takes_no_more_evidence(client, officer, approver, unit, liaison, head):
    rectification = steps.submitted(officer=officer, approver=approver, unit=unit, liaison=liaison, head=head)
    item = rectification.items.get()

    html = signed_in(client, liaison).get(item_page(item)).content.decode()

    assert 'type="file"' not in html
    assert "整改事项当前状态为“已提交”，不能上传整改材料。" in html
    assert "整改材料.pdf" in html
    assert item.requirement not in "".join(owed_rows(client.get(HOME).content.decode()))


# ── links to the generic action forms and to the notices ─────────────────────────


def action(kind: str, pk: int, step: str) -> str:
    return reverse("case-action", kwargs={"kind": kind, "pk": pk, "step": step})


def test_each_role_is_sent_to_the_steps_it_may_take(client, officer, approver, unit, liaison, head):
    rectification = steps.in_progress(officer=officer, approver=approver, unit=unit)
    item = rectification.items.get()
    sign_off = action("rectifications", rectification.pk, "sign-off")
    submit = action("rectifications", rectification.pk, "submit")
    extension = action("items", item.pk, "extension")

    liaison_home = signed_in(client, liaison).get(HOME).content.decode()
    liaison_item = client.get(item_page(item)).content.decode()
    head_home = signed_in(client, head).get(HOME).content.decode()

    assert submit in liaison_home and sign_off not in liaison_home and extension in liaison_home
    assert sign_off in head_home and submit not in head_home
    assert extension in liaison_item and submit in liaison_item
    assert action("items", item.pk, "evidence") not in liaison_item  # this page is the upload form


def test_notices_to_answer_and_to_download(client, officer, approver, unit, other_unit, liaison):
    notice_cases.make_issuer()
    rectification = steps.in_progress(
        officer=officer, approver=approver, unit=unit, served_on=dt.date(2026, 8, 28)
    )
    record = rectification.record
    issued = notice_cases.issued(officer=officer, approver=approver, record=record, type_code="N8")
    draft = Notice.objects.filter(record=record, state="DRAFT").first()
    theirs = lifecycle.pre_notice(officer=officer, approver=approver, organisation=other_unit, content="乙局")
    # Served on 08-28: the defence window runs to 09-04, so today (09-01) the unit still owes it.
    defence = lifecycle.pre_notice(
        officer=officer,
        approver=approver,
        organisation=unit,
        content="甲局另案",
        served_on=dt.date(2026, 8, 28),
    )

    html = signed_in(client, liaison).get(HOME).content.decode()

    answers = re.search(r'id="answers-title".*?</section>', html, flags=re.S).group()
    assert "书面说明原因" in answers and action("rectifications", rectification.pk, "explanation") in answers
    assert reverse("notice-page", args=[issued.pk]) in answers
    assert "陈述申辩期" in answers and action("cases", defence.pk, "submit-defence") in answers
    assert theirs.reference not in html
    assert reverse("notice-pdf", args=[issued.pk]) in html and issued.number in html
    assert draft is not None and reverse("notice-page", args=[draft.pk]) not in html

    svc.rectification_explain(
        acting_user=liaison, rectification_id=rectification.pk, explanation="资金未到位。"
    )
    answers = re.search(
        r'id="answers-title".*?</section>', client.get(HOME).content.decode(), flags=re.S
    ).group()
    assert "书面说明原因" not in answers and "陈述申辩期" in answers


def test_what_the_unit_filed_with_its_state(
    client, officer, approver, unit, other_unit, liaison, head, settings
):
    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = objection_svc.objection_file(
        acting_user=liaison, record_id=record.pk, ground="CONDITIONS", statement="款项已全部支付。"
    )
    objection_svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    application = repair.repair_apply(
        acting_user=liaison,
        record_id=record.pk,
        commitment="本单位承诺依法履约。",
        commitment_signed_by_id=head.pk,
    )
    theirs = lifecycle.effective(officer=officer, approver=approver, organisation=other_unit, content="乙局")
    other_liaison = UserFactory(username="b_liaison", organisation=other_unit, roles=[Role.UNIT_LIAISON])
    objection_svc.objection_file(
        acting_user=other_liaison, record_id=theirs.pk, ground="CONDITIONS", statement="乙局异议"
    )

    html = signed_in(client, liaison).get(HOME).content.decode()

    filed = re.search(r'id="filed-title".*?</section>', html, flags=re.S).group()
    rows = re.findall(r"<tr>.*?</tr>", filed.split("<tbody>")[1], flags=re.S)
    assert len(rows) == 2
    assert "异议" in rows[0] and "已受理" in rows[0] and record.reference in rows[0]
    assert "信用修复申请" in rows[1] and application.get_state_display() in rows[1]
    assert theirs.reference not in html
