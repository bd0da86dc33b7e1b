"""Honours eligibility (评优评先查询, DOMAIN §9.6–9.7, §4.4; scenarios 17, 19, 31) and the
civil servant's integrity file (§9.5).

Ineligible, on the date asked about: a person within a sanction period (S16 Art 64;
S14 Art 19) or expelled, or with a record in force about them; an organisation with a
record in force about it. "In force" is the record's current state EFFECTIVE (not
REPAIRED, EXPIRED or REVOKED) with `on` inside its disclosure window. Every query is
logged with who asked and why, and kept ≥ 5 years (S10 Art 45).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from .. import audit, clock
from ..action_labels import AuditAction
from ..errors import DomainError, PermissionDeniedError
from ..language import official_language
from ..lifecycle import DECIDED_STATES, RecordState
from ..models import DecisionType, HonourQuery, Organisation, Person, Record, Sanction
from ..permissions import roles_of
from ..roles import Role
from .accountability import sanctions
from .validation import require_text

#: Authorised staff (DOMAIN §2: R1–R4).
HONOURS_ROLES = frozenset({Role.OFFICER, Role.APPROVER, Role.CREDIT_ADMIN, Role.HR_ADMIN})


@dataclass(frozen=True)
class HonourResult:
    eligible: bool
    reasons: list[str]
    query_id: int | None = None


def _records_in_force(on: dt.date, **subject) -> QuerySet[Record]:
    return Record.objects.filter(
        Q(max_end__isnull=True) | Q(max_end__gte=on),
        state=RecordState.EFFECTIVE,
        determination_date__lte=on,
        **subject,
    ).order_by("determination_date", "pk")


def _record_reasons(records: QuerySet[Record]) -> list[str]:
    return [
        _("存在生效的政务失信记录 %(ref)s（%(category)s，%(start)s 认定）")
        % {"ref": r.reference, "category": r.get_category_display(), "start": r.determination_date}
        for r in records
    ]


def _sanction_reasons(person: Person, on: dt.date) -> list[str]:
    found = Sanction.objects.filter(
        Q(period_end__gte=on) | Q(decision_type=DecisionType.EXPULSION),
        person=person,
        revoked=False,
        effective_on__lte=on,
    ).order_by("effective_on", "pk")
    reasons = []
    for s in found:
        if s.decision_type == DecisionType.EXPULSION:
            reasons.append(_("%(date)s 受到开除处分") % {"date": s.effective_on})
        else:
            reasons.append(
                _("处于%(type)s处分期内（%(start)s 至 %(end)s）")
                % {"type": s.get_decision_type_display(), "start": s.effective_on, "end": s.period_end}
            )
    return reasons


def person_reasons(person: Person, on: dt.date) -> list[str]:
    return _sanction_reasons(person, on) + _record_reasons(_records_in_force(on, subject_person=person))


def organisation_reasons(organisation: Organisation, on: dt.date) -> list[str]:
    return _record_reasons(_records_in_force(on, subject_organisation=organisation))


def _querying_role(acting_user) -> str:
    roles = roles_of(acting_user) & HONOURS_ROLES
    if not roles:
        raise PermissionDeniedError(_("只有经授权的工作人员可以查询评优评先资格。"), code="permission_denied")
    return sorted(roles)[0]


def _subject(person_id: int | None, organisation_id: int | None) -> Person | Organisation:
    if bool(person_id) == bool(organisation_id):
        raise DomainError(_("请指定查询对象：公务员或单位，二者选一。"), field="subject", code="subject")
    model, name = (Person, "person") if person_id else (Organisation, "organisation")
    found = model.objects.filter(pk=person_id or organisation_id).first()
    if found is None:
        raise DomainError(_("查询对象不存在。"), field=name, code="not_found")
    return found


@transaction.atomic(durable=True)
def honours_check(
    *,
    acting_user,
    person_id: int | None = None,
    organisation_id: int | None = None,
    purpose: str,
    on: dt.date | None = None,
    ip_address: str | None = None,
) -> HonourResult:
    """Scenario 19: 警告 effective 2026-03-31 → ineligible on 2026-09-30, eligible on 10-01."""
    role = _querying_role(acting_user)
    purpose = require_text(purpose, "purpose", _("请填写查询用途。"))
    on = on or clock.today()
    subject = _subject(person_id, organisation_id)
    is_person = isinstance(subject, Person)
    reasons_of = person_reasons if is_person else organisation_reasons
    with official_language():  # the query is kept on file (S10 Art 45)
        reasons = reasons_of(subject, on)
    query = HonourQuery.objects.create(
        requester=acting_user,
        person=subject if is_person else None,
        organisation=None if is_person else subject,
        purpose=purpose,
        on_date=on,
        eligible=not reasons,
        reasons=reasons,
    )
    audit.append(
        audit.Acting(acting_user, role, ip_address),
        obj=query,
        action=AuditAction.HONOURS_CHECK,
        reason=purpose,
        diff={"on_date": [None, on], "eligible": [None, not reasons], "reasons": [None, reasons]},
    )
    shown = reasons if translation.get_language() == settings.LANGUAGE_CODE else reasons_of(subject, on)
    return HonourResult(not reasons, shown, query.pk)


# ── the integrity file (公务员诚信档案, DOMAIN §9.5) ──────────────────────────────────
@dataclass(frozen=True)
class FileEntry:
    kind: str  # "record" or "sanction"
    id: int
    title: str
    label: str
    date: dt.date | None


@dataclass(frozen=True)
class IntegrityFile:
    person: Person
    records: list[FileEntry] = field(default_factory=list)
    sanctions: list[FileEntry] = field(default_factory=list)
    #: Cut at a limit: the person has older records, older sanctions than listed.
    more_records: bool = False
    more_sanctions: bool = False

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.records + self.sanctions]


def _latest(rows, order: tuple[str, ...], limit: int | None) -> tuple[list, bool]:
    """Rows in `order` (oldest first); with `limit`, only the latest `limit` of them, still
    oldest first, read newest first in one query (one row more tells there are older ones)."""
    if limit is None:
        return list(rows.order_by(*order)), False
    newest = list(rows.order_by(*(f"-{name}" for name in order))[: limit + 1])
    return newest[:limit][::-1], len(newest) > limit


def integrity_file(person: Person, *, on: dt.date | None = None, limit: int | None = None) -> IntegrityFile:
    """The person's decided records (a repaired one shows "已修复", scenario 17) and their
    sanctions with their status on `on`; with `limit`, the latest `limit` of each (a summary:
    `more_records`, `more_sanctions` say there are older ones). The caller has already
    checked the reader may see the person (casework.queries.person_get)."""
    on = on or clock.today()
    records, more_records = _latest(
        Record.objects.filter(subject_person=person, state__in=DECIDED_STATES),
        ("determination_date", "pk"),
        limit,
    )
    found, more_sanctions = _latest(
        Sanction.objects.filter(person=person).select_related("accountability"), ("effective_on", "pk"), limit
    )
    return IntegrityFile(
        person,
        [
            FileEntry(
                "record",
                r.pk,
                f"{r.reference} {r.get_category_display()}",
                r.get_state_display(),
                r.determination_date,
            )
            for r in records
        ],
        [
            FileEntry(
                "sanction", s.pk, s.get_decision_type_display(), sanctions.status_label(s, on), s.effective_on
            )
            for s in found
        ],
        more_records,
        more_sanctions,
    )
