"""Use cases of the holiday calendar and the rule tables (DOMAIN §7, scenario 23).

`calendar_load` replaces a year's arrangement with the one in an uploaded file (its formats
and checks: casework.services.calendar.files), marks the year official and recomputes the
deadlines that depended on it. The whole file is checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from ... import audit, rule_table
from ... import calendar as workcal
from ...action_labels import AuditAction
from ...errors import DomainError, PermissionDeniedError
from ...language import official_language
from ...models import CalendarDay, CalendarYear, Deadline, DeadlineRule, DisclosureRule, Record
from ...models.records import DeadlineStatus
from ...permissions import has_role
from ...roles import Role
from ...rule_table import RuleCode
from .files import HolidayDay, parse_holiday_file


@dataclass(frozen=True)
class DeadlineChange:
    deadline: Deadline
    old_due_on: dt.date
    old_provisional: bool


@dataclass
class LoadResult:
    years: list[int]
    source: str
    holidays: dict[int, int] = field(default_factory=dict)
    workdays: dict[int, int] = field(default_factory=dict)
    changed: list[DeadlineChange] = field(default_factory=list)


# Loading ────────────────────────────────────────────────────────────────────────────
def _loader_role(acting_user) -> str:
    """The CLI, run by an operator on the server, acts as the system; people must be R11."""
    if acting_user is None:
        return Role.SYSTEM
    if has_role(acting_user, Role.SYSTEM_ADMIN):
        return Role.SYSTEM_ADMIN
    raise PermissionDeniedError(_("只有系统管理员可以载入节假日安排。"), code="permission_denied")


def _affected(years: Iterable[int]) -> Q:
    """Open deadlines that may move: provisional ones, and those running through a reloaded year."""
    years = sorted(years)
    spans = Q(start_on__lte=dt.date(years[-1], 12, 31), due_on__gte=dt.date(years[0], 1, 1))
    return Q(status=DeadlineStatus.OPEN) & (Q(provisional=True) | spans)


def _recompute_spanning(years: list[int]) -> None:
    """A corrected arrangement for an already official year moves the deadlines running through it."""
    cal = workcal.current()
    for deadline in Deadline.objects.select_for_update().filter(_affected(years), provisional=False):
        due = cal.add(deadline.start_on, deadline.amount, deadline.unit, roll=deadline.roll_forward)
        if (due.date, due.provisional) != (deadline.due_on, deadline.provisional):
            deadline.due_on, deadline.provisional = due.date, due.provisional
            deadline.save(update_fields=["due_on", "provisional"])


def _year_state(year: int) -> dict:
    row = CalendarYear.objects.filter(year=year).first()
    days = CalendarDay.objects.filter(date__year=year)
    return {
        "official": bool(row and row.official),
        "source": row.source if row else "",
        "holidays": days.filter(is_workday=False).count(),
        "workdays": days.filter(is_workday=True).count(),
    }


def _replace_year(year: int, days: list[HolidayDay], source: str) -> CalendarYear:
    CalendarDay.objects.filter(Q(year_id=year) | Q(date__year=year)).delete()
    row, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"official": True, "source": source}
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d.date, year=row, is_workday=d.is_workday, name=d.name) for d in days
    )
    return row


def _audit_changes(changes: list[DeadlineChange], years: list[int], *, actor, role, ip_address) -> None:
    with official_language():
        reason = _("载入 %(years)s 年节假日安排后重新计算") % {"years": "、".join(map(str, years))}
    for change in changes:
        deadline = change.deadline
        audit.append(
            audit.Acting(actor, role, ip_address),
            obj=deadline,
            record=deadline.record,
            action=AuditAction.DEADLINE_RECOMPUTE,
            reason=reason,
            diff={
                "due_on": [change.old_due_on, deadline.due_on],
                "provisional": [change.old_provisional, deadline.provisional],
            },
        )


def _deadline_changes(tracked: dict[int, tuple]) -> list[DeadlineChange]:
    """The tracked deadlines whose date or provisional flag differs from the snapshot."""
    changes = []
    for deadline in Deadline.objects.filter(pk__in=tracked).select_related("record").order_by("due_on", "pk"):
        if tracked[deadline.pk] != (deadline.due_on, deadline.provisional):
            changes.append(DeadlineChange(deadline, *tracked[deadline.pk]))
    return changes


@transaction.atomic(durable=True)
def calendar_load(
    *,
    acting_user,
    content: bytes | str,
    filename: str,
    source: str = "",
    ip_address: str | None = None,
) -> LoadResult:
    """Replace the arrangement of the years in the file, mark them official and recompute
    the open deadlines that depended on them, all in one transaction.

    `acting_user=None` is the operator's command line (role "system"). `source` (the notice
    number) overrides the file's own `source`; the file name is the last resort.
    """
    role = _loader_role(acting_user)
    parsed = parse_holiday_file(content, filename)
    by_year = parsed.by_year()
    years = list(by_year)
    source = (source.strip() or parsed.source or filename)[:200]
    list(CalendarYear.objects.select_for_update().filter(year__in=years))
    affected = Deadline.objects.select_for_update().filter(_affected(years))
    affected = affected.values_list("pk", "due_on", "provisional")
    tracked = {pk: (due_on, provisional) for pk, due_on, provisional in affected}
    befores = {year: _year_state(year) for year in years}
    rows = {year: _replace_year(year, days, source) for year, days in by_year.items()}
    workcal.recompute_provisional()
    _recompute_spanning(years)
    result = LoadResult(years=years, source=source, changed=_deadline_changes(tracked))
    for year in years:
        after = _year_state(year)
        result.holidays[year], result.workdays[year] = after["holidays"], after["workdays"]
        audit.append(
            audit.Acting(acting_user, role, ip_address),
            obj=rows[year],
            action=AuditAction.CALENDAR_LOAD,
            reason=source,
            diff={**audit.field_diff(befores[year], after), "deadlines_recomputed": len(result.changed)},
        )
    _audit_changes(result.changed, years, actor=acting_user, role=role, ip_address=ip_address)
    return result


def pending_deadlines():
    """Open deadlines that are still estimates, waiting for a year's arrangement (scenario 23)."""
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, provisional=True)
        .select_related("record")
        .order_by("due_on", "pk")
    )


