"""Who may have a record repaired, and from when (DOMAIN §6.5 design, §4.3).

`repair_eligibility` is a pure read: the applicant sees every condition with its result
and reason before applying, and `repair_apply` decides on the same answer. Conditions
whose code is a `RefusalReason` become the refusal reason when they fail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from ... import rules
from ...lifecycle import ACCOUNTABILITY_UNEXECUTED, RECTIFICATION_SETTLED, RecordState
from ...models import Category, Record, RefusalReason, RepairApplication, Tier
from ...rule_table import RuleCode

#: Categories resting on a judgment: repair needs the obligations performed (scenario 18).
OBLIGATION_CATEGORIES = frozenset({Category.JUD, Category.DEF})
EFFECTIVE = RecordState.EFFECTIVE.value


@dataclass(frozen=True)
class Condition:
    code: str  # a RefusalReason value, or EFFECTIVE
    label: str
    passed: bool
    reason: str
    passes_from: dt.date | None = None  # date-based conditions: the first day they pass


@dataclass(frozen=True)
class Eligibility:
    conditions: list[Condition]
    earliest_date: dt.date | None  # the first day every date-based condition passes

    @property
    def eligible(self) -> bool:
        return all(c.passed for c in self.conditions)

    @property
    def failing(self) -> list[Condition]:
        return [c for c in self.conditions if not c.passed]


def repair_eligibility(record: Record, on: dt.date) -> Eligibility:
    """Every condition of a repair of `record` applied for on `on`, in the order a
    refusal cites them. Failing conditions that no date cures (an unaccepted
    rectification) leave `earliest_date` as the date-based conditions make it."""
    conditions = [check(record, on) for check in CHECKS]
    dates = [c.passes_from for c in conditions if c.passes_from is not None]
    return Eligibility(conditions, max(dates) if dates else None)


def _state(record: Record, on: dt.date) -> Condition:
    passed = record.state == RecordState.EFFECTIVE
    reason = (
        _("记录处于生效状态。")
        if passed
        else _("记录状态为“%(state)s”，只有生效的失信记录可以申请信用修复。")
        % {"state": RecordState(record.state).label}
    )
    return Condition(EFFECTIVE, _("失信记录处于生效状态"), passed, reason)


def _excluded(record: Record, on: dt.date) -> Condition:
    excluded = record.category in settings.CHENGXIN.get("UNREPAIRABLE_CATEGORIES", ())
    reason = (
        _("法律、法规或中央政策文件规定该类失信信息不予修复。")
        if excluded
        else _("不属于规定不予修复的情形。")
    )
    return Condition(RefusalReason.EXCLUDED, _("不属于不予修复情形"), not excluded, reason)


def _minimum_period(record: Record, on: dt.date) -> Condition:
    label = _("最短公示期已满")
    if record.tier == Tier.MINOR:
        reason = _("轻微失信无最短公示期，法定义务履行完毕即可申请（见“法定义务已履行完毕”）。")
        return Condition(RefusalReason.PREMATURE, label, True, reason, record.determination_date)
    if record.min_end is None:
        return Condition(RefusalReason.PREMATURE, label, False, _("该记录尚未确定公示期限。"))
    earliest = record.min_end + dt.timedelta(days=1)
    if on > record.min_end:
        reason = _("最短公示期已于 %(end)s 届满。") % {"end": record.min_end}
    else:
        reason = _("最短公示期至 %(end)s 届满，%(earliest)s 起方可申请。") % {
            "end": record.min_end,
            "earliest": earliest,
        }
    return Condition(RefusalReason.PREMATURE, label, on > record.min_end, reason, earliest)


def _fraud_bar(record: Record, on: dt.date) -> Condition:
    label = _("不在修复欺诈限制期内")
    last = fraud_revocations(record).aggregate(last=Max("revoked_on"))["last"]
    if last is None:
        return Condition(RefusalReason.FRAUD_BAR, label, True, _("无以欺骗手段取得信用修复被撤销的情形。"))
    bar_end = rules.due(RuleCode.REPAIR_FRAUD_BAR, last).date
    earliest = bar_end + dt.timedelta(days=1)
    reason = _("%(revoked)s 因以欺骗手段取得修复被撤销，限制期至 %(end)s。") % {
        "revoked": last,
        "end": bar_end,
    }
    return Condition(RefusalReason.FRAUD_BAR, label, on > bar_end, reason, earliest)


def fraud_revocations(record: Record):
    """Repairs of the same subject revoked for fraud: the bar follows the subject."""
    same_subject = (
        Q(record__subject_person_id=record.subject_person_id)
        if record.is_person_record
        else Q(record__subject_organisation_id=record.subject_organisation_id)
    )
    return RepairApplication.objects.filter(same_subject, fraud=True, revoked_on__isnull=False)


def _rectification(record: Record, on: dt.date) -> Condition:
    open_count = record.rectifications.exclude(state__in=RECTIFICATION_SETTLED).count()
    reason = (
        _("整改未验收：%(count)d 项整改尚未验收销号。") % {"count": open_count}
        if open_count
        else _("关联整改均已验收销号（或无须整改）。")
    )
    return Condition(RefusalReason.RECTIFICATION, _("关联整改已验收销号"), not open_count, reason)


def _obligations(record: Record, on: dt.date) -> Condition:
    label = _("法定义务已履行完毕")
    if record.category not in OBLIGATION_CATEGORIES and record.tier != Tier.MINOR:
        return Condition(RefusalReason.OBLIGATIONS, label, True, _("该类失信记录无须另行确认义务履行。"))
    done = record.obligations_fulfilled_on
    if done is not None and done <= on:
        reason = _("已登记于 %(date)s 履行完毕。") % {"date": done}
        return Condition(RefusalReason.OBLIGATIONS, label, True, reason)
    reason = _("义务未履行：尚未登记判决或法定义务已履行完毕。")
    return Condition(RefusalReason.OBLIGATIONS, label, False, reason)


def _accountability(record: Record, on: dt.date) -> Condition:
    pending = record.accountabilities.filter(state__in=ACCOUNTABILITY_UNEXECUTED).exists()
    reason = _("问责决定尚未执行。") if pending else _("无尚未执行的问责决定。")
    return Condition(RefusalReason.ACCOUNTABILITY, _("问责决定已执行"), not pending, reason)


CHECKS: tuple[Callable[[Record, dt.date], Condition], ...] = (
    _state,
    _excluded,
    _minimum_period,
    _fraud_bar,
    _rectification,
    _obligations,
    _accountability,
)
