"""The rule table: every numeric rule comes from a row with its source and version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from . import calendar
from .errors import DomainError
from .models import Deadline, DeadlineRule, DisclosureRule, Record, Tier
from .models.records import DeadlineStatus
from .rule_table import SUBJECT_WINDOWS, RuleCode

__all__ = [
    "SUBJECT_WINDOWS",
    "RuleCode",
    "close_deadline",
    "deadline_rule",
    "disclosure_window",
    "due",
    "is_overdue",
    "is_public",
    "open_deadline",
    "overdue",
    "public",
]


@dataclass(frozen=True)
class DisclosureWindow:
    rule: DisclosureRule
    min_end: dt.date
    max_end: dt.date


def disclosure_rule(tier: str, on: dt.date) -> DisclosureRule:
    rule = DisclosureRule.objects.filter(tier=tier, valid_from__lte=on).order_by("-valid_from").first()
    if rule is None:
        raise DomainError(_("没有适用于该失信等级和日期的公示期限规则。"), field="tier")
    return rule


def disclosure_window(tier: str, determined_on: dt.date, *, must_disclose: bool = False) -> DisclosureWindow:
    """The disclosure period runs from the determination date; status durations do not
    roll forward (DOMAIN §4.3, §7 rule 4).

    A 轻微 record keeps its rule's window (at most 3 months, scenario 15) whether or not it
    is flagged for disclosure: the flag decides whether it is *shown* (is_public),
    while the window is also how long the record stays in force internally (honours
    eligibility, integrity file) unless it is repaired first."""
    rule = disclosure_rule(tier, determined_on)
    return DisclosureWindow(
        rule,
        calendar.add_months_plain(determined_on, rule.min_months),
        calendar.add_months_plain(determined_on, rule.max_months),
    )


def is_public(record: Record, on: dt.date | None = None) -> bool:
    """Whether the record is shown to the public: organisation records per tier (a 轻微 one
    only when flagged), person records only in the categories configured as public (DOMAIN
    §4.3 design (c), scenario 30); on a day `on`, only inside its disclosure window."""
    if on is not None and (record.max_end is None or on > record.max_end):
        return False
    if record.is_person_record:
        return record.category in settings.CHENGXIN["PUBLIC_PERSON_CATEGORIES"]
    return record.tier != Tier.MINOR or record.must_disclose


def public(on: dt.date) -> Q:
    """`is_public(record, on)` as a filter on records."""
    people = Q(subject_person__isnull=False, category__in=settings.CHENGXIN["PUBLIC_PERSON_CATEGORIES"])
    units = Q(subject_person__isnull=True) & (~Q(tier=Tier.MINOR) | Q(must_disclose=True))
    return Q(max_end__gte=on) & (people | units)


def overdue(today: dt.date) -> Q:
    """Time limits someone let pass: open after their last day. A window of the subject's own
    (to defend, to appeal) that closed has lapsed: nobody is late (SUBJECT_WINDOWS)."""
    return Q(status=DeadlineStatus.OPEN, due_on__lt=today) & ~Q(kind__in=SUBJECT_WINDOWS)


def running(today: dt.date) -> Q:
    """Time limits still ahead of someone: open, but not a window of the subject's own that
    closed (it lapsed; the next time limit is the one that counts)."""
    return Q(status=DeadlineStatus.OPEN) & (~Q(kind__in=SUBJECT_WINDOWS) | Q(due_on__gte=today))


def is_overdue(deadline: Deadline, today: dt.date) -> bool:
    """`overdue(today)` for one deadline."""
    open_ = deadline.status == DeadlineStatus.OPEN
    return open_ and deadline.due_on < today and deadline.kind not in SUBJECT_WINDOWS


def deadline_rule(code: str) -> DeadlineRule:
    try:
        return DeadlineRule.objects.get(code=code)
    except DeadlineRule.DoesNotExist:
        raise DomainError(_("缺少办理期限规则：%(code)s") % {"code": code}) from None


def due(code: str | DeadlineRule, start: dt.date, *, amount: int | None = None) -> calendar.DueDate:
    """The last day of the time limit `code` (a code, or its row) started on `start`: the only
    way from a rule to a date. `amount` overrides the rule's length (an item's own period, an
    approved extension, a combined 处分期)."""
    rule = code if isinstance(code, DeadlineRule) else deadline_rule(code)
    return calendar.add(start, rule.amount if amount is None else amount, rule.unit, roll=rule.roll_forward)


def _owned(owner) -> dict:
    return {"owner_type": ContentType.objects.get_for_model(owner), "owner_id": owner.pk}


def open_deadline(
    record: Record, code: str, start_on: dt.date, *, owner=None, amount: int | None = None
) -> Deadline:
    """Start the time limit `code` on `owner` (default: the record) from `start_on`,
    replacing an open one of the same kind. `amount` overrides the rule's length (an
    item's own period, an approved extension)."""
    rule = deadline_rule(code)
    amount = rule.amount if amount is None else amount
    last_day = due(rule, start_on, amount=amount)
    owned = _owned(owner or record)
    Deadline.objects.filter(**owned, kind=code, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.CANCELLED
    )
    return Deadline.objects.create(
        record=record,
        **owned,
        kind=code,
        label=rule.label,
        start_on=start_on,
        amount=amount,
        unit=rule.unit,
        roll_forward=rule.roll_forward,
        due_on=last_day.date,
        provisional=last_day.provisional,
        rule_version=rule.rule_version,
    )


def close_deadline(record: Record, code: str, *, owner=None, status: str = DeadlineStatus.MET) -> None:
    Deadline.objects.filter(**_owned(owner or record), kind=code, status=DeadlineStatus.OPEN).update(
        status=status
    )
