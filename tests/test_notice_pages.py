"""How many pages a 整改通知书 takes (issue #4, must-show 5: "a 2-page 整改通知书").

The notice is the one the system drafts when a one-item rectification order is issued, then
approved and issued through the services; its PDF is the one the rendering task stores.
Two layout faults once made it 3 pages: page one held a line less than its 22-line grid
(the 版头 is not a whole number of lines, and the text after it sat 0.94 mm off the grid),
and an item without a problem statement of its own printed its requirement twice, as a
heading and as the first words of its paragraph."""

import io

import pdfplumber
import pytest
from django.test import TestCase

from casework.services import rectification as rect_svc
from notices import services
from notices.models import Notice

from . import rectification_steps as rect_steps
from .notice_geometry import body_chars, em_top, lines_of, page_number, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

LINE = 225 / 22


def issued_order_notice(*, officer, approver, unit, count: int) -> Notice:
    order = rect_steps.drafted(officer=officer, approver=approver, unit=unit, count=count)
    rect_svc.rectification_issue(acting_user=approver, rectification_id=order.pk)
    notice = Notice.objects.get(type_code="N8", record=order.record, drafted_by__isnull=True)
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the rendering task, eagerly
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    return Notice.objects.get(pk=notice.pk)


def test_a_one_item_rectification_order_is_a_two_page_notice(officer, approver, unit):
    notice = issued_order_notice(officer=officer, approver=approver, unit=unit, count=1)
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as pdf:
        assert len(pdf.pages) == 2
        first, last = pdf.pages
        assert [page_number(page)[0] for page in pdf.pages] == [1, 2]
        lines = [text_of(line) for line in lines_of(body_chars(last), last)]
        # the sealed closing shares the last page with the body, and the 版记 closes it
        assert lines[-3:] == ["东莞市监察委员会", "2026年2月2日", "（公开方式：依申请公开）"]
        assert len(lines) > 10
        assert "印发" in last.extract_text() and "印发" not in first.extract_text()


def test_an_item_without_a_problem_statement_is_one_numbered_paragraph(officer, approver, unit):
    notice = issued_order_notice(officer=officer, approver=approver, unit=unit, count=1)
    requirement = notice.data["items"][0]["requirement"]
    assert "problem" not in notice.data["items"][0]
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as pdf:
        text = "".join(text_of(line) for page in pdf.pages for line in lines_of(body_chars(page), page))
    assert text.count(requirement) == 1
    assert f"（一）{requirement}。验收标准：" in text


def test_the_text_of_page_one_sits_on_the_22_line_grid(officer, approver, unit):
    """From the 主送 on, every line of page one is a line of the grid that the following
    pages fill from the 版心 top (37 mm), and the last one is the 22nd."""
    notice = issued_order_notice(officer=officer, approver=approver, unit=unit, count=1)
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as pdf:
        first = pdf.pages[0]
        lines = lines_of(body_chars(first), first)
    texts = [text_of(line) for line in lines]
    body = lines[texts.index(f"{notice.data['addressee']}：") :]
    slots = [(em_top(first, line[0]) - 37) / LINE for line in body]
    assert slots == pytest.approx([round(slot) for slot in slots], abs=0.02)
    assert round(slots[-1]) == 21
