"""The risk rule "active civil servant without an integrity file" (DOMAIN §9.5: coverage 100 %;
scenario 32). One alert per person, for HR, about the person's unit; it resolves by itself
at the next sync once the file is opened or the person leaves (oversight.alerts.sync)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from casework import clock
from casework.language import official_language

from ..alerts import Cause, sync
from ..models import RiskRule
from .queries import people_without_file

#: The RiskRule row (migration 0002_integrity).
RULE_CODE = "integrity_file_missing"


def missing_file_causes(rule: RiskRule, today: dt.date) -> list[Cause]:
    """Every active civil servant without a file: one query."""
    people = people_without_file().values_list("pk", "name", "unit_id", "unit__name").order_by("pk")
    with official_language():  # the summary is stored
        return [
            Cause(
                key=f"person:{pk}",
                summary=_("%(unit)s在职公务员%(name)s尚未建立诚信档案") % {"unit": unit_name, "name": name},
                organisation_id=unit_id,
                link=reverse("integrity-person", args=[pk]),
            )
            for pk, name, unit_id, unit_name in people
        ]


#: For the sweep's registry (oversight.risk.rules.EVALUATORS), merged there.
EVALUATORS = {RULE_CODE: missing_file_causes}


def sync_file_alerts(today: dt.date | None = None) -> dict[str, int]:
    """Raise and resolve the rule's alerts now (the sweep does the same each day)."""
    today = today or clock.today()
    rule = RiskRule.objects.filter(pk=RULE_CODE).first()
    if rule is None:  # removed by an administrator: opening a file must not fail for it
        return {"raised": 0, "resolved": 0}
    return sync(RULE_CODE, missing_file_causes(rule, today), today=today)
