"""Lists as Excel files: the officer's case list and the public list, each
"with the filters applied". An export is the list view's own query with the request's query
string — never a query of its own — so it holds exactly the rows the page would show this
user under those filters (every page, not only the first), and no column the page keeps
from them: no ID numbers in either (the case list names a civil servant and their unit, as
the page does; the public list carries only the fields of portal.public.PublicRecord).

The workbook is written as it streams (exchange.spreadsheets.write_xlsx, write_only).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from casework import clock
from casework.models import Record
from exchange.spreadsheets import XLSX_CONTENT_TYPE, write_xlsx

from .public import PublicRecord, project

CHUNK = 500


def attachment(file_name: str) -> str:
    """Content-Disposition for a download named in Chinese (RFC 6266), with an ASCII
    fallback of the extension for clients that cannot read the UTF-8 name."""
    return (
        f"attachment; filename=\"export.{file_name.rpartition('.')[2]}\"; filename*=UTF-8''{quote(file_name)}"
    )


def xlsx_response(body: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(file_name)
    return response


def _yes(value: bool) -> str:
    return _("是") if value else ""


# ── the case list ───────────────────────────────────────────────────────────────────


def case_headers() -> list[str]:
    return [
        _("案件编号"),
        _("失信主体"),
        _("主体类型"),
        _("所在单位"),
        _("状态"),
        _("异议处理中"),
        _("类别"),
        _("等级"),
        _("领域"),
        _("收到日期"),
        _("下一期限"),
        _("期限事项"),
        _("已逾期"),
    ]


def case_rows(records: QuerySet[Record]) -> Iterator[list]:
    for record in records.select_related("subject_organisation").iterator(chunk_size=CHUNK):
        person, organisation = record.subject_person, record.subject_organisation
        yield [
            record.reference,
            person.name if person else (organisation.name if organisation else ""),
            _("公务员") if person else _("单位"),
            person.unit.name if person else "",
            record.get_state_display(),
            _yes(record.objection_pending),
            record.get_category_display() if record.category else "",
            record.get_tier_display() if record.tier else "",
            record.get_domain_display() if record.domain else "",
            record.received_on,
            record.next_due,
            record.next_due_label or "",
            _yes(record.overdue),
        ]


def case_list_xlsx(records: QuerySet[Record]) -> bytes:
    return write_xlsx(case_headers(), case_rows(records), title=_("案件列表"))


# ── the public list ─────────────────────────────────────────────────────────────────


def public_headers() -> list[str]:
    return [
        _("记录编号"),
        _("失信主体"),
        _("主体类型"),
        _("统一社会信用代码"),
        _("所在单位"),
        _("失信类别"),
        _("等级"),
        _("失信事实"),
        _("认定依据"),
        _("认定单位"),
        _("认定日期"),
        _("公示截止日期"),
        _("异议处理中"),
    ]


def public_row(entry: PublicRecord) -> list:
    return [
        entry.reference,
        entry.subject_name,
        _("公务员") if entry.is_person else _("单位"),
        entry.credit_code,
        entry.unit_name,
        entry.category,
        entry.tier,
        entry.facts,
        entry.legal_basis,
        entry.determining_unit,
        entry.determination_date,
        entry.disclosure_end,
        _yes(entry.objection_pending),
    ]


def public_rows(records: Iterable[Record]) -> Iterator[list]:
    """Through `project`, the public pages' one projection: a field it leaves out cannot
    reach the file."""
    for record in records:
        yield public_row(project(record))


def public_list_xlsx(records: QuerySet[Record]) -> bytes:
    rows = public_rows(records.select_related("subject_organisation").iterator(chunk_size=CHUNK))
    return write_xlsx(public_headers(), rows, title=_("失信信息公示"))


def dated(name: str) -> str:
    return f"{name}-{clock.today():%Y%m%d}.xlsx"
