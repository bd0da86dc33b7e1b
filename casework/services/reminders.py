"""到期提醒: the commission reminds a case's subject of the time limits running on it
(the bulk "提醒" of the case list; docs/decisions.md "Workbench").

A reminder is a nudge, not a legal step: it changes no state and no deadline and issues no
notice. The formal 整改逾期催办函 (DOMAIN §6.3 "overdue → reminder", N11) stays with the
rectification sweep, which also moves the item to URGED with a new deadline. What a reminder
leaves is one audit entry per case, about the record, naming each time limit and its last
day: the subject's side reads it in the record's trail (the audit trail is the alert, as for
overdue deadlines; no e-mail), and the commission can see who was reminded when.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import audit, clock
from ..action_labels import AuditAction
from ..errors import PermissionDeniedError
from ..language import official_language
from ..lifecycle import RECORD_SUBJECT_VISIBLE, RecordState, Step
from ..models import AuditEntry, Deadline, Record
from ..models.records import DeadlineStatus
from ..permissions import acting_role, has_role
from ..roles import Role
from ..rule_table import RuleCode
from .bulk import BulkResult, reference_of, select_records

__all__ = ["REMINDER_KINDS", "deadlines_remind"]

ACTION = AuditAction.DEADLINE_REMIND
#: The time limits that are the subject's to meet: its defence window, and what a
#: rectification order asks of the unit. The commission's own time limits are its own to
#: keep; appeal windows are a sanctioned person's right, not a duty to be chased.
REMINDER_KINDS = (
    RuleCode.DEFENCE_WINDOW,
    RuleCode.WRITTEN_EXPLANATION,
    RuleCode.RECTIFICATION,
    RuleCode.RESUBMISSION,
    RuleCode.OVERDUE_REMINDER,
)
#: Windows that have closed are not reminded: nothing can be done in them any more.
_WINDOWS = (RuleCode.DEFENCE_WINDOW,)

REMIND_STEP = Step(
    name="remind_deadlines",
    label=gettext_lazy("到期提醒"),
    sources=tuple(RecordState.values),
    target=None,
    roles=frozenset({Role.OFFICER, Role.APPROVER}),
    domain_ref="§6.3",
)


@transaction.atomic(durable=True)
def deadlines_remind(
    *, acting_user, record_ids: Iterable[int | str], ip_address: str | None = None
) -> BulkResult:
    """Remind the subject of each selected case the user may see of its open time limits.

    Ids the user cannot see come back in `not_found`, untouched. A case whose subject does
    not know of it yet, with nothing for the subject to meet, or already reminded today is
    `skipped` with the reason."""
    if not has_role(acting_user, *REMIND_STEP.roles):
        raise PermissionDeniedError(_("只有办案人员或审批人员可以发送到期提醒。"), code="permission_denied")
    records, not_found = select_records(user=acting_user, record_ids=record_ids)
    result = BulkResult(not_found=not_found)
    today = clock.today()
    due = _reminder_deadlines(records, today)
    reminded_today = _reminded_on(records, today)
    entries = []
    for record in records:
        why = _why_not(record, due.get(record.pk), reminded_today)
        if why:
            result.skipped.append((reference_of(record), why))
            continue
        role = acting_role(acting_user, record, REMIND_STEP)
        entries.append(_entry(acting_user, role, record, due[record.pk], today, ip_address))
        result.done.append(reference_of(record))
        result.count += len(due[record.pk])
    audit.append_many(entries)
    return result


def _reminder_deadlines(records: list[Record], today) -> dict[int, list[Deadline]]:
    open_windows = Q(kind__in=_WINDOWS, due_on__gte=today) | ~Q(kind__in=_WINDOWS)
    rows = Deadline.objects.filter(
        Q(record__in=records, status=DeadlineStatus.OPEN, kind__in=REMINDER_KINDS) & open_windows
    ).order_by("due_on", "pk")
    by_record: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in rows:
        by_record[deadline.record_id].append(deadline)
    return by_record


def _reminded_on(records: list[Record], today) -> set[int]:
    entries = AuditEntry.objects.filter(
        record__in=records, action=ACTION, diff__reminded_on=today.isoformat()
    )
    return set(entries.values_list("record_id", flat=True))


def _subject_knows(record: Record) -> bool:
    """The subject's side sees the case (casework.permissions.visible_records)."""
    return record.state in RECORD_SUBJECT_VISIBLE or bool(record.pre_notice_served_on)


def _why_not(record: Record, deadlines, reminded_today: set[int]) -> str:
    if not _subject_knows(record):
        return _("当事方尚未收到告知，不能提醒")
    if not deadlines:
        return _("没有需要当事方办理的期限")
    if record.pk in reminded_today:
        return _("今天已提醒过")
    return ""


def _entry(actor, role: str, record: Record, deadlines: list[Deadline], today, ip_address) -> dict:
    listed = "；".join(f"{d.label} {d.due_on:%Y-%m-%d}" for d in deadlines)
    with official_language():
        reason = _("提醒当事方按期办理：%(deadlines)s。") % {"deadlines": listed}
    return dict(
        actor=actor,
        role=role,
        obj=record,
        record=record,
        action=ACTION,
        reason=reason,
        ip_address=ip_address,
        diff={
            "reminded_on": today,
            "deadlines": [
                {"id": d.pk, "kind": d.kind, "label": d.label, "due_on": d.due_on} for d in deadlines
            ],
        },
    )
