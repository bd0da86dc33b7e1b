"""The rule table: every numeric rule comes from a row with its source and version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from . import calendar
from .errors import DomainError
from .models import Deadline, DeadlineRule, DisclosureRule, Record


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
    is flagged for disclosure: the flag decides whether it is *shown* (decided_records.should_publish),
    while the window is also how long the record stays in force internally (honours
    eligibility, integrity file) unless it is repaired first."""
    rule = disclosure_rule(tier, determined_on)
    return DisclosureWindow(
        rule,
        calendar.add_months_plain(determined_on, rule.min_months),
        calendar.add_months_plain(determined_on, rule.max_months),
    )


def deadline_rule(code: str) -> DeadlineRule:
    try:
        return DeadlineRule.objects.get(code=code)
    except DeadlineRule.DoesNotExist:
        raise DomainError(_("缺少办理期限规则：%(code)s") % {"code": code}) from None


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
    due = calendar.add(start_on, amount, rule.unit, roll=rule.roll_forward)
    owned = _owned(owner or record)
    Deadline.objects.filter(**owned, kind=code, status="OPEN").update(status="CANCELLED")
    return Deadline.objects.create(
        record=record,
        **owned,
        kind=code,
        label=rule.label,
        start_on=start_on,
        amount=amount,
        unit=rule.unit,
        roll_forward=rule.roll_forward,
        due_on=due.date,
        provisional=due.provisional,
        rule_version=rule.rule_version,
    )


def close_deadline(record: Record, code: str, *, owner=None, status: str = "MET") -> None:
    Deadline.objects.filter(**_owned(owner or record), kind=code, status="OPEN").update(status=status)
