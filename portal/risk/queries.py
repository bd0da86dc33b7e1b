"""What the risk pages show, read through oversight's query functions (already scoped)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from oversight import alerts
from oversight.models import AlertLevel, RiskAlert
from oversight.models.alerts import ACTIVE_STATES, LEVEL_RANK

#: The `state` filter's value for "every active state" (the default).
ACTIVE = "active"


@dataclass(frozen=True)
class Row:
    """An alert with why each button is greyed out ("" when the user may press it)."""

    alert: RiskAlert
    acknowledge_refused: str
    close_refused: str


def rows(user, page) -> list[Row]:
    return [
        Row(alert, alerts.acknowledge_refusal(user, alert), alerts.close_refusal(user, alert))
        for alert in page
    ]


def filtered(user, *, level: str = "", rule: str = "", unit: int | None = None, state: str = ACTIVE):
    found: QuerySet[RiskAlert] = alerts.visible_alerts(user)
    found = (
        found.filter(state__in=ACTIVE_STATES)
        if state == ACTIVE
        else found.filter(state=state)
        if state
        else found
    )
    if level:
        found = found.filter(level=level)
    if rule:
        found = found.filter(rule_id=rule)
    if unit:
        found = found.filter(organisation_id=unit)
    return alerts.by_urgency(found).select_related("rule", "organisation", "record")


def level_counts(user) -> list[tuple[str, str, int]]:
    """(level, its label, active alerts) for every level, most urgent first: one query."""
    counts = dict(
        alerts.visible_alerts(user)
        .filter(state__in=ACTIVE_STATES)
        .order_by()
        .values_list("level")
        .annotate(n=Count("id"))
    )
    ordered = sorted(AlertLevel, key=lambda level: LEVEL_RANK[level])
    return [(level.value, level.label, counts.get(level.value, 0)) for level in ordered]
