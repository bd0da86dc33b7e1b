"""`{% risk_alert_block %}`: the signed-in user's active risk alerts, on pages that belong to
other parts (the workbench dashboard, the inbox of workflows, the unit portal). A template tag
rather than a line in each view: workflows may not import oversight, and a template may use
any tag library. A constant number of queries: the counts by level, then the first alerts."""

from __future__ import annotations

from django import template

from casework.permissions import UNIT_ROLES, has_role
from oversight import alerts
from portal.risk import queries

register = template.Library()


@register.inclusion_tag("portal/risk/_block.html", takes_context=True)
def risk_alert_block(context, limit: int = 5, actions: bool = False, title: str = ""):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_role(user, *alerts.COMMISSION_ROLES, *UNIT_ROLES):
        return {"shown": False}
    counts = queries.level_counts(user)
    total = sum(n for _level, _label, n in counts)
    first = list(alerts.most_urgent_alerts(user, limit)) if total else []
    return {
        "shown": True,
        "title": title,
        "counts": counts,
        "total": total,
        "rows": queries.rows(user, first, actions=actions),
        "actions": actions,
        "commission": has_role(user, *alerts.COMMISSION_ROLES),  # the link to the full list
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
