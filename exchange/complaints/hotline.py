"""Importing a 12345 export (ImportKind.HOTLINE): one work order per row, under the column
names of the district's export, filtered at the door — of a quarter's 128,000 orders only
the few about government dishonesty become complaints here.

The column map and the filter are data: settings CHENGXIN["HOTLINE_IMPORT"] (a deployment
adjusts them without code), which a batch's options may override for one file
(`{"columns": {...}, "filter": {...}}`). Each row ends as:

- CREATED: a new complaint; UNCHANGED: the work order came in before (the same file again);
  DUPLICATE: the work order appears twice in this file;
- FILTERED, with the reason: neither its classification code nor its text matches the filter;
- INVALID, with the row, the column and a message in Chinese: a required cell is empty, a date
  cannot be read, a text is too long.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.errors import DomainError

from ..importing import RowCheck, RowResult
from ..models import ImportBatch, RowOutcome
from .lifecycle import Channel
from .services import Intake, clean, receive

#: Intake field → the export's column header. Fields whose column is missing from a file
#: are left blank (received_on: the import's day).
FIELDS = (
    "work_order",
    "title",
    "content",
    "request_type",
    "classification_code",
    "handling_unit",
    "received_on",
    "complainant_name",
    "complainant_contact",
)
#: What else an export holds, kept on the complaint as received (Complaint.extra).
EXTRA_FIELDS = ("time_limit", "callback_result")
REQUIRED = ("work_order", "title", "content")


def config(batch: ImportBatch | None = None) -> dict:
    base = settings.CHENGXIN["HOTLINE_IMPORT"]
    options = (batch.options if batch else None) or {}
    return {
        "columns": {**base["columns"], **options.get("columns", {})},
        "filter": {**base["filter"], **options.get("filter", {})},
    }


class HotlineImporter:
    def __init__(self, batch: ImportBatch):
        conf = config(batch)
        self.columns: dict[str, str] = conf["columns"]
        self.prefixes = tuple(
            str(p).strip().upper() for p in conf["filter"].get("classification_prefixes", ())
        )
        self.keywords = tuple(str(k).strip() for k in conf["filter"].get("keywords", ()) if str(k).strip())
        self.required_columns = tuple(self.columns[f] for f in REQUIRED)

    # ── check: nothing is written ──────────────────────────────────────────────────
    def check(self, row: dict[str, str], batch: ImportBatch) -> RowCheck:
        checked = RowCheck()
        get = {f: (row.get(self.columns.get(f, ""), "") or "").strip() for f in FIELDS + EXTRA_FIELDS}
        for f in REQUIRED:
            if not get[f]:
                checked.error(self.columns[f], _("不能为空。"))
        received_on = self._date(get["received_on"], checked)
        if checked.errors:
            return checked
        intake = Intake(
            channel=Channel.HOTLINE,
            work_order=get["work_order"],
            title=get["title"],
            content=get["content"],
            received_on=received_on,
            complainant_name=get["complainant_name"][:100],
            complainant_contact=get["complainant_contact"][:100],
            classification_code=get["classification_code"][:40],
            request_type=get["request_type"][:40],
            handling_unit=get["handling_unit"][:200],
            extra={self.columns[f]: get[f] for f in EXTRA_FIELDS if get[f] and f in self.columns},
        )
        if len(intake.work_order) > 60:
            checked.error(self.columns["work_order"], _("工单编号过长（最多 60 个字符）。"))
            return checked
        try:
            clean(intake)
        except DomainError as error:
            checked.error(self.columns.get(error.field or "", error.field or ""), str(error.message))
            return checked
        checked.filtered = self.left_out(intake)
        checked.values = {"intake": intake}
        return checked

    def _date(self, text: str, checked: RowCheck) -> dt.date:
        if not text:
            return clock.today()
        found = re.match(r"^(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", text)
        try:
            day = dt.date(*(int(g) for g in found.groups())) if found else None
        except ValueError:
            day = None
        if day is None:
            checked.error(
                self.columns["received_on"],
                _("日期无法识别：%(text)s（应为 2026-01-05 的格式）。") % {"text": text},
            )
            return clock.today()
        if day > clock.today():
            checked.error(self.columns["received_on"], _("日期不能晚于今天。"))
        return day

    def left_out(self, intake: Intake) -> str:
        """Why the filter leaves the order out ("": it takes it)."""
        if not self.prefixes and not self.keywords:
            return ""
        code = intake.classification_code.upper()
        if code and code.startswith(self.prefixes):
            return ""
        text = f"{intake.title}{intake.content}{intake.request_type}"
        if any(k in text for k in self.keywords):
            return ""
        return _("分类编码“%(code)s”不在筛选范围内，标题、内容和诉求类型不含筛选关键词。") % {
            "code": intake.classification_code or _("（空）")
        }

    # ── apply: inside the chunk's transaction ─────────────────────────────────────
    def apply(self, checked: RowCheck, batch: ImportBatch, by: audit.Acting) -> RowResult:
        complaint, created = receive(checked.values["intake"], by=by, batch=batch)
        target = f"complaint:{complaint.pk}"
        if created:
            return RowResult(RowOutcome.CREATED, target)
        if complaint.import_batch_id == batch.pk:
            return RowResult(RowOutcome.DUPLICATE, target, _("本文件中工单编号重复。"))
        return RowResult(RowOutcome.UNCHANGED, target, _("该工单已登记，未重复导入。"))


def importer(batch: ImportBatch) -> HotlineImporter:
    return HotlineImporter(batch)
