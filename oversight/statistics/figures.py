"""The commission's figures: one query function each, over the user's records in scope
(`scope.records`), returning a `Table` of plain rows in a fixed number of queries: grouping
is done by the database, zero rows are filled in here from the choices.

Deadline figures count in working days (casework.calendar), read from one calendar snapshot
per figure, never one lookup per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import calendar, rules
from casework.lifecycle import ObjectionState, RecordState, RepairState
from casework.models import Category, Objection, RepairApplication, Tier
from casework.permissions import sees_every_record
from casework.queries import visible_deadlines

from ..alerts import visible_alerts
from ..assessment.queries import visible_assessments
from ..integrity.queries import coverage_by_unit
from ..models import AlertLevel, AssessmentState, UnitResult
from ..models.alerts import ACTIVE_STATES
from .scope import Scope, records, trend_months, unit_name_of_record, unit_of_record


@dataclass(frozen=True)
class Table:
    """A figure's data: a header per column, the first column the label of each row."""

    headers: tuple[str, ...]
    rows: list[tuple]


def _counted(choices, counts: dict) -> list[tuple]:
    """One row per choice, in the choices' order, zero where nothing was counted."""
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def records_per_month(*, user, scope: Scope) -> Table:
    """新增记录: records by the month their lead was received."""
    months = trend_months(scope)
    counted = (
        records(user=user, scope=scope)
        .filter(received_on__gte=months[0])
        .annotate(month=TruncMonth("received_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    by_month = {row["month"].strftime("%Y-%m"): row["n"] for row in counted}
    keys = [month.strftime("%Y-%m") for month in months]
    return Table((_("月份"), _("新增记录")), [(key, by_month.get(key, 0)) for key in keys])


def _by(user, scope: Scope, field: str) -> dict:
    rows = records(user=user, scope=scope).exclude(**{field: ""}).order_by().values(field)
    return {row[field]: row["n"] for row in rows.annotate(n=Count("pk"))}


def records_by_category(*, user, scope: Scope) -> Table:
    return Table((_("失信类别"), _("记录数")), _counted(Category.choices, _by(user, scope, "category")))


def records_by_tier(*, user, scope: Scope) -> Table:
    return Table((_("失信等级"), _("记录数")), _counted(Tier.choices, _by(user, scope, "tier")))


def overdue_by_unit(*, user, scope: Scope) -> Table:
    """已逾期期限: open time limits past their last day (the subject's own windows left out,
    rules.overdue), per unit, most first, with how many working days the oldest is late."""
    late = (
        visible_deadlines(user)
        .filter(rules.overdue(scope.today), record__in=records(user=user, scope=scope))
        .order_by()
        .values(unit_key=unit_of_record("record__"), name=unit_name_of_record("record__"))
        .annotate(n=Count("pk"), oldest=Min("due_on"))
    )
    rows = sorted(late, key=lambda row: (-row["n"], row["name"] or ""))
    work = calendar.current()
    table = [
        (row["name"] or _("（未列明单位）"), row["n"], work.working_days_between(row["oldest"], scope.today))
        for row in rows
    ]
    return Table((_("单位"), _("逾期期限数"), _("最久逾期（工作日）")), table)


def _states(model, user, scope: Scope) -> dict:
    rows = model.objects.all()
    if scope.narrows_records or scope.unit_id or not sees_every_record(user):
        rows = rows.filter(record__in=records(user=user, scope=scope))
    rows = rows.order_by().values("state")
    return {row["state"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def objections_by_state(*, user, scope: Scope) -> Table:
    return Table(
        (_("异议状态"), _("件数")), _counted(ObjectionState.choices, _states(Objection, user, scope))
    )


def repairs_by_state(*, user, scope: Scope) -> Table:
    rows = _counted(RepairState.choices, _states(RepairApplication, user, scope))
    return Table((_("信用修复申请状态"), _("件数")), rows)


#: Disclosure (公示) of a determined record, from its state and its `public` flag.
DISCLOSURE_STATES = (RecordState.DETERMINED, RecordState.EFFECTIVE)
DISCLOSURE_ENDED = {
    RecordState.EXPIRED: gettext_lazy("公示期满"),
    RecordState.REPAIRED: gettext_lazy("已修复"),
    RecordState.REVOKED: gettext_lazy("已撤销"),
}


def disclosure_by_state(*, user, scope: Scope) -> Table:
    """公示情况: determined records shown to the public, not shown (轻微, or a person's record
    of a category not public), and those whose disclosure ended."""
    wanted = (*DISCLOSURE_STATES, *DISCLOSURE_ENDED)
    rows = (
        records(user=user, scope=scope)
        .filter(state__in=wanted)
        .order_by()
        .values("state", "public")
        .annotate(n=Count("pk"))
    )
    counts: Counter = Counter()
    for row in rows:
        if row["state"] in DISCLOSURE_STATES:
            counts["public" if row["public"] else "not_public"] += row["n"]
        else:
            counts[row["state"]] += row["n"]
    labels = [("public", _("公示中")), ("not_public", _("不公示")), *DISCLOSURE_ENDED.items()]
    return Table((_("公示情况"), _("记录数")), [(str(label), counts[key]) for key, label in labels])


def alerts_by_level(*, user, scope: Scope) -> Table:
    """风险预警: alerts still asking for attention, by level. A unit filter reads the alert's
    unit; a period, category or tier its record (an alert about no record then drops out)."""
    alerts = visible_alerts(user).filter(state__in=ACTIVE_STATES)
    if scope.unit_id:
        alerts = alerts.filter(Q(organisation_id=scope.unit_id))
    if scope.narrows_records:
        alerts = alerts.filter(record__in=records(user=user, scope=scope))
    counts = {row["level"]: row["n"] for row in alerts.order_by().values("level").annotate(n=Count("pk"))}
    return Table((_("预警级别"), _("预警数")), _counted(AlertLevel.choices, counts))


def integrity_coverage(*, user, scope: Scope) -> Table:
    """诚信档案覆盖率 (DOMAIN §9.5, scenario 32): active civil servants with an opened file, per
    unit and in total (oversight.integrity). About people, not records: only the unit filter
    applies (that unit's row alone); the pages showing it are the commission's."""
    rows = coverage_by_unit()
    if scope.unit_id:
        rows = [row for row in rows if row["unit_id"] == scope.unit_id]
    table = [(row["unit_name"], row["percent"], row["active"], row["with_file"]) for row in rows]
    return Table((_("单位"), _("覆盖率（%）"), _("在职公务员"), _("已建档")), table)


def assessment_grades(*, user, scope: Scope) -> Table:
    """考核等次 (DOMAIN §9.1): the latest approved year's units by grade, each unit's last
    revision (an upheld objection adds one). Only for those who may read the assessment
    (oversight.assessment.queries); about units, so of the filters only the unit applies."""
    latest = (
        visible_assessments(user).filter(state=AssessmentState.APPROVED).order_by("-year").values("pk")[:1]
    )
    newer = UnitResult.objects.filter(
        assessment=OuterRef("assessment"),
        organisation=OuterRef("organisation"),
        revision__gt=OuterRef("revision"),
    )
    results = UnitResult.objects.filter(assessment__in=latest).exclude(Exists(newer))
    if scope.unit_id:
        results = results.filter(organisation_id=scope.unit_id)
    counts = {row["grade"]: row["n"] for row in results.order_by().values("grade").annotate(n=Count("pk"))}
    grades = [grade for grade, _minimum in settings.CHENGXIN["ASSESSMENT"]["GRADES"]]
    return Table((_("考核等次"), _("单位数")), [(grade, counts.get(grade, 0)) for grade in grades])
