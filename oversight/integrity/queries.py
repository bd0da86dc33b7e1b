"""What the integrity files show, and to whom (DOMAIN §9.5; docs/decisions.md "Integrity files").

HR and the commission read every file; a civil servant reads their own; nobody else any
(a unit's liaison and head neither: the file holds assessments and rewards, personnel
matters the unit's case work does not need). A declared 回避 hides the person's file.

A file's content is read when it is shown: the records, sanctions and repairs the system
holds about the person at that moment, then the entries HR made by hand. Nothing is copied
into the file, so a record decided this morning is in it this afternoon.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import clock
from casework.errors import NotFoundError
from casework.lifecycle import RECORD_STANDING, RecordState
from casework.models import (
    AuditEntry,
    DecisionType,
    Organisation,
    Person,
    Record,
    RepairApplication,
    Sanction,
)
from casework.permissions import SEE_ALL_ROLES, declared_conflicts, roles_of
from casework.roles import Role
from casework.search import text_contains
from casework.services.accountability import sanctions as sanction_rules

from ..models import FileEntry, IntegrityFile
from ..models.integrity import REWARD_KINDS, EntryKind

#: Who reads every file and the coverage (DOMAIN §2: R1–R3 and R9 read all; R4 keeps the files).
READ_ROLES = frozenset({*SEE_ALL_ROLES, Role.HR_ADMIN})
#: Who opens files and enters what only HR knows (DOMAIN §2 R4).
KEEP_ROLES = frozenset({Role.HR_ADMIN})
#: Decisions that put nothing on a person's file: the person was not sanctioned.
NOT_SANCTIONS = (DecisionType.NOT_SANCTIONED, DecisionType.EXEMPTED, DecisionType.TRANSFERRED)
#: The records a file shows: findings that stood. A dismissed lead or a revoked finding
#: (and either, archived) says nothing about the person's integrity.
FILE_RECORD_STATES = (*RECORD_STANDING, RecordState.ARCHIVED)


def may_read_all(user) -> bool:
    return bool(roles_of(user) & READ_ROLES)


def may_keep(user) -> bool:
    return bool(roles_of(user) & KEEP_ROLES)


def readable_people(user) -> QuerySet[Person]:
    """The civil servants whose file (opened or not) `user` may read."""
    roles = roles_of(user)
    if roles & READ_ROLES:
        people = Person.objects.all()
    elif Role.CIVIL_SERVANT in roles and user.person_id:
        people = Person.objects.filter(pk=user.person_id)
    else:
        return Person.objects.none()
    conflicted = declared_conflicts(user).person_ids
    return people.exclude(pk__in=sorted(conflicted)) if conflicted else people


def person_get(user, person_id: int) -> Person:
    person = readable_people(user).select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise NotFoundError(_("公务员不存在。"), field="person", code="not_found")
    return person


# ── a file's content ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Section:
    title: str
    entries: list[FileEntry]


@dataclass(frozen=True)
class FileView:
    person: Person
    file: IntegrityFile | None
    today: dt.date
    records: list[Record]
    sanctions: list[tuple[Sanction, str]]
    repairs: list[RepairApplication]
    sections: list[Section] = field(default_factory=list)

    @property
    def entries(self) -> list[FileEntry]:
        return [entry for section in self.sections for entry in section.entries]


def file_records(person: Person) -> QuerySet[Record]:
    revoked = AuditEntry.objects.filter(record=OuterRef("pk"), to_state=RecordState.REVOKED)
    return (
        Record.objects.filter(
            subject_person=person, state__in=FILE_RECORD_STATES, determination_date__isnull=False
        )
        .exclude(Exists(revoked))
        .order_by("determination_date", "pk")
    )


def file_sanctions(person: Person) -> QuerySet[Sanction]:
    return (
        Sanction.objects.filter(person=person, revoked=False)
        .exclude(decision_type__in=NOT_SANCTIONS)
        .order_by("effective_on", "pk")
    )


def file_repairs(person: Person) -> QuerySet[RepairApplication]:
    return (
        RepairApplication.objects.filter(record__in=file_records(person), decided_on__isnull=False)
        .select_related("record")
        .order_by("decided_on", "pk")
    )


#: The sections of the hand entries, in the file's order.
SECTION_KINDS = (
    (REWARD_KINDS, gettext_lazy("表彰奖励")),
    ((EntryKind.ANNUAL_ASSESSMENT,), gettext_lazy("年度考核")),
    ((EntryKind.TRAINING,), gettext_lazy("诚信培训")),
    ((EntryKind.PERSONAL_MATTERS,), gettext_lazy("个人有关事项报告核查")),
    ((EntryKind.COMMITMENT,), gettext_lazy("承诺")),
    ((EntryKind.OTHER,), gettext_lazy("其他")),
)


def _sections(file: IntegrityFile | None) -> list[Section]:
    if file is None:
        return []
    entries = list(
        FileEntry.objects.filter(file=file)
        .select_related("corrects", "corrected_by")
        .order_by("entry_date", "pk")
    )
    return [Section(str(title), [e for e in entries if e.kind in kinds]) for kinds, title in SECTION_KINDS]


def file_view(user, person_id: int) -> FileView:
    person = person_get(user, person_id)
    today = clock.today()
    file = IntegrityFile.objects.filter(person=person).select_related("opened_by").first()
    return FileView(
        person=person,
        file=file,
        today=today,
        records=list(file_records(person)),
        sanctions=[(s, sanction_rules.status_label(s, today)) for s in file_sanctions(person)],
        repairs=list(file_repairs(person)),
        sections=_sections(file),
    )


def is_void(entry: FileEntry) -> bool:
    return hasattr(entry, "corrected_by")


# ── coverage (覆盖率 = 已建档 ÷ 在职公务员) ───────────────────────────────────────────


@dataclass(frozen=True)
class Coverage:
    unit_id: int | None
    unit_name: str
    active: int
    with_file: int

    @property
    def without_file(self) -> int:
        return self.active - self.with_file

    @property
    def percent(self) -> float | None:
        """Rounded down to 0.1: one civil servant without a file never shows as 100 %."""
        if not self.active:
            return None
        return math.floor(self.with_file * 1000 / self.active) / 10

    @property
    def complete(self) -> bool:
        return self.with_file == self.active


def _coverage_rows() -> list[Coverage]:
    """Counted per unit id first, then the few units joined for their names and sorted: at
    50,000 civil servants, joining each of them to their unit before counting (an ORM
    aggregate over `unit__name`) took about half again as long on PostgreSQL."""
    person, file, unit = (model._meta.db_table for model in (Person, IntegrityFile, Organisation))
    sql = (
        f"SELECT c.unit_id, u.name, c.active, c.with_file FROM ("
        f"SELECT p.unit_id, COUNT(p.id) AS active, COUNT(f.id) AS with_file FROM {person} p "
        f"LEFT JOIN {file} f ON f.person_id = p.id WHERE p.is_active GROUP BY p.unit_id"
        f") c JOIN {unit} u ON u.id = c.unit_id ORDER BY u.name, c.unit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [Coverage(*row) for row in cursor.fetchall()]


def _total(rows: list[Coverage]) -> Coverage:
    return Coverage(None, _("合计"), sum(r.active for r in rows), sum(r.with_file for r in rows))


def coverage(user) -> tuple[list[Coverage], Coverage]:
    """Per unit with active civil servants, and the total (one query); nothing for a user
    outside READ_ROLES."""
    rows = _coverage_rows() if may_read_all(user) else []
    return rows, _total(rows)


def coverage_by_unit() -> list[dict]:
    """Plain rows for the dashboard (the caller decides who sees them): one per unit, then
    the total with `unit_id` None. `percent` is None for a unit without active staff."""
    rows = _coverage_rows()
    return [
        {
            "unit_id": row.unit_id,
            "unit_name": row.unit_name,
            "active": row.active,
            "with_file": row.with_file,
            "percent": row.percent,
        }
        for row in [*rows, _total(rows)]
    ]


def unit_people(user, unit_id: int) -> QuerySet[Person]:
    """A unit's active civil servants the user may read, each with `has_file`."""
    if not may_read_all(user):
        return Person.objects.none()
    return (
        readable_people(user)
        .filter(unit_id=unit_id, is_active=True)
        .annotate(has_file=Exists(IntegrityFile.objects.filter(person=OuterRef("pk"))))
        .select_related("unit")
        .order_by("name", "pk")
    )


def people_without_file() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, integrity_file__isnull=True)


def search_people(user, text: str) -> QuerySet[Person]:
    text = (text or "").strip()
    if not text or not may_read_all(user):
        return Person.objects.none()
    return readable_people(user).filter(text_contains(["name"], text)).select_related("unit")[:20]
