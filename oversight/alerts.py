"""Raising and closing risk alerts (models.alerts has the states).

`sync` is what every rule's evaluation ends in: given every cause the rule finds today, it
raises an alert for each cause that has none, and resolves by itself each active alert whose
cause is gone — a fixed number of queries whatever the number of causes, and idempotent on
the same day (ARCHITECTURE §5: at-least-once delivery of the sweep). The rule's row is
locked while it runs, so two workers sweeping at once raise each alert once.

People acknowledge, resolve and dismiss (use cases below, audited); a unit's liaison or head
may acknowledge their unit's alerts, the commission does the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import action_labels, audit, clock
from casework.errors import DomainError, PermissionDeniedError
from casework.permissions import SEE_ALL_ROLES, UNIT_ROLES, declared_conflicts, has_role, roles_of
from casework.roles import Role
from casework.services.validation import require_text

from .models import AlertState, RiskAlert, RiskRule
from .models.alerts import ACTIVE_STATES, BLOCKING_STATES, LEVEL_RANK


class AlertAction:
    """Audited actions on alerts (stored values: never change)."""

    ACKNOWLEDGE = "alert.acknowledge"
    RESOLVE = "alert.resolve"
    DISMISS = "alert.dismiss"


action_labels.register(
    {
        AlertAction.ACKNOWLEDGE: gettext_lazy("确认知悉风险预警"),
        AlertAction.RESOLVE: gettext_lazy("解除风险预警"),
        AlertAction.DISMISS: gettext_lazy("排除风险预警"),
    }
)


#: Who resolves or dismisses an alert by hand (a unit only acknowledges its own).
COMMISSION_ROLES = frozenset({*SEE_ALL_ROLES, Role.HR_ADMIN})
_CHUNK = 500


@dataclass(frozen=True)
class Cause:
    """One thing a rule found: `key` names it within the rule ("deadline:42")."""

    key: str
    summary: str
    organisation_id: int | None = None
    record_id: int | None = None
    due_on: dt.date | None = None
    link: str = ""


def sync(rule_code: str, causes: Iterable[Cause], *, today: dt.date | None = None) -> dict[str, int]:
    """Raise what is new, resolve what is gone: {"raised": n, "resolved": m}. A disabled rule
    raises nothing and resolves all it had raised. An active alert whose cause is still found
    takes the cause's summary, due date, link, unit and record as they are today."""
    today = today or clock.today()
    with transaction.atomic():
        rule = RiskRule.objects.select_for_update().get(pk=rule_code)
        found = {cause.key: cause for cause in causes} if rule.enabled else {}
        blocking = list(RiskAlert.objects.filter(rule=rule, state__in=BLOCKING_STATES).only(*_REFRESHED))
        known = {alert.key: alert.state for alert in blocking}
        new = [
            RiskAlert(
                rule=rule,
                key=cause.key,
                level=rule.level,
                owner_role=rule.owner_role,
                organisation_id=cause.organisation_id,
                record_id=cause.record_id,
                summary=cause.summary[:500],
                link=cause.link,
                raised_on=today,
                due_on=cause.due_on,
            )
            for key, cause in found.items()
            if key not in known
        ]
        RiskAlert.objects.bulk_create(new, batch_size=_CHUNK)
        refreshed = _refreshed(blocking, found)
        RiskAlert.objects.bulk_update(refreshed, _REFRESHED[2:], batch_size=_CHUNK)
        gone = [key for key, state in known.items() if state in ACTIVE_STATES and key not in found]
        resolved = 0
        reason = _("预警原因已消除。") if rule.enabled else _("预警规则已停用。")
        for start in range(0, len(gone), _CHUNK):
            resolved += RiskAlert.objects.filter(
                rule=rule, state__in=ACTIVE_STATES, key__in=gone[start : start + _CHUNK]
            ).update(state=AlertState.RESOLVED, closed_on=today, reason=reason)
    return {"raised": len(new), "resolved": resolved}


#: What `sync` reads of the known alerts; after key and state, what it keeps up to date.
_REFRESHED = ("key", "state", "summary", "due_on", "link", "organisation_id", "record_id")


def _refreshed(known: list[RiskAlert], found: dict[str, Cause]) -> list[RiskAlert]:
    """The active alerts whose cause is still there but reads differently today (a count
    that grew, a deadline extended within the window): changed in place, so what the alert
    says is what the rule finds now."""
    changed = []
    for alert in known:
        cause = found.get(alert.key)
        if cause is None or alert.state not in ACTIVE_STATES:
            continue
        fresh = (cause.summary[:500], cause.due_on, cause.link, cause.organisation_id, cause.record_id)
        if fresh != tuple(getattr(alert, name) for name in _REFRESHED[2:]):
            alert.summary, alert.due_on, alert.link, alert.organisation_id, alert.record_id = fresh
            changed.append(alert)
    return changed


# ── what a person sees ─────────────────────────────────────────────────────────────────
def visible_alerts(user) -> QuerySet[RiskAlert]:
    """The commission sees every alert but those about a unit it declared a conflict with;
    HR the alerts HR owns; a unit's liaison and head their unit's; anyone else none."""
    roles = roles_of(user)
    if not roles:
        return RiskAlert.objects.none()
    conditions = Q(pk__in=[])
    if roles & SEE_ALL_ROLES:
        conditions = Q()
    else:
        if Role.HR_ADMIN in roles:
            conditions |= Q(owner_role=Role.HR_ADMIN)
        if roles & UNIT_ROLES and user.organisation_id:
            conditions |= Q(organisation_id=user.organisation_id)
    alerts = RiskAlert.objects.filter(conditions)
    # the declarations read once per request: most users have none, and then no filter
    conflicted = declared_conflicts(user).organisation_ids
    return alerts.exclude(organisation_id__in=sorted(conflicted)) if conflicted else alerts


