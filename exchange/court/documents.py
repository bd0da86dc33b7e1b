"""Court documents: judgments and the documents that revoke them (ImportKind.COURT_DOCUMENTS,
or an officer's form), and T10 on the records resting on a revoked document (scenario 7).

A judgment's party is matched like a list entry: its code gives a JUD lead registered by the
system, a name that only resembles a body's waits for an officer (`confirmation`).

A revocation names the document it revokes (`revokes`). The records resting on that
document are found by its number: the lead a defaulter-list entry gave (its 案号 or 执行依据
文号), the lead a judgment gave, or a JUD/DEF record that quotes the number in its content,
facts or basis. An EFFECTIVE record gets a `CourtRevocation` waiting for an approver, with the
casework time limit WITHDRAW_DISPLAY (3 WD) from the day the document was registered; a record
still being worked is flagged for its officer instead (T10 leaves only EFFECTIVE).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock, rules
from casework.errors import DomainError, PermissionDeniedError
from casework.language import official_language
from casework.lifecycle import RecordState
from casework.models import Category, LeadSource, Record
from casework.permissions import has_role
from casework.roles import Role
from casework.rule_table import RuleCode
from casework.services.records.decided import record_revoke
from casework.services.validation import require_text

from ..importing import RowCheck, RowResult
from ..models import (
    CourtDocument,
    CourtRevocation,
    DocumentKind,
    ImportBatch,
    MatchState,
    RevocationState,
    RowOutcome,
)
from . import CourtAction
from .common import IMPORT_ROLES, apply_match, content_hash, number_key
from .matching import Matcher, codes

S = RecordState
NUMBER, COURT, KIND, REVOKES = "文书号", "法院", "文书类型", "被撤销文书号"
COLUMNS = {
    NUMBER: "number",
    COURT: "court",
    KIND: "kind",
    REVOKES: "revokes",
    "当事人": "party",
    "统一社会信用代码": "credit_code",
    "裁判日期": "decided_on",
    "内容摘要": "summary",
}
#: A record still being worked: the officer is told, the case goes on or is dismissed by them.
WORKED = (S.LEAD, S.VERIFYING, S.PROPOSED, S.PRE_NOTICE, S.DETERMINED)
REVOKE_ROLES = (Role.APPROVER,)


def kind_of(text: str, revokes: str) -> str:
    return (
        DocumentKind.REVOCATION
        if revokes or any(w in text for w in ("撤销", "改判"))
        else DocumentKind.JUDGMENT
    )


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        raise DomainError(_("日期格式应为 YYYY-MM-DD。"), field="decided_on", code="date") from None


def clean(values: dict) -> dict:
    """The document's fields checked (DomainError names the field) and normalised."""
    values = {k: (v or "").strip() if isinstance(v, str) else v for k, v in values.items()}
    if not values.get("number"):
        raise DomainError(_("请填写文书号。"), field="number", code="required")
    if not values.get("court"):
        raise DomainError(_("请填写法院。"), field="court", code="required")
    values["number"], values["revokes"] = number_key(values["number"]), number_key(values.get("revokes", ""))
    values["kind"] = (
        values["kind"]
        if values.get("kind") in DocumentKind.values
        else kind_of(values.get("kind", ""), values["revokes"])
    )
    if values["kind"] == DocumentKind.REVOCATION and not values["revokes"]:
        raise DomainError(_("撤销/改判文书须填写被撤销文书号。"), field="revokes", code="required")
    if isinstance(values.get("decided_on"), str):
        values["decided_on"] = _date(values["decided_on"])
    values["credit_code"], _org = codes(values.get("credit_code", ""), "")
    return values


class DocumentImporter:
    required_columns = (NUMBER, COURT)

    def __init__(self, batch: ImportBatch) -> None:
        self._matcher: Matcher | None = None

    def check(self, row: dict[str, str], batch: ImportBatch) -> RowCheck:
        checked = RowCheck()
        values = {field: row.get(column, "") for column, field in COLUMNS.items()}
        try:
            checked.values = clean(values)
        except DomainError as error:
            column = next((c for c, f in COLUMNS.items() if f == error.field), NUMBER)
            checked.error(column, error.message)
        return checked

    def apply(self, checked: RowCheck, batch: ImportBatch, by: audit.Acting) -> RowResult:
        if self._matcher is None:
            self._matcher = Matcher()
        document, outcome, message = register(checked.values, by=by, batch=batch, matcher=self._matcher)
        return RowResult(outcome, f"court_document:{document.pk}", message)


