"""The risk rules (风险预警, DOMAIN §9.2) as evaluators: what each one finds today.

An evaluator takes its `RiskRule` row (for the thresholds an administrator set in `params`)
and the legal date, and returns every cause it finds, as `oversight.alerts.Cause`s: the sweep
(oversight.sweeps) hands them to `alerts.sync`, which raises what is new and resolves what is
gone. Each evaluator is set-based: a fixed number of queries however many rows there are.

`EVALUATORS` maps a rule's code to its evaluator; a rule with a row but no evaluator here is
not swept. To add a rule: write its evaluator, add it to the table, and create its row in a
data migration of your own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from casework import calendar
from casework.lifecycle import DECIDED_STATES, RecordState
from casework.models import Deadline, Record, RectificationItem
from casework.models.records import DeadlineStatus
from casework.rule_table import RuleCode
from casework.services.rectification import ITEM_DEADLINES
from exchange.models import DefaulterEntry
from exchange.models.court import EntryStatus, MatchState

from ..alerts import Cause
from ..commitments import alerts as commitment_alerts
from ..integrity import alerts as integrity_alerts
from ..models import RiskRule, SmePayment
from ..selfreports import alerts as selfreport_alerts

Evaluator = Callable[[RiskRule, dt.date], list[Cause]]


def _horizon(rule: RiskRule, today: dt.date, default: int) -> dt.date:
    """The last day "due within N working days" reaches: N working days after today."""
    return calendar.add_working_days(today, int(rule.params.get("working_days", default))).date


def _case_link(record_id: int) -> str:
    return reverse("case-detail", args=[record_id])


def _due_deadlines(kinds, horizon: dt.date):
    """Open deadlines of `kinds` whose last day is `horizon` or earlier: one still late stays
    a cause until it is met, cancelled or replaced (its row closes), so the alert of a
    deadline that passes is not resolved as if the risk had gone."""
    return Deadline.objects.filter(status=DeadlineStatus.OPEN, kind__in=kinds, due_on__lte=horizon)


def rectification_due(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Rectification items due within `working_days` working days (DOMAIN §9.2), late ones
    included: one cause per item deadline, so an extension (a new deadline) or a submission
    (the deadline met) resolves the alert."""
    horizon = _horizon(rule, today, 3)
    number = RectificationItem.objects.filter(pk=OuterRef("owner_id")).values("number")[:1]
    rows = (
        _due_deadlines(ITEM_DEADLINES, horizon)
        .filter(owner_type=ContentType.objects.get_for_model(RectificationItem))
        .annotate(number=Subquery(number))
        .values("pk", "due_on", "record_id", "number", "record__reference", "record__subject_organisation_id")
    )
    return [
        Cause(
            key=f"deadline:{row['pk']}",
            summary=_("失信记录 %(ref)s 整改事项第 %(n)s 项的整改期限为 %(due)s，尚未提交整改材料。")
            % {"ref": row["record__reference"] or "—", "n": row["number"], "due": row["due_on"].isoformat()},
            organisation_id=row["record__subject_organisation_id"],
            record_id=row["record_id"],
            due_on=row["due_on"],
            link=_case_link(row["record_id"]),
        )
        for row in rows
    ]


