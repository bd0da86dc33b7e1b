"""The quarterly report's reminder and overdue flag (RiskRule rows of migration 0002_selfreports).

Each evaluator is set-based, `(rule, today) -> list[Cause]`: one cause per unit and quarter not
reported, keyed "quarterly:<unit>:<year>Q<n>", so a sweep run twice raises each alert once and
the report, once submitted, takes the cause away (oversight.alerts.sync resolves the alert).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from casework import calendar
from casework.language import official_language

from ..alerts import Cause, sync
from ..models import QuarterlyReport, RiskRule
from ..models.selfreports import Quarter
from .queries import ended_quarters, reporting_units
from .services import quarterly_due

DUE_SOON = "selfreport_quarterly_due"
OVERDUE = "selfreport_quarterly_overdue"


def _unreported(today: dt.date, wanted) -> list[Cause]:
    """A cause per (unit, ended quarter) with no report whose due day `wanted(due_on)` accepts."""
    quarters = [(q, quarterly_due(q)) for q in ended_quarters(today)]
    quarters = [(q, due_on) for q, due_on in quarters if wanted(due_on)]
    if not quarters:
        return []
    done = set(
        QuarterlyReport.objects.filter(year__in={q.year for q, _d in quarters}).values_list(
            "organisation_id", "year", "quarter"
        )
    )
    link = reverse("selfreports-unit")
    causes = []
    for unit_id, name in reporting_units().values_list("pk", "name"):
        for quarter, due_on in quarters:
            if (unit_id, quarter.year, quarter.number) not in done:
                causes.append(_cause(unit_id, name, quarter, due_on, link))
    return causes


def _cause(unit_id: int, name: str, quarter: Quarter, due_on: dt.date, link: str) -> Cause:
    with official_language():
        summary = _("%(unit)s %(quarter)s政务失信情况季度报告应于%(due)s前报送。") % {
            "unit": name,
            "quarter": quarter,
            "due": due_on.isoformat(),
        }
    return Cause(
        key=f"quarterly:{unit_id}:{quarter.year}Q{quarter.number}",
        summary=summary,
        organisation_id=unit_id,
        due_on=due_on,
        link=link,
    )


def quarterly_due_soon(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Not reported, due today or within the rule's working days (params within_working_days)."""
    within = int(rule.params.get("within_working_days", 3))
    return _unreported(
        today, lambda due_on: due_on >= today and calendar.working_days_left(due_on, today) <= within
    )


def quarterly_overdue(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Not reported, the due day past."""
    return _unreported(today, lambda due_on: due_on < today)


#: For the sweep's registry (oversight.risk.rules.EVALUATORS), merged there.
EVALUATORS = {DUE_SOON: quarterly_due_soon, OVERDUE: quarterly_overdue}


def sync_report_alerts(today: dt.date) -> dict[str, dict[str, int]]:
    """Evaluate both rules and sync their alerts: {code: {"raised": n, "resolved": m}}."""
    rules = RiskRule.objects.in_bulk(list(EVALUATORS))
    return {
        code: sync(code, evaluate(rules[code], today), today=today) for code, evaluate in EVALUATORS.items()
    }
