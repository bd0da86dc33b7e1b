"""Bulk lists of organisations (单位名录) and civil servants (公务员名册): the first thing a new
deployment imports, and what HR re-imports whenever the roster changes.

Each importer declares its columns once (`COLUMNS`): the downloadable templates, the required
columns the engine checks, each row's check and the column table on the upload page are all
made from that declaration.

A row is identified by its natural key, the 统一社会信用代码 or the 公民身份号码: an existing
organisation or person is updated, a new one created, and a row that changes nothing is
reported UNCHANGED, so importing the same file twice changes nothing. An optional cell left
empty keeps what the system has (a roster without posts does not erase them).

Identifiers are checked with casework.identifiers. A value that fails a check is refused
(the importer cannot have verified it), unless the system already holds that very value
under a verified override (casework.services.identifiers): a re-import of a roster that
contains it then goes through.

A 上级单位 may be named by its code or by its full name, in the system or in the same file,
above or below the row: a parent that comes later in the file is linked when its own row is
imported (in the same run; the row's message says so).

Set-based: `prepare` reads a chunk's existing rows and referenced units in one or two
queries, `finish_chunk` audits the chunk's writes in one append (casework.audit.append_many).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import ClassVar

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from casework import audit, clock, identifiers
from casework.action_labels import AuditAction
from casework.models import Organisation, OrganisationName, OrganisationType, Person

from .importing import RowCheck, RowResult
from .models import ImportBatch, RowOutcome
from .spreadsheets import SpreadsheetError, read_table, write_csv

TRUE_WORDS = frozenset({"是", "有效", "在职", "1", "Y", "YES", "TRUE"})
FALSE_WORDS = frozenset({"否", "无效", "撤销", "不在职", "离职", "0", "N", "NO", "FALSE"})


@dataclass(frozen=True)
class Column:
    header: str
    help: str | Promise
    required: bool = False
    #: An identifier: kept as text in the template so Excel does not round 18 digits.
    text: bool = False
    example: str = ""
    max_length: int | None = None


# ── organisations ───────────────────────────────────────────────────────────────────

ORG_NAME = "单位名称"
ORG_SHORT = "简称"
ORG_CODE = "统一社会信用代码"
ORG_TYPE = "单位类型"
ORG_PARENT = "上级单位"
ORG_ACTIVE = "是否有效"

PERSON_NAME = "姓名"
PERSON_ID = "公民身份号码"
PERSON_UNIT = "所在单位"
PERSON_POST = "职务"
PERSON_RANK = "职级"
PERSON_SUPERVISOR = "管理权限单位"
PERSON_ACTIVE = "是否在职"

#: An 18-digit number Excel stored as a number and wrote out in scientific notation
#: (4.41900196503151E+17): its last digits are gone, only the person who typed it can help.
_NUMBER_SAVED = re.compile(r"\d(?:\.\d+)?E\+?\d+", re.IGNORECASE)
_NUMBER_SAVED_MESSAGE = gettext_lazy(
    "“%(column)s”被 Excel 当作数字保存，末几位已丢失：请将该列设为“文本”格式后重新填写号码。"
)
_KEEP = gettext_lazy("留空：新增时为空，更新时保留系统中的原值。")
_ACTIVE = gettext_lazy("“是”或“否”。留空：新增时为“是”，更新时保留系统中的原值。")


def _yes_no(text: str) -> bool | None:
    word = text.strip().upper()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(word)


class Target:
    """A row's target, `<prefix>:<id>`, read once the chunk's INSERT gave the object its id."""

    def __init__(self, prefix: str, obj):
        self.prefix, self.obj = prefix, obj

    def __str__(self) -> str:
        return f"{self.prefix}:{self.obj.pk}"


class DirectoryImporter:
    """What both lists share: columns, the natural key, duplicates within the file, the
    create / update / unchanged decision and the audit of each chunk."""

    COLUMNS: ClassVar[tuple[Column, ...]]
    model: ClassVar[type]
    key_column: ClassVar[str]
    key_field: ClassVar[str]
    identifier: ClassVar[identifiers.Identifier]
    #: The model fields an import writes (besides the key), compared for UNCHANGED.
    fields: ClassVar[tuple[str, ...]]
    target_prefix: ClassVar[str]

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.required_columns = tuple(c.header for c in self.COLUMNS if c.required)
        self._seen: set[str] = set()
        self._existing: dict[str, object] = {}
        self._entries: list[dict] = []
        self._acting: audit.Acting = audit.SYSTEM
        #: created by this chunk's rows, inserted together by `finish_chunk`
        self._new: list = []
        self._first_row: dict[str, int] = {}
        self._scan()

    # The file, read once before the rows: where each key first appears (duplicates name
    # that row) and, for organisations, the units the file itself creates.
    def _scan(self) -> None:
        if not self.batch.file:
            return
        try:
            with self.batch.file.open("rb") as file:
                table = read_table(file.read(), file_name=self.batch.file_name)
            for number, row in table.rows:
                key = identifiers.normalise(row.get(self.key_column, ""))
                if key:
                    self._first_row.setdefault(key, number)
                self._scan_row(row)
        except SpreadsheetError:
            return  # the engine fails the batch with the reason

    def _scan_row(self, row: dict[str, str]) -> None:
        pass

    # ── checking ──

    def _text(self, row, checked: RowCheck, column: Column) -> str | None:
        """The cell's text; None when the cell is empty (or the column absent)."""
        text = (row.get(column.header) or "").strip()
        if not text:
            if column.required:
                checked.error(column.header, _("“%(column)s”为必填项。") % {"column": column.header})
            return None
        if column.max_length and len(text) > column.max_length:
            message = _("“%(column)s”不能超过 %(n)s 个字。") % {
                "column": column.header,
                "n": column.max_length,
            }
            checked.error(column.header, message)
        return text

    def _check_key(self, row, checked: RowCheck) -> str | None:
        column = self.column(self.key_column)
        raw = self._text(row, checked, column)
        if raw is None:
            return None
        if _NUMBER_SAVED.fullmatch(raw):
            checked.error(column.header, _NUMBER_SAVED_MESSAGE % {"column": column.header})
            return None
        key = identifiers.normalise(raw)
        problem = self.identifier.problem(key)
        existing = self._existing.get(key)
        verified = existing is not None and getattr(existing, self.identifier.attr("reason"))
        if problem is not None and not (problem.overridable and verified):
            checked.error(column.header, problem.message)
            return None
        if key in self._seen:
            message = _("“%(column)s”与第 %(row)s 行重复，同一文件中每个号码只能出现一次。")
            checked.error(
                column.header, message % {"column": column.header, "row": self._first_row.get(key, "?")}
            )
            return None
        self._seen.add(key)
        return key

    def _check_active(self, row, checked: RowCheck, header: str) -> bool | None:
        text = (row.get(header) or "").strip()
        if not text:
            return None
        try:
            return _yes_no(text)
        except ValueError:
            checked.error(header, _("“%(column)s”应填写“是”或“否”。") % {"column": header})
            return None

    @classmethod
    def column(cls, header: str) -> Column:
        return next(c for c in cls.COLUMNS if c.header == header)

    # ── applying ──

    def apply(self, checked: RowCheck, batch: ImportBatch, by: audit.Acting) -> RowResult:
        """A new object waits for the chunk's one INSERT (`finish_chunk`); a changed one is
        saved at once (few, and each with its own diff)."""
        self._acting = by
        values = dict(checked.values)
        key = values.pop(self.key_field)
        message = values.pop("_message", "")
        obj = self._existing.get(key)
        if obj is None:
            given = {k: v for k, v in values.items() if v is not None}
            obj = self.model(**{self.key_field: key, **self._defaults(), **given})
            self._existing[key] = obj
            self._new.append(obj)
            self._applied(obj)
            return RowResult(RowOutcome.CREATED, Target(self.target_prefix, obj), message)
        changed = {
            f: [self._shown(f, getattr(obj, f)), self._shown(f, v)]
            for f, v in values.items()
            if v is not None and getattr(obj, f) != v
        }
        self._applied(obj)
        if not changed:
            return RowResult(RowOutcome.UNCHANGED, Target(self.target_prefix, obj), message)
        for field_name in changed:
            setattr(obj, field_name, values[field_name])
        obj.save(update_fields=list(changed))
        self._updated(obj, changed)
        self._audit(by, obj, AuditAction.IMPORT_UPDATE, changed)
        return RowResult(RowOutcome.UPDATED, Target(self.target_prefix, obj), message)

    def _defaults(self) -> dict:
        return {}

    def _updated(self, obj, changed: dict) -> None:
        """After an existing object was changed (rare: one query more is fine here)."""

    def _applied(self, obj) -> None:
        """After a row's object exists (created, updated or unchanged)."""

    def _shown(self, field_name: str, value):
        if field_name == self.key_field:
            return self.identifier.shown(value)
        return value

    def _audit(self, by: audit.Acting, obj, action: str, diff: dict) -> None:
        self._entries.append(
            dict(
                actor=by.user,
                role=by.role,
                ip_address=by.ip_address,
                obj=obj,
                action=action,
                reason=_("批量导入（批次 %(batch)s：%(file)s）")
                % {"batch": self.batch.pk, "file": self.batch.file_name},
                diff=diff,
            )
        )

    def finish_chunk(self, batch: ImportBatch, by: audit.Acting) -> None:
        """The chunk's new objects in one INSERT, then every audit entry of the chunk in one
        append (a creation's diff read after `_inserted`, which may still complete it)."""
        new, self._new = self._new, []
        if new:
            self.model.objects.bulk_create(new)
        self._inserted(new, by)
        for obj in new:
            diff = {f: self._shown(f, getattr(obj, f)) for f in (self.key_field, *self.fields)}
            self._audit(by, obj, AuditAction.IMPORT_CREATE, diff)
        audit.append_many(self._entries)
        self._entries = []

    def _inserted(self, new: list, by: audit.Acting) -> None:
        """After the chunk's INSERT, before its audit."""