# Rule tables ────────────────────────────────────────────────────────────────────────
#: Who maintains which table (DOMAIN §2: R11 rule parameters; R3 disclosure rules).
RULE_EDITORS = {
    DeadlineRule: frozenset({Role.SYSTEM_ADMIN}),
    DisclosureRule: frozenset({Role.SYSTEM_ADMIN, Role.CREDIT_ADMIN}),
}


def rule_in_use(rule) -> bool:
    """A disclosure rule copied onto a decided record is history: add a new version instead."""
    return (
        isinstance(rule, DisclosureRule)
        and bool(rule.pk)
        and Record.objects.filter(disclosure_rule=rule).exists()
    )


# Not durable: Django admin's change form, its caller, already wraps the save in a transaction.
@transaction.atomic
def rule_save(*, acting_user, rule: DeadlineRule | DisclosureRule, ip_address: str | None = None):
    """Create or change a row of a rule table, with its audit entry."""
    editors = RULE_EDITORS[type(rule)]
    if not has_role(acting_user, *editors):
        raise PermissionDeniedError(_("您没有权限修改该规则表。"), code="permission_denied")
    role = next(r for r in sorted(editors) if has_role(acting_user, r))
    stored = type(rule).objects.select_for_update().filter(pk=rule.pk).first() if rule.pk else None
    if stored is not None and rule_in_use(stored):
        raise DomainError(
            _("该公示期限规则已被失信记录引用，不能修改；规则变化时请新增一条施行日期不同的规则。"),
            code="rule_in_use",
        )
    before = model_to_dict(stored) if stored else {}
    rule.save()
    audit.append(
        audit.Acting(acting_user, role, ip_address),
        obj=rule,
        action=AuditAction.RULE_UPDATE if stored else AuditAction.RULE_CREATE,
        diff=audit.field_diff(before, model_to_dict(rule)),
    )
    return rule


@transaction.atomic
def rules_reload(*, acting_user, codes: Iterable[str], ip_address: str | None = None) -> int:
    """Put the rows `codes` back to the rule table's values (casework.rule_table) and create
    the rows the database lacks, each change audited like an edit; ids are kept. Returns how
    many rows changed."""
    missing = set(RuleCode) - set(DeadlineRule.objects.values_list("code", flat=True))
    chosen = {RuleCode(code) for code in codes if code in RuleCode.values} | missing
    changed = 0
    for code in sorted(chosen):
        rule = DeadlineRule.objects.filter(code=code).first() or DeadlineRule(code=code)
        wanted = rule_table.row(code)
        if rule.pk and all(getattr(rule, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(rule, name, value)
        rule_save(acting_user=acting_user, rule=rule, ip_address=ip_address)
        changed += 1
    return changed