def by_urgency(alerts: QuerySet[RiskAlert]) -> QuerySet[RiskAlert]:
    rank = Case(
        *(When(level=level, then=Value(n)) for level, n in LEVEL_RANK.items()),
        output_field=IntegerField(),
    )
    return alerts.annotate(level_rank=rank).order_by("level_rank", "due_on", "id")


def active_alerts(user) -> QuerySet[RiskAlert]:
    return by_urgency(visible_alerts(user).filter(state__in=ACTIVE_STATES)).select_related(
        "rule", "organisation", "record"
    )


def most_urgent_alerts(user, limit: int) -> QuerySet[RiskAlert]:
    """The `limit` most urgent active alerts, in one query. The top rows are picked in a
    sub-select without joins: sorting the whole active set joined to its records, rules and
    units first read every active alert's record, most of the dashboard's time."""
    first = by_urgency(visible_alerts(user).filter(state__in=ACTIVE_STATES)).values("pk")[:limit]
    return active_alerts(user).filter(pk__in=first)


# ── what a person does ─────────────────────────────────────────────────────────────────
def _locked(acting_user, alert_id: int) -> RiskAlert:
    alert = visible_alerts(acting_user).select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise DomainError(_("预警不存在。"), field="alert", code="not_found")
    return alert


def _acting(acting_user, ip_address: str | None) -> audit.Acting:
    roles = roles_of(acting_user)
    role = next((r for r in (*COMMISSION_ROLES, *UNIT_ROLES) if r in roles), Role.OFFICER)
    return audit.Acting(acting_user, role, ip_address)


def acknowledge_refusal(user, alert: RiskAlert) -> str:
    """Why `user` may not acknowledge `alert` ("" when they may)."""
    if alert.state != AlertState.OPEN:
        return _("该预警已知悉或已关闭。")
    if has_role(user, *COMMISSION_ROLES):
        return ""
    own_unit = (
        has_role(user, *UNIT_ROLES) and user.organisation_id and user.organisation_id == alert.organisation_id
    )
    if own_unit and alert.owner_role in UNIT_ROLES:
        return ""
    if own_unit:
        return _("该预警由委员会处理，本单位可查看，无需确认知悉。")
    return _("只有本单位联络员、负责人或委员会工作人员可以确认知悉。")


def close_refusal(user, alert: RiskAlert) -> str:
    """Why `user` may not resolve or dismiss `alert` ("" when they may)."""
    if alert.state not in ACTIVE_STATES:
        return _("该预警已关闭。")
    if not has_role(user, *COMMISSION_ROLES):
        return _("只有委员会工作人员可以解除或排除预警。")
    return ""


@transaction.atomic(durable=True)
def alert_acknowledge(*, acting_user, alert_id: int, ip_address: str | None = None) -> RiskAlert:
    alert = _locked(acting_user, alert_id)
    refusal = acknowledge_refusal(acting_user, alert)
    if refusal:
        raise PermissionDeniedError(refusal, code="permission_denied")
    alert.state, alert.acknowledged_by, alert.acknowledged_at = (
        AlertState.ACKNOWLEDGED,
        acting_user,
        timezone.now(),
    )
    alert.save()
    audit.append(
        _acting(acting_user, ip_address),
        obj=alert,
        record=alert.record,
        action=AlertAction.ACKNOWLEDGE,
        from_state=AlertState.OPEN,
        to_state=AlertState.ACKNOWLEDGED,
    )
    return alert


def _close(acting_user, alert_id: int, state: str, action: str, reason: str, ip_address) -> RiskAlert:
    alert = _locked(acting_user, alert_id)
    refusal = close_refusal(acting_user, alert)
    if refusal:
        raise PermissionDeniedError(refusal, code="permission_denied")
    was = alert.state
    alert.state, alert.reason = state, reason
    alert.closed_on, alert.closed_by = clock.today(), acting_user
    alert.save()
    audit.append(
        _acting(acting_user, ip_address),
        obj=alert,
        record=alert.record,
        action=action,
        from_state=was,
        to_state=state,
        reason=reason,
    )
    return alert


@transaction.atomic(durable=True)
def alert_resolve(
    *, acting_user, alert_id: int, reason: str = "", ip_address: str | None = None
) -> RiskAlert:
    """Resolved by hand (the cause was dealt with); a sweep would resolve it by itself."""
    return _close(acting_user, alert_id, AlertState.RESOLVED, AlertAction.RESOLVE, reason.strip(), ip_address)


@transaction.atomic(durable=True)
def alert_dismiss(*, acting_user, alert_id: int, reason: str, ip_address: str | None = None) -> RiskAlert:
    """Not a risk (a person judged it): never raised again for the same cause."""
    reason = require_text(reason, "reason", _("请填写排除理由。"))
    return _close(acting_user, alert_id, AlertState.DISMISSED, AlertAction.DISMISS, reason, ip_address)
