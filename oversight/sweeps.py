"""The daily risk sweep (DOMAIN §9.2): every enabled rule evaluated, its causes synced.

Run by beat (oversight.tasks.sweep_risk_alerts, at 00:05 and on the sweep interval) and by
`manage.py sweep_deadlines` after the deadline sweeps of workflows (so a deadline those
flagged or an item they urged is seen as it is now). Idempotent on the same day: `alerts.sync`
raises each cause once and resolves what is gone. A disabled rule is synced with no causes,
which resolves what it had raised. Each rule commits on its own: one failing leaves the others
done, and the sweep then raises the first failure.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from casework import clock
from casework.language import official_language
from workflows import sweeps as deadline_sweeps

from . import alerts
from .models import RiskRule
from .risk.rules import EVALUATORS

logger = logging.getLogger(__name__)

Counts = dict[str, int]


def risk_alerts(today: dt.date) -> Counts:
    """`{"<rule>.raised": n, "<rule>.resolved": m, …}` for each rule with an evaluator, in
    the rules' order, after the totals `raised` and `resolved`."""
    per_rule: Counts = {}
    failure: Exception | None = None
    for rule in RiskRule.objects.filter(code__in=list(EVALUATORS)):
        try:
            counts = _sweep_rule(rule, today)
        except Exception as exc:  # the other rules still run; the failure is raised at the end
            logger.exception("risk rule %s failed", rule.code)
            failure = failure or exc
            continue
        per_rule |= {f"{rule.code}.{name}": n for name, n in counts.items()}
    if failure is not None:
        raise failure
    totals = {
        name: sum(n for key, n in per_rule.items() if key.endswith(f".{name}"))
        for name in ("raised", "resolved")
    }
    return totals | per_rule


def _sweep_rule(rule: RiskRule, today: dt.date) -> Counts:
    # The summaries are written into the alerts: in the official language, whoever runs it.
    with official_language():
        causes = EVALUATORS[rule.code](rule, today) if rule.enabled else []
    return alerts.sync(rule.code, causes, today=today)


#: What `manage.py sweep_deadlines` runs, in this order: the deadline sweeps of workflows,
#: then the risk rules, which read what those left.
SWEEPS: dict[str, Callable[[dt.date], Counts]] = {**deadline_sweeps.SWEEPS, "risk_alerts": risk_alerts}


def run(today: dt.date | str | None = None) -> Counts:
    """The sweep for `today` (default: the legal date now; an ISO date from a task)."""
    if today is None:
        return risk_alerts(clock.today())
    return risk_alerts(today if isinstance(today, dt.date) else dt.date.fromisoformat(today))
