"""HR's use cases on integrity files: open one, open a unit's at once, enter what only HR
knows, correct an entry by a new one. Each locks, checks, changes and audits in one
transaction, then brings the "no integrity file" alerts up to date in the same one, so the
alert is gone when the file is there."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import action_labels, audit, clock
from casework.errors import DomainError, NotFoundError, PermissionDeniedError
from casework.language import official_language
from casework.permissions import roles_of
from casework.roles import Role
from casework.services.validation import require_text

from ..models import AssessmentResult, EntryKind, FileEntry, IntegrityFile
from . import alerts
from .queries import KEEP_ROLES, READ_ROLES, person_get, readable_people


class FileAction:
    """Audited actions on integrity files (stored values: never change)."""

    OPEN = "integrity_file.open"
    ENTRY_ADD = "integrity_file.entry_add"
    ENTRY_CORRECT = "integrity_file.entry_correct"
    DOWNLOAD = "integrity_file.download"


action_labels.register(
    {
        FileAction.OPEN: gettext_lazy("建立公务员诚信档案"),
        FileAction.ENTRY_ADD: gettext_lazy("登记诚信档案条目"),
        FileAction.ENTRY_CORRECT: gettext_lazy("更正诚信档案条目"),
        FileAction.DOWNLOAD: gettext_lazy("下载诚信档案"),
    }
)


def _keeper(acting_user, ip_address: str | None) -> audit.Acting:
    if not roles_of(acting_user) & KEEP_ROLES:
        raise PermissionDeniedError(_("只有人事管理员可以维护公务员诚信档案。"), code="permission_denied")
    return audit.Acting(acting_user, Role.HR_ADMIN, ip_address)


def _file_repr(name: str) -> str:
    with official_language():
        return _("%(name)s的诚信档案") % {"name": name}


# ── opening files ──────────────────────────────────────────────────────────────────


@transaction.atomic(durable=True)
def file_open(*, acting_user, person_id: int, ip_address: str | None = None) -> IntegrityFile:
    by = _keeper(acting_user, ip_address)
    person = person_get(acting_user, person_id)
    person = type(person).objects.select_for_update().get(pk=person.pk)
    if IntegrityFile.objects.filter(person=person).exists():
        raise DomainError(_("该公务员已建立诚信档案。"), field="person", code="exists")
    today = clock.today()
    file = IntegrityFile.objects.create(person=person, opened_on=today, opened_by=acting_user)
    audit.append(by, obj=file, action=FileAction.OPEN, diff={"opened_on": [None, today]})
    alerts.sync_file_alerts(today)
    return file


@transaction.atomic(durable=True)
def files_open_for_unit(*, acting_user, unit_id: int, ip_address: str | None = None) -> int:
    """Open a file for every active civil servant of the unit who has none, in a fixed number
    of statements; the number opened (0 when all had one)."""
    by = _keeper(acting_user, ip_address)
    today = clock.today()
    # Locking the unit's people makes a second HR click wait, then find nobody left; only the
    # people's rows (PostgreSQL refuses to lock the nullable side of the join to the files).
    ids = list(
        readable_people(acting_user)
        .select_for_update(of=("self",))
        .filter(unit_id=unit_id, is_active=True, integrity_file__isnull=True)
        .values_list("pk", flat=True)
    )
    IntegrityFile.objects.bulk_create(
        [IntegrityFile(person_id=pk, opened_on=today, opened_by=acting_user) for pk in ids], batch_size=500
    )
    opened = IntegrityFile.objects.filter(person_id__in=ids).values_list("pk", "person__name")
    content_type_id = ContentType.objects.get_for_model(IntegrityFile).pk
    audit.append_many(
        dict(
            actor=acting_user,
            role=by.role,
            ip_address=ip_address,
            action=FileAction.OPEN,
            content_type_id=content_type_id,
            object_id=pk,
            object_repr=_file_repr(name),
            diff={"opened_on": [None, today]},
        )
        for pk, name in opened
    )
    if ids:
        alerts.sync_file_alerts(today)
    return len(ids)


# ── entries ────────────────────────────────────────────────────────────────────────


def _locked_file(acting_user, person_id: int) -> IntegrityFile:
    person = person_get(acting_user, person_id)
    file = IntegrityFile.objects.select_for_update().filter(person=person).first()
    if file is None:
        raise DomainError(_("该公务员尚未建立诚信档案，请先建档。"), field="person", code="no_file")
    return file


def _clean_entry(
    file: IntegrityFile,
    *,
    kind: str,
    entry_date: dt.date | None,
    description: str,
    result: str,
    year: int | None,
    evidence: str,
    replacing: FileEntry | None = None,
) -> dict:
    if kind not in EntryKind.values:
        raise DomainError(_("请选择条目类别。"), field="kind", code="required")
    if entry_date is None:
        raise DomainError(_("请填写日期。"), field="entry_date", code="required")
    if entry_date > clock.today():
        raise DomainError(_("日期不能晚于今天。"), field="entry_date", code="future")
    description = require_text(description, "description", _("请填写条目内容。"), name=_("条目内容"))
    result, evidence = (result or "").strip(), (evidence or "").strip()
    if kind == EntryKind.ANNUAL_ASSESSMENT:
        _check_assessment(file, result=result, year=year, replacing=replacing)
    elif kind == EntryKind.TRAINING:
        result = require_text(result, "result", _("请填写培训结果。"), name=_("结果"))
        year = None
    else:
        year = None
    return dict(
        kind=kind,
        entry_date=entry_date,
        description=description,
        result=result[:100],
        year=year,
        evidence=evidence[:200],
    )


def _check_assessment(file: IntegrityFile, *, result: str, year: int | None, replacing) -> None:
    if result not in AssessmentResult.values:
        raise DomainError(
            _("请选择考核结果（优秀、称职、基本称职或不称职）。"), field="result", code="required"
        )
    if not year or not 1949 < year <= clock.today().year:
        raise DomainError(_("请填写考核年度。"), field="year", code="required")
    same_year = FileEntry.objects.filter(
        file=file, kind=EntryKind.ANNUAL_ASSESSMENT, year=year, corrected_by__isnull=True
    )
    if replacing is not None:
        same_year = same_year.exclude(pk=replacing.pk)
    if same_year.exists():
        raise DomainError(
            _("%(year)d 年度的考核结果已登记；如有错误，请更正原条目。") % {"year": year},
            field="year",
            code="duplicate",
        )


def _entry_diff(fields: dict) -> dict:
    return {name: [None, value] for name, value in fields.items() if value not in (None, "")}


@transaction.atomic(durable=True)
def file_entry_add(
    *,
    acting_user,
    person_id: int,
    kind: str,
    entry_date: dt.date | None,
    description: str,
    result: str = "",
    year: int | None = None,
    evidence: str = "",
    ip_address: str | None = None,
) -> FileEntry:
    by = _keeper(acting_user, ip_address)
    file = _locked_file(acting_user, person_id)
    fields = _clean_entry(
        file,
        kind=kind,
        entry_date=entry_date,
        description=description,
        result=result,
        year=year,
        evidence=evidence,
    )
    entry = FileEntry.objects.create(file=file, created_by=acting_user, **fields)
    audit.append(by, obj=entry, action=FileAction.ENTRY_ADD, diff=_entry_diff(fields))
    return entry


@transaction.atomic(durable=True)
def file_entry_correct(
    *,
    acting_user,
    entry_id: int,
    reason: str,
    kind: str,
    entry_date: dt.date | None,
    description: str,
    result: str = "",
    year: int | None = None,
    evidence: str = "",
    ip_address: str | None = None,
) -> FileEntry:
    """A new entry in place of `entry_id`, which stays on file, void, with the reason."""
    by = _keeper(acting_user, ip_address)
    old = FileEntry.objects.filter(pk=entry_id, file__person__in=readable_people(acting_user)).first()
    if old is None:
        raise NotFoundError(_("档案条目不存在。"), field="entry", code="not_found")
    file = _locked_file(acting_user, old.file.person_id)
    if FileEntry.objects.filter(corrects=old).exists():
        raise DomainError(_("该条目已被更正，请更正最新的条目。"), field="entry", code="void")
    reason = require_text(reason, "reason", _("请填写更正理由。"), name=_("更正理由"))
    fields = _clean_entry(
        file,
        kind=kind,
        entry_date=entry_date,
        description=description,
        result=result,
        year=year,
        evidence=evidence,
        replacing=old,
    )
    entry = FileEntry.objects.create(
        file=file, created_by=acting_user, corrects=old, correction_reason=reason, **fields
    )
    audit.append(
        by,
        obj=entry,
        action=FileAction.ENTRY_CORRECT,
        reason=reason,
        diff={"corrects": [None, old.pk], **_entry_diff(fields)},
    )
    return entry


# ── the PDF ────────────────────────────────────────────────────────────────────────


def _reader_role(user) -> str:
    roles = roles_of(user)
    return next((r for r in sorted(READ_ROLES) if r in roles), Role.CIVIL_SERVANT)


@transaction.atomic(durable=True)
def file_download_note(*, acting_user, file: IntegrityFile, ip_address: str | None = None) -> None:
    """Audit that `acting_user` took the file away as a PDF (personal data leaving the system)."""
    audit.append(
        audit.Acting(acting_user, _reader_role(acting_user), ip_address),
        obj=file,
        action=FileAction.DOWNLOAD,
    )
