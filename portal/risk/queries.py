"""What the risk pages show, read through oversight's query functions (already scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db.models import Count, QuerySet
from django.urls import Resolver404, resolve, reverse

from casework.permissions import has_role
from oversight import alerts
from oversight.models import AlertLevel, RiskAlert
from oversight.models.alerts import ACTIVE_STATES, LEVEL_RANK

#: The `state` filter's value for "every active state" (the default).
ACTIVE = "active"


#: The commission's pages an alert links to, and the unit's own page for the same thing; None:
#: a unit has no such page, and its liaison sees the alert without a link rather than a 403.
UNIT_PAGES = {
    "work-commitment-detail": "unit-commitment-detail",
    "work-case-list": None,
    "court-home": None,
    "integrity-person": None,
}


@dataclass(frozen=True)
class Row:
    """An alert, the link the user may follow ("" for none) and why each button is greyed
    out ("" when the user may press it)."""

    alert: RiskAlert
    link: str
    acknowledge_refused: str = ""
    close_refused: str = ""


def link_for(user, alert: RiskAlert) -> str:
    """The alert's link as the user can open it: the commission's own, a unit its page."""
    if not alert.link or has_role(user, *alerts.COMMISSION_ROLES):
        return alert.link
    try:
        match = resolve(urlsplit(alert.link).path)
    except Resolver404:
        return ""
    if match.url_name not in UNIT_PAGES:
        return alert.link
    target = UNIT_PAGES[match.url_name]
    return reverse(target, kwargs=match.captured_kwargs) if target else ""


def rows(user, page, *, actions: bool = True) -> list[Row]:
    if not actions:
        return [Row(alert, link_for(user, alert)) for alert in page]
    return [
        Row(
            alert,
            link_for(user, alert),
            alerts.acknowledge_refusal(user, alert),
            alerts.close_refusal(user, alert),
        )
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
    return alerts.by_urgency(found).select_related("rule", "organisation", "record", "acknowledged_by")


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