def decision_due(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Objection and repair decisions due within `working_days` working days, late ones included."""
    horizon = _horizon(rule, today, 1)
    kinds = rule.params.get("kinds") or [RuleCode.OBJECTION_DECIDE, RuleCode.REPAIR_DECIDE]
    rows = _due_deadlines(kinds, horizon).values(
        "pk", "due_on", "label", "record_id", "record__reference", "record__subject_organisation_id"
    )
    return [
        Cause(
            key=f"deadline:{row['pk']}",
            summary=_("失信记录 %(ref)s 的%(what)s期限为 %(due)s，尚未作出决定。")
            % {
                "ref": row["record__reference"] or "—",
                "what": row["label"],
                "due": row["due_on"].isoformat(),
            },
            organisation_id=row["record__subject_organisation_id"],
            record_id=row["record_id"],
            due_on=row["due_on"],
            link=_case_link(row["record_id"]),
        )
        for row in rows
    ]


def repeat_records(rule: RiskRule, today: dt.date) -> list[Cause]:
    """A subject with `min_records` or more records determined in the last `months` months.

    Counted by determination date (认定日期): a record exists from its determination, which
    also starts its disclosure period (DOMAIN §4.3); a lead received long ago and determined
    last week is a record of last week. Revoked records never should have been and do not count;
    repaired or expired ones do (the conduct happened)."""
    months, least = int(rule.params.get("months", 12)), int(rule.params.get("min_records", 2))
    since = calendar.add_months_plain(today, -months)
    window = Record.objects.filter(
        state__in=DECIDED_STATES - {RecordState.REVOKED},
        determination_date__gt=since,
        determination_date__lte=today,
    )
    units = (
        window.filter(subject_organisation__isnull=False)
        .values("subject_organisation_id", name=F("subject_organisation__name"))
        .annotate(n=Count("id"), latest=Max("id"))
        .filter(n__gte=least)
    )
    people = (
        window.filter(subject_person__isnull=False)
        .values("subject_person_id", name=F("subject_person__name"))
        .annotate(n=Count("id"), latest=Max("id"))
        .filter(n__gte=least)
    )
    text = _("%(name)s 最近 %(months)s 个月内被认定 %(n)s 条政务失信记录。")
    causes = [
        Cause(
            key=f"organisation:{row['subject_organisation_id']}",
            summary=text % {"name": row["name"], "months": months, "n": row["n"]},
            organisation_id=row["subject_organisation_id"],
            record_id=row["latest"],
            link=reverse("work-case-list") + f"?unit={row['subject_organisation_id']}",
        )
        for row in units
    ]
    # A person's records are not their unit's to see (casework.permissions.visible_records):
    # the alert names no unit, so only the commission sees it.
    return causes + [
        Cause(
            key=f"person:{row['subject_person_id']}",
            summary=text % {"name": row["name"], "months": months, "n": row["n"]},
            record_id=row["latest"],
            link=_case_link(row["latest"]),
        )
        for row in people
    ]


def court_defaulter(rule: RiskRule, today: dt.date) -> list[Cause]:
    """A government body on the 失信被执行人 list: an entry still listed, matched to the body by
    its code or confirmed by an officer (a weak name match is not yet about anyone)."""
    rows = DefaulterEntry.objects.filter(
        status=EntryStatus.LISTED,
        match__in=[MatchState.STRONG, MatchState.CONFIRMED],
        organisation__isnull=False,
    ).values("pk", "case_number", "court", "organisation_id", "organisation__name", "record_id")
    return [
        Cause(
            key=f"defaulter:{row['pk']}",
            summary=_("%(name)s 被列为失信被执行人（%(court)s %(number)s）。")
            % {"name": row["organisation__name"], "court": row["court"], "number": row["case_number"]},
            organisation_id=row["organisation_id"],
            record_id=row["record_id"],
            link=reverse("court-home"),
        )
        for row in rows
    ]


def sme_payment_late(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Payments to SMEs still unpaid after their due date (S26 Art 9): paying resolves it."""
    rows = SmePayment.objects.filter(Q(paid_on__isnull=True), due_on__lt=today).values(
        "pk", "unit_id", "unit__name", "supplier_name", "contract_number", "amount", "due_on"
    )
    return [
        Cause(
            key=f"payment:{row['pk']}",
            summary=_(
                "%(unit)s 应于 %(due)s 前向 %(supplier)s 支付合同 %(contract)s 款项 %(amount)s 元，尚未支付。"
            )
            % {
                "unit": row["unit__name"],
                "due": row["due_on"].isoformat(),
                "supplier": row["supplier_name"],
                "contract": row["contract_number"],
                "amount": f"{row['amount']:,.2f}",
            },
            organisation_id=row["unit_id"],
            due_on=row["due_on"],
            link=reverse("unit-payments"),
        )
        for row in rows
    ]


#: Rule code → evaluator. Other parts add their own rules here (and their rows by migration).
EVALUATORS: dict[str, Evaluator] = {
    "rectification_due": rectification_due,
    "decision_due": decision_due,
    "repeat_records": repeat_records,
    "court_defaulter": court_defaulter,
    "sme_payment_late": sme_payment_late,
    # units' quarterly self-reports: the reminder and the overdue flag
    **selfreport_alerts.EVALUATORS,
    # an active civil servant without an integrity file (scenario 32)
    **integrity_alerts.EVALUATORS,
    # commitment milestones due soon, missed, breached (DOMAIN §9.8)
    **commitment_alerts.EVALUATORS,
}