class OrganisationImporter(DirectoryImporter):
    COLUMNS = (
        Column(
            ORG_NAME,
            gettext_lazy("单位的现用全称。"),
            required=True,
            example="东莞市住房和城乡建设局",
            max_length=100,
        ),
        Column(
            ORG_SHORT,
            format_lazy("{}{}", gettext_lazy("常用简称。"), _KEEP),
            example="市住建局",
            max_length=30,
        ),
        Column(
            ORG_CODE,
            gettext_lazy("18 位统一社会信用代码，按此号码识别单位：已有的单位更新，没有的新增。"),
            required=True,
            text=True,
            example="11441900007330387B",
        ),
        Column(
            ORG_TYPE,
            gettext_lazy("填写其一：市直部门、园区、镇街、村(社区)、事业单位。"),
            required=True,
            example="市直部门",
        ),
        Column(
            ORG_PARENT,
            format_lazy(
                "{}{}",
                gettext_lazy(
                    "上级单位的统一社会信用代码，或其唯一的全称；可以是系统中已有的单位，也可以是本文件中的单位。"
                ),
                _KEEP,
            ),
            text=True,
            example="",
        ),
        Column(ORG_ACTIVE, _ACTIVE, example="是"),
    )
    model = Organisation
    key_column = ORG_CODE
    key_field = "credit_code"
    identifier = identifiers.USCC
    fields = ("name", "short_name", "type", "parent_id", "is_active")
    target_prefix = "organisation"

    def __init__(self, batch: ImportBatch):
        self._file_names: dict[str, set[str]] = {}  # name → codes in the file
        self._file_codes: set[str] = set()
        self._by_code: dict[str, int] = {}
        self._by_name: dict[str, set[int]] = {}
        self._codes_of: dict[int, str] = {}
        #: a parent's code → the codes of the organisations waiting for its row
        self._waiting: dict[str, list[str]] = {}
        #: (child's code, parent created by this chunk): linked after the chunk's INSERT
        self._links: list[tuple[str, Organisation]] = []
        #: the organisations of this chunk's rows
        self._touched: list[Organisation] = []
        super().__init__(batch)

    def _scan_row(self, row):
        code = identifiers.normalise(row.get(ORG_CODE, ""))
        if code:
            self._file_codes.add(code)
            self._file_names.setdefault((row.get(ORG_NAME) or "").strip(), set()).add(code)

    def prepare(self, rows, batch):
        codes = {identifiers.normalise(r.get(ORG_CODE, "")) for r in rows} - {""}
        parents = {(r.get(ORG_PARENT) or "").strip() for r in rows} - {""}
        parent_codes = {identifiers.normalise(p) for p in parents}
        found = Organisation.objects.filter(Q(credit_code__in=codes | parent_codes) | Q(name__in=parents))
        for org in found:
            if org.credit_code:
                self._by_code[org.credit_code] = org.pk
                self._codes_of[org.pk] = org.credit_code
                if org.credit_code in codes:
                    self._existing.setdefault(org.credit_code, org)
            self._by_name.setdefault(org.name, set()).add(org.pk)

    def check(self, row, batch) -> RowCheck:
        checked = RowCheck()
        name = self._text(row, checked, self.column(ORG_NAME))
        short = self._text(row, checked, self.column(ORG_SHORT))
        code = self._check_key(row, checked)
        kind = self._text(row, checked, self.column(ORG_TYPE))
        types = {str(label): value for value, label in OrganisationType.choices}
        if kind is not None and kind not in types and kind not in OrganisationType.values:
            message = _("“单位类型”应为以下之一：%(types)s。") % {"types": "、".join(types)}
            checked.error(ORG_TYPE, message)
        parent = self._check_parent(row, checked, code)
        active = self._check_active(row, checked, ORG_ACTIVE)
        if not checked.errors:
            checked.values = {
                "credit_code": code,
                "name": name,
                "short_name": short,
                "type": types.get(kind or "", kind),
                "is_active": active,
                "_parent": parent,
            }
        return checked

    def _check_parent(self, row, checked: RowCheck, code: str | None):
        """("id", pk) for a unit in the system, ("file", reference) for one in the file."""
        raw = (row.get(ORG_PARENT) or "").strip()
        if not raw:
            return None
        as_code = identifiers.normalise(raw)
        if (len(as_code) == 18 and identifiers.uscc_problem(as_code) is None) or as_code in self._by_code:
            if as_code == code:
                checked.error(ORG_PARENT, _("“上级单位”不能是本单位。"))
                return None
            if as_code in self._by_code:
                return ("id", self._by_code[as_code])
            if as_code in self._file_codes:
                return ("file", as_code)
            message = _("“上级单位”：系统和本文件中都没有统一社会信用代码为 %(code)s 的单位。")
            checked.error(ORG_PARENT, message % {"code": as_code})
            return None
        in_system = {self._codes_of.get(pk, f"#{pk}") for pk in self._by_name.get(raw, ())}
        candidates = in_system | self._file_names.get(raw, set())
        if not candidates:
            message = _(
                "“上级单位”：系统和本文件中都没有名为“%(name)s”的单位，请填写其全称或统一社会信用代码。"
            )
            checked.error(ORG_PARENT, message % {"name": raw})
            return None
        if len(candidates) > 1:
            message = _("“上级单位”：名为“%(name)s”的单位不止一个，请改填其统一社会信用代码。")
            checked.error(ORG_PARENT, message % {"name": raw})
            return None
        [only] = candidates
        if only == code:
            checked.error(ORG_PARENT, _("“上级单位”不能是本单位。"))
            return None
        if only in self._by_code:
            return ("id", self._by_code[only])
        if only.startswith("#"):
            return ("id", int(only[1:]))
        return ("file", only)

    def apply(self, checked, batch, by):
        values = checked.values
        parent = values.pop("_parent")
        code = values["credit_code"]
        values["parent_id"] = None  # None: keep what the system has
        if parent is not None and parent[0] == "id":
            values["parent_id"] = parent[1]
        elif parent is not None and parent[1] in self._existing:  # an earlier row of this file
            earlier = self._existing[parent[1]]
            if earlier.pk is not None:
                values["parent_id"] = earlier.pk
            else:  # created by this chunk: linked once inserted
                self._links.append((code, earlier))
        elif parent is not None:
            self._waiting.setdefault(parent[1], []).append(code)
            values["_message"] = _("上级单位在文件后面的行中，导入该行时自动关联。")
        return super().apply(checked, batch, by)

    def _defaults(self):
        return {"is_active": True, "short_name": ""}

    def _updated(self, org: Organisation, changed: dict) -> None:
        """A renamed unit keeps its name history (OrganisationName), so a notice or record
        still shows the name in force on its date: the current entry ends yesterday and the
        new name is current from today. A unit without a history gets none invented (the
        date its former name began is not in the file)."""
        if "name" not in changed:
            return
        current = org.names.filter(valid_to__isnull=True).first()
        if current is None:
            return
        today = clock.today()
        if current.valid_from >= today:
            current.name = org.name
            current.save(update_fields=["name"])
            return
        current.valid_to = today - dt.timedelta(days=1)
        current.save(update_fields=["valid_to"])
        OrganisationName.objects.create(organisation=org, name=org.name, valid_from=today)

    def _applied(self, org: Organisation) -> None:
        self._touched.append(org)

    def _inserted(self, new: list, by: audit.Acting) -> None:
        """Parents named by code or name whose unit this chunk created or touched: their
        children (of this chunk, or of an earlier one, waiting) get the link in one UPDATE;
        a child created by this chunk is audited once, with its parent."""
        created = {id(org) for org in new}
        pairs = [(self._existing[code], parent) for code, parent in self._links]
        for org in self._touched:
            self._by_code[org.credit_code] = org.pk
            pairs += [(self._existing[code], org) for code in self._waiting.pop(org.credit_code, [])]
        linked = []
        for child, parent in pairs:
            if child.parent_id != parent.pk:
                if id(child) not in created:
                    self._audit(
                        by, child, AuditAction.IMPORT_UPDATE, {"parent_id": [child.parent_id, parent.pk]}
                    )
                child.parent_id = parent.pk
                linked.append(child)
        if linked:
            Organisation.objects.bulk_update(linked, ["parent_id"])
        self._touched, self._links = [], []