def register(values: dict, *, by: audit.Acting, batch: ImportBatch | None = None, matcher=None):
    """Create or update the document `values` describe, inside the caller's transaction:
    (document, outcome, message). The same document registered again changes nothing, unless
    it is a judgment no body matched and one now does (a body added since)."""
    digest = content_hash({k: str(v or "") for k, v in values.items()})
    document = CourtDocument.objects.select_for_update().filter(number=values["number"]).first()
    if document is not None and document.content_hash == digest:
        if _unmatched_judgment(document):
            outcome, message = _match(document, matcher)
            if document.match != MatchState.NONE:
                return document, outcome or RowOutcome.UPDATED, message
        return document, RowOutcome.UNCHANGED, ""
    created = document is None
    document = document or CourtDocument(registered_on=clock.today(), registered_by=by.user, batch=batch)
    for field, value in values.items():
        setattr(document, field, value)
    document.content_hash = digest
    document.save()
    audit.append(
        by,
        obj=document,
        action=CourtAction.DOCUMENT_REGISTER,
        reason=document.summary[:200],
        diff={"number": document.number, "kind": document.kind, "revokes": document.revokes},
    )
    outcome, messages = "", []
    if _unmatched_judgment(document):
        outcome, message = _match(document, matcher)
        messages.append(message)
    if document.kind == DocumentKind.REVOCATION:
        for revocation in _revocations(document, by):
            messages.append(f"{revocation.record.reference}: {revocation.get_state_display()}")
    return (
        document,
        outcome or (RowOutcome.CREATED if created else RowOutcome.UPDATED),
        "；".join(messages),
    )


def _unmatched_judgment(document: CourtDocument) -> bool:
    return document.kind == DocumentKind.JUDGMENT and document.match == MatchState.NONE


def _match(document: CourtDocument, matcher: Matcher | None) -> tuple[str, str]:
    """A judgment's party matched like a list entry: its code, else its name for an officer."""
    found = (matcher or Matcher()).match(name=document.party, credit_code=document.credit_code)
    return apply_match(document, found, lead_for)


def lead_for(document: CourtDocument, *, created_by=None) -> Record:
    """An unsaved JUD lead quoting the judgment (in the official language: it is the record)."""
    with official_language():
        content = _("法院判决：%(court)s %(number)s（%(date)s），当事人%(party)s。%(summary)s") % {
            "court": document.court,
            "number": document.number,
            "date": document.decided_on or "—",
            "party": document.party or document.organisation.name,
            "summary": document.summary,
        }
    return Record(
        subject_organisation=document.organisation,
        source=LeadSource.COURT,
        category=Category.JUD,
        lead_content=content,
        received_on=clock.today(),
        created_by=created_by,
    )


