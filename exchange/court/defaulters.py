"""The 失信被执行人 list (ImportKind.DEFAULTER_LIST): CSV, XLSX or JSON with the list's own
Chinese column names, one entry per 案号 and court.

Each row is kept as a `DefaulterEntry`; a row the last import saw as it is now changes
nothing (UNCHANGED: no lead, no audit entry). A new entry about a government body found by
its code becomes a DEF lead registered by the system; one whose name only resembles a body's
waits for an officer (QUEUED, `confirmation`). An entry marked 全部履行, or missing from a batch flagged as
the full list, updates the record it gave (docs/decisions.md "Data exchange: court lists").
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.action_labels import AuditAction
from casework.language import official_language
from casework.lifecycle import RECORD_IN_FORCE
from casework.models import Category, LeadSource, Record
from casework.services.records.steps import snapshot

from ..importing import RowCheck, RowResult
from ..models import DefaulterEntry, EntryStatus, ImportBatch, MatchState, RowOutcome
from . import CourtAction
from .common import apply_match, content_hash, number_key
from .matching import Matcher, codes

NAME, CODE, ORG_CODE = "被执行人名称", "统一社会信用代码", "组织机构代码"
COURT, CASE = "执行法院", "案号"
#: column → DefaulterEntry field
COLUMNS = {
    NAME: "name",
    CODE: "credit_code",
    ORG_CODE: "org_code",
    "法定代表人": "legal_representative",
    COURT: "court",
    "省份": "province",
    CASE: "case_number",
    "执行依据文号": "basis_number",
    "做出执行依据单位": "basis_unit",
    "生效法律文书确定的义务": "obligation",
    "履行情况": "performance",
    "失信行为具体情形": "conduct",
    "立案时间": "filed_on",
    "发布时间": "published_on",
}
#: 履行情况 values that mean the obligation is performed ("全部未履行", "部分履行" do not).
PERFORMED = frozenset({"全部履行", "已履行", "已全部履行", "履行完毕"})


def status_of(performance: str) -> str:
    return EntryStatus.PERFORMED if "".join(performance.split()) in PERFORMED else EntryStatus.LISTED


class DefaulterImporter:
    required_columns = (NAME, COURT, CASE)

    def __init__(self, batch: ImportBatch) -> None:
        self._matcher: Matcher | None = None

    @property
    def matcher(self) -> Matcher:
        if self._matcher is None:
            self._matcher = Matcher()
        return self._matcher

    def check(self, row: dict[str, str], batch: ImportBatch) -> RowCheck:
        checked = RowCheck()
        values = {field: row.get(column, "").strip() for column, field in COLUMNS.items()}
        for column in self.required_columns:
            if not values[COLUMNS[column]]:
                checked.error(column, _("请填写%(column)s。") % {"column": column})
        uscc, org = codes(values["credit_code"], values["org_code"])
        if values["credit_code"] and len(uscc) not in (18, 0) and len(org) != 9:
            checked.error(CODE, _("统一社会信用代码应为 18 位（或 9 位组织机构代码）。"))
        if values["org_code"] and len(org) != 9:
            checked.error(ORG_CODE, _("组织机构代码应为 9 位（统一社会信用代码的第 9–17 位）。"))
        values["credit_code"], values["org_code"] = uscc, org
        values["case_number"], values["basis_number"] = (
            number_key(values["case_number"]),
            number_key(values["basis_number"]),
        )
        checked.values = values
        return checked

    def apply(self, checked: RowCheck, batch: ImportBatch, by: audit.Acting) -> RowResult:
        values = checked.values
        digest = content_hash(values)
        entry = (
            DefaulterEntry.objects.select_for_update()
            .filter(case_number=values["case_number"], court=values["court"])
            .first()
        )
        if entry is None:
            entry = DefaulterEntry(
                **values,
                status=status_of(values["performance"]),
                content_hash=digest,
                first_batch=batch,
                last_batch=batch,
            )
            entry.save()
            outcome, message = self._match(entry)
            return RowResult(outcome or RowOutcome.CREATED, f"defaulter:{entry.pk}", message)
        entry.last_batch = batch
        if entry.content_hash == digest:
            if entry.match == MatchState.NONE:  # a body added since may now be found
                outcome, message = self._match(entry)
                if outcome or entry.match != MatchState.NONE:
                    return RowResult(outcome or RowOutcome.UPDATED, f"defaulter:{entry.pk}", message)
            DefaulterEntry.objects.filter(pk=entry.pk).update(last_batch=batch)
            return RowResult(RowOutcome.UNCHANGED, f"defaulter:{entry.pk}")
        was = entry.status
        for field, value in values.items():
            setattr(entry, field, value)
        entry.content_hash = digest
        entry.status = status_of(entry.performance)
        entry.save()
        message = ""
        if entry.match == MatchState.NONE:
            outcome, message = self._match(entry)
        if entry.status != was:
            list_changed(entry, by=audit.SYSTEM, batch=batch)
        return RowResult(RowOutcome.UPDATED, f"defaulter:{entry.pk}", message)

    def _match(self, entry: DefaulterEntry) -> tuple[str, str]:
        """Match a new (or still unmatched) entry: (outcome or "", message). Saves the entry."""
        found = self.matcher.match(name=entry.name, credit_code=entry.credit_code, org_code=entry.org_code)
        return apply_match(entry, found, lead_for)

    def finish(self, batch: ImportBatch, by: audit.Acting) -> None:
        """A batch flagged as the full list: every listed entry it did not contain is gone
        from the list. A file with no good row says nothing about what is listed."""
        if not batch.options.get("full_list"):
            return
        if not DefaulterEntry.objects.filter(last_batch=batch).exists():
            return
        gone = DefaulterEntry.objects.filter(status=EntryStatus.LISTED).exclude(last_batch=batch)
        # The few with a record one by one (each record learns of it); the rest in one UPDATE.
        linked = list(gone.filter(record__isnull=False).select_for_update())
        gone.update(status=EntryStatus.REMOVED, updated_at=timezone.now())
        for entry in linked:
            entry.status = EntryStatus.REMOVED
            list_changed(entry, by=audit.SYSTEM, batch=batch)


def lead_for(entry: DefaulterEntry, *, created_by=None) -> Record:
    """An unsaved DEF lead quoting the entry (in the official language: it is the record)."""
    with official_language():
        content = _(
            "失信被执行人名单条目：被执行人%(name)s（统一社会信用代码/组织机构代码：%(code)s；"
            "法定代表人：%(rep)s），执行法院%(court)s，案号%(case)s；执行依据文号%(basis)s，"
            "做出执行依据单位%(unit)s；生效法律文书确定的义务：%(obligation)s；履行情况：%(performance)s；"
            "失信行为具体情形：%(conduct)s；立案时间%(filed)s，发布时间%(published)s。"
        ) % {
            "name": entry.name,
            "code": entry.credit_code or entry.org_code or "—",
            "rep": entry.legal_representative or "—",
            "court": entry.court,
            "case": entry.case_number,
            "basis": entry.basis_number or "—",
            "unit": entry.basis_unit or "—",
            "obligation": entry.obligation or "—",
            "performance": entry.performance or "—",
            "conduct": entry.conduct or "—",
            "filed": entry.filed_on or "—",
            "published": entry.published_on or "—",
        }
    return Record(
        subject_organisation=entry.organisation,
        source=LeadSource.DEFAULTER_LIST,
        category=Category.DEF,
        lead_content=content,
        received_on=clock.today(),
        created_by=created_by,
    )


def list_changed(entry: DefaulterEntry, *, by: audit.Acting, batch: ImportBatch) -> None:
    """The entry was performed or left the list: its record learns of it, audited. A record
    in force whose entry says 全部履行 gets its obligations registered as performed (the
    repair condition of DOMAIN §6.5); anything else is a note on the record's timeline for
    its officer — leaving the list alone does not prove performance."""
    if entry.record_id is None:
        return
    record = Record.objects.select_for_update().get(pk=entry.record_id)
    with official_language():
        what = EntryStatus(entry.status).label
        reason = _("失信被执行人名单（案号%(case)s，%(court)s）：%(what)s（导入批次 %(batch)s）。") % {
            "case": entry.case_number,
            "court": entry.court,
            "what": what,
            "batch": batch.pk,
        }
    if (
        entry.status == EntryStatus.PERFORMED
        and record.state in RECORD_IN_FORCE
        and record.obligations_fulfilled_on is None
    ):
        before = snapshot(record)
        record.obligations_fulfilled_on = clock.today()
        record.save(update_fields=["obligations_fulfilled_on", "updated_at"])
        audit.append(
            by,
            obj=record,
            record=record,
            action=AuditAction.MARK_OBLIGATIONS_FULFILLED,
            from_state=record.state,
            to_state=record.state,
            reason=reason,
            diff=audit.field_diff(before, snapshot(record)),
        )
        return
    audit.append(
        by,
        obj=record,
        record=record,
        action=CourtAction.LIST_NOTE,
        from_state=record.state,
        to_state=record.state,
        reason=reason,
    )