class PersonImporter(DirectoryImporter):
    COLUMNS = (
        Column(PERSON_NAME, gettext_lazy("公务员姓名。"), required=True, example="李伟强", max_length=50),
        Column(
            PERSON_ID,
            gettext_lazy("18 位公民身份号码（不收 15 位旧号码），按此号码识别人员：已有的更新，没有的新增。"),
            required=True,
            text=True,
            example="441900198001011237",
        ),
        Column(
            PERSON_UNIT,
            gettext_lazy("所在单位的统一社会信用代码，或其唯一的全称；单位须已在系统中（先导入单位名录）。"),
            required=True,
            text=True,
            example="11441900007330387B",
        ),
        Column(
            PERSON_POST, format_lazy("{}{}", gettext_lazy("职务。"), _KEEP), example="科长", max_length=100
        ),
        Column(
            PERSON_RANK,
            format_lazy("{}{}", gettext_lazy("职级。"), _KEEP),
            example="一级主任科员",
            max_length=50,
        ),
        Column(
            PERSON_SUPERVISOR,
            format_lazy("{}{}", gettext_lazy("有权作出处分的机关。"), _KEEP),
            example="中共东莞市委组织部",
            max_length=100,
        ),
        Column(PERSON_ACTIVE, _ACTIVE, example="是"),
    )
    model = Person
    key_column = PERSON_ID
    key_field = "id_number"
    identifier = identifiers.ID_NUMBER
    fields = ("name", "unit_id", "post", "rank", "supervising_body", "is_active")
    target_prefix = "person"

    def __init__(self, batch):
        self._units_by_code: dict[str, int] = {}
        self._units_by_name: dict[str, set[int]] = {}
        super().__init__(batch)

    def prepare(self, rows, batch):
        ids = {identifiers.normalise(r.get(PERSON_ID, "")) for r in rows} - {""}
        self._existing.update({p.id_number: p for p in Person.objects.with_id_numbers(ids)})
        units = {(r.get(PERSON_UNIT) or "").strip() for r in rows} - {""}
        codes = {identifiers.normalise(u) for u in units}
        for pk, code, name in Organisation.objects.filter(
            Q(credit_code__in=codes) | Q(name__in=units)
        ).values_list("pk", "credit_code", "name"):
            if code:
                self._units_by_code[code] = pk
            self._units_by_name.setdefault(name, set()).add(pk)

    def check(self, row, batch) -> RowCheck:
        checked = RowCheck()
        name = self._text(row, checked, self.column(PERSON_NAME))
        number = self._check_key(row, checked)
        unit = self._check_unit(row, checked)
        post = self._text(row, checked, self.column(PERSON_POST))
        rank = self._text(row, checked, self.column(PERSON_RANK))
        supervisor = self._text(row, checked, self.column(PERSON_SUPERVISOR))
        active = self._check_active(row, checked, PERSON_ACTIVE)
        if not checked.errors:
            checked.values = {
                "id_number": number,
                "name": name,
                "unit_id": unit,
                "post": post,
                "rank": rank,
                "supervising_body": supervisor,
                "is_active": active,
            }
        return checked

    def _check_unit(self, row, checked: RowCheck) -> int | None:
        raw = self._text(row, checked, self.column(PERSON_UNIT))
        if raw is None:
            return None
        code = identifiers.normalise(raw)
        if code in self._units_by_code:
            return self._units_by_code[code]
        matches = self._units_by_name.get(raw, set())
        if len(matches) == 1:
            return next(iter(matches))
        if len(matches) > 1:
            message = _("“所在单位”：名为“%(name)s”的单位不止一个，请改填其统一社会信用代码。")
        else:
            message = _(
                "“所在单位”：系统中没有“%(name)s”这个单位（统一社会信用代码或全称），请先导入单位名录。"
            )
        checked.error(PERSON_UNIT, message % {"name": raw})
        return None

    def _defaults(self):
        return {"is_active": True, "post": "", "rank": "", "supervising_body": ""}