def resting_on(number: str) -> list[Record]:
    """The records resting on the court document `number` (see the module's docstring)."""
    from ..models import DefaulterEntry

    ids = set(
        DefaulterEntry.objects.filter(
            Q(case_number=number) | Q(basis_number=number), record__isnull=False
        ).values_list("record_id", flat=True)
    )
    ids |= set(
        CourtDocument.objects.filter(number=number, record__isnull=False).values_list("record_id", flat=True)
    )
    court_records = Record.objects.filter(
        Q(category__in=[Category.JUD, Category.DEF])
        | Q(source__in=[LeadSource.COURT, LeadSource.DEFAULTER_LIST]),
        state__in=(*WORKED, S.EFFECTIVE),
    ).exclude(pk__in=ids)
    for pk, *texts in court_records.values_list("pk", "lead_content", "facts", "legal_basis").iterator():
        if number in number_key(" ".join(texts)):
            ids.add(pk)
    return list(Record.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _revocations(document: CourtDocument, by: audit.Acting) -> list[CourtRevocation]:
    made = []
    for record in resting_on(document.revokes):
        if record.state == S.EFFECTIVE:
            state = RevocationState.PENDING
        elif record.state in WORKED:
            state = RevocationState.FLAGGED
        else:
            continue
        revocation, created = CourtRevocation.objects.get_or_create(
            document=document,
            record=record,
            defaults={"state": state, "registered_on": document.registered_on},
        )
        if not created:
            continue
        if state == RevocationState.PENDING:
            deadline = rules.open_deadline(
                record, RuleCode.WITHDRAW_DISPLAY, document.registered_on, owner=revocation
            )
            revocation.due_on = deadline.due_on
            revocation.save(update_fields=["due_on"])
        with official_language():
            reason = _("法院文书 %(number)s（%(court)s）撤销了本记录所依据的文书 %(revoked)s。") % {
                "number": document.number,
                "court": document.court,
                "revoked": document.revokes,
            }
        audit.append(
            by,
            obj=revocation,
            record=record,
            action=CourtAction.REVOCATION_REGISTERED,
            from_state=record.state,
            to_state=record.state,
            reason=reason,
            diff={"due_on": revocation.due_on.isoformat() if revocation.due_on else None},
        )
        made.append(revocation)
    return made


# ── the officer's form ─────────────────────────────────────────────────────────────────
@transaction.atomic(durable=True)
def court_document_register(*, acting_user, ip_address: str | None = None, **values) -> CourtDocument:
    if not has_role(acting_user, *IMPORT_ROLES):
        raise PermissionDeniedError(_("只有办案人员或信用管理员可以登记法院文书。"), code="permission_denied")
    role = Role.OFFICER if has_role(acting_user, Role.OFFICER) else Role.CREDIT_ADMIN
    document, _outcome, _message = register(clean(values), by=audit.Acting(acting_user, role, ip_address))
    return document


# ── the approver revokes, the officer takes note ──────────────────────────────────────
def court_revocation_confirm(
    *, acting_user, revocation_id: int, reason: str = "", ip_address: str | None = None
) -> CourtRevocation:
    """T10 with the revoking document as its basis; the platform's 3 WD run from the day the
    document was registered. Two transactions (record_revoke is durable): a revocation whose
    record is found REVOKED already is only closed, so confirming again finishes the work."""
    if not has_role(acting_user, *REVOKE_ROLES):
        raise PermissionDeniedError(_("只有审批人员可以撤销失信记录。"), code="permission_denied")
    revocation = CourtRevocation.objects.select_related("document", "record").get(pk=revocation_id)
    if revocation.state != RevocationState.PENDING:
        raise DomainError(_("该撤销事项已处理。"), field="state", code="illegal_state")
    document = revocation.document
    if revocation.record.state != S.REVOKED:
        with official_language():
            default = _("作出失信认定所依据的法院文书 %(revoked)s 已被 %(court)s %(number)s 撤销。") % {
                "revoked": document.revokes,
                "court": document.court,
                "number": document.number,
            }
        record_revoke(
            acting_user=acting_user,
            record_id=revocation.record_id,
            reason=reason.strip() or default,
            document=document.number,
            grounds_registered_on=revocation.registered_on,
            ip_address=ip_address,
        )
    with transaction.atomic(durable=True):
        revocation = CourtRevocation.objects.select_for_update().get(pk=revocation_id)
        revocation.state, revocation.decided_by, revocation.decided_at = (
            RevocationState.REVOKED,
            acting_user,
            timezone.now(),
        )
        revocation.save()
        rules.close_deadline(revocation.record, RuleCode.WITHDRAW_DISPLAY, owner=revocation)
    return revocation


@transaction.atomic(durable=True)
def court_revocation_note(*, acting_user, revocation_id: int, note: str, ip_address: str | None = None):
    """The officer has seen that the document behind a case still being worked was revoked
    (and dismisses or amends the case by its own steps)."""
    if not has_role(acting_user, Role.OFFICER):
        raise PermissionDeniedError(_("只有办案人员可以处理。"), code="permission_denied")
    note = require_text(note, "note", _("请填写处理说明。"))
    revocation = CourtRevocation.objects.select_for_update().get(pk=revocation_id)
    if revocation.state != RevocationState.FLAGGED:
        raise DomainError(_("该撤销事项已处理。"), field="state", code="illegal_state")
    revocation.state, revocation.note = RevocationState.NOTED, note
    revocation.decided_by, revocation.decided_at = acting_user, timezone.now()
    revocation.save()
    audit.append(
        audit.Acting(acting_user, Role.OFFICER, ip_address),
        obj=revocation,
        record=revocation.record,
        action=CourtAction.REVOCATION_NOTED,
        reason=note,
    )
    return revocation


def pending_revocations(user):
    """Waiting for an approver, soonest due first; commission roles see them, others none."""
    if not has_role(user, Role.APPROVER, *IMPORT_ROLES):
        return CourtRevocation.objects.none()
    return (
        CourtRevocation.objects.filter(state=RevocationState.PENDING)
        .select_related("document", "record", "record__subject_organisation")
        .order_by("due_on", "pk")
    )


def flagged_revocations(user):
    if not has_role(user, *IMPORT_ROLES):
        return CourtRevocation.objects.none()
    return CourtRevocation.objects.filter(state=RevocationState.FLAGGED).select_related("document", "record")


def is_overdue(revocation: CourtRevocation, today: dt.date | None = None) -> bool:
    return (
        revocation.state == RevocationState.PENDING
        and revocation.due_on is not None
        and (revocation.due_on < (today or clock.today()))
    )