# ── templates, made from the declaration ────────────────────────────────────────────


def template_xlsx(columns: tuple[Column, ...], *, title: str) -> bytes:
    """The header row on the first sheet (the one imported), identifier columns formatted
    as text and their headers carrying a note saying so; a second sheet explains each
    column with an example (never on the first sheet, where it would be imported)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    keep_text = _("请保持本列为“文本”格式：18 位号码若被 Excel 当作数字，末尾几位会变成 0。")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 24 if column.text else max(12, len(column.header) * 2 + 4)
        if column.text:
            cell.comment = Comment(keep_text, "诚信")
            # The column's style, which Excel and WPS give every cell typed into it. No
            # pre-formatted empty cells: they would move a program's "next row" past them.
            sheet.column_dimensions[letter].number_format = "@"
    guide = book.create_sheet(_("填写说明"))
    guide.append([_("列名"), _("是否必填"), _("说明"), _("示例")])
    for cell in guide[1]:
        cell.font = bold
    for column in columns:
        note = str(column.help) + (" " + keep_text if column.text else "")
        guide.append([column.header, _("必填") if column.required else _("可选"), note, column.example])
    guide.append([])
    guide.append([_("只导入第一个工作表；第 1 行为表头，请勿修改列名。")])
    for letter, width in zip("ABCD", (16, 10, 80, 24), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(columns: tuple[Column, ...]) -> bytes:
    return write_csv([c.header for c in columns], [])


def columns_markdown() -> str:
    """docs/import-columns.md: the columns of every list with a template, from the same
    declaration (`manage.py import_columns` writes it; a test keeps it current)."""
    from .importers import IMPORTERS
    from .models import ImportKind

    lines = [
        "# 导入模板的列",
        "",
        "由 `exchange.directory` 的列声明生成（`python manage.py import_columns`），请勿手工修改。",
    ]
    for kind, factory in IMPORTERS.items():
        columns = getattr(factory, "COLUMNS", None)
        if not columns:
            continue
        lines += [
            "",
            f"## {ImportKind(kind).label}（`{kind}`）",
            "",
            "| 列名 | 必填 | 说明 | 示例 |",
            "|---|---|---|---|",
        ]
        for column in columns:
            note = str(column.help) + ("（文本格式）" if column.text else "")
            required = "是" if column.required else "否"
            lines.append(f"| {column.header} | {required} | {note} | {column.example} |")
    return "\n".join(lines) + "\n"
