"""Sanction periods and severity (DOMAIN §6.4; S14 Art 7–8, 15; S16 Art 62–64).

A 处分期 is a status duration: it runs from the effective date and ends on the
corresponding day N months later (or that month's last day), never rolled forward off a
rest day (DOMAIN §7 rule 4). The lengths and the 48-month cap are rule rows
(`sanction_<type>`, `sanction_cap`), read here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ... import rules
from ...errors import DomainError
from ...models import Accountability, DeadlineRule, DecisionType, Sanction, Track
from ...rule_table import RuleCode
from ..validation import require_text

D = DecisionType

#: The six forms of 政务处分 / 处分, lightest first (S14 Art 7; S16 Art 62).
FORMS = (D.WARNING, D.DEMERIT, D.MAJOR_DEMERIT, D.DEMOTION, D.REMOVAL_FROM_POST, D.EXPULSION)
#: Lighter handling instead of a sanction (S14 Art 12; S15 Art 52(1); S16 Art 57).
LIGHT = (D.REMINDER_TALK, D.CRITICISM, D.SELF_EXAMINATION, D.ADMONITION)
#: 问责 forms against a person (S18; S19), in the order the rules list them.
PARTY_FORMS = (
    D.CIRCULAR,
    D.PUBLIC_APOLOGY,
    D.ADMONITION,
    D.SUSPENSION,
    D.ORGANISATIONAL,
    D.RESIGNATION,
    D.ORDERED_RESIGNATION,
    D.DISMISSAL,
)
#: 问责 forms against a party organisation or unit (S18): recorded with the decision, no row.
UNIT_MEASURES = (D.INSPECTION, D.CIRCULAR, D.REORGANISATION)
#: Other outcomes of a case (S14 Art 44).
OUTCOMES = (D.NOT_SANCTIONED, D.EXEMPTED, D.TRANSFERRED)

TRACK_TYPES = {
    Track.SUPERVISORY: frozenset(FORMS + LIGHT + OUTCOMES),
    Track.APPOINTING: frozenset(FORMS + LIGHT + OUTCOMES),
    Track.PARTY: frozenset(PARTY_FORMS + OUTCOMES),
}

# The order of the statutes' own lists: an appeal may never make a decision heavier
# (S14 Art 55–59; S15 Art 56), and several sanctions on one person run as the heaviest.
SEVERITY: dict[str, int] = {
    D.NOT_SANCTIONED: 0,
    D.EXEMPTED: 0,
    **{t: 1 + i for i, t in enumerate(LIGHT)},
    **{t: 1 + i for i, t in enumerate(PARTY_FORMS)},
    **{t: 10 * (1 + i) for i, t in enumerate(FORMS)},
}

#: 降级 and above change post and pay: HR acts within a month (S14 Art 54).
HR_EXECUTION_TYPES = frozenset({D.DEMOTION, D.REMOVAL_FROM_POST, D.EXPULSION})
#: Nothing to appeal against: no finding was made, or the case went elsewhere.
NOT_APPEALABLE = frozenset({D.NOT_SANCTIONED, D.TRANSFERRED})


def period_rule(decision_type: str) -> DeadlineRule | None:
    """The rule row of a form with a period; None for 开除 and every other decision."""
    if decision_type not in FORMS or decision_type == D.EXPULSION:
        return None
    return rules.deadline_rule(f"sanction_{decision_type.lower()}")


def is_periodic(decision_type: str) -> bool:
    return decision_type in FORMS and decision_type != D.EXPULSION


def heavier(new_type: str, old_type: str) -> bool:
    return SEVERITY.get(new_type, 0) > SEVERITY.get(old_type, 0)


def combined_months(months: list[int], explicit: int | None = None) -> int:
    """Several sanctions on one person run as one period between the longest and the sum,
    at most the cap (S14 Art 15). Without the approver's figure: the sum, capped."""
    cap = rules.deadline_rule(RuleCode.SANCTION_CAP).amount
    longest, ceiling = max(months), min(sum(months), cap)
    if explicit is None:
        return ceiling
    if not longest <= explicit <= ceiling:
        raise DomainError(
            _("合并执行的处分期应在 %(low)s 至 %(high)s 个月之间。") % {"low": longest, "high": ceiling},
            field="combined_periods",
            code="combined_period",
        )
    return explicit


def period_end(effective_on: dt.date, months: int, rule: DeadlineRule) -> dt.date:
    return rules.due(rule, effective_on, amount=months).date


def assign_periods(rows: Iterable[Sanction], *, explicit: int | None = None, ceiling: int | None = None):
    """Set the period of one person's decisions in one case (not saved): the heaviest
    periodic one carries the combined period, the others are merged into it (period 0).
    开除 absorbs every period. `ceiling` keeps a varied decision from running longer."""
    live = [r for r in rows if not r.revoked]
    for row in live:
        row.period_months, row.period_end = 0, None
    periodic = [r for r in live if is_periodic(r.decision_type)]
    if not periodic or any(r.decision_type == D.EXPULSION for r in live):
        return
    months = [period_rule(r.decision_type).amount for r in periodic]
    if explicit is not None and len(periodic) < 2:
        raise DomainError(
            _("只有一项处分时不能另定合并处分期。"), field="combined_periods", code="combined_period"
        )
    total = months[0] if len(months) == 1 else combined_months(months, explicit)
    if ceiling is not None:
        total = min(total, ceiling)
    heaviest = max(periodic, key=lambda r: SEVERITY[r.decision_type])
    heaviest.period_months = total
    heaviest.period_end = period_end(heaviest.effective_on, total, period_rule(heaviest.decision_type))


def is_running(sanction: Sanction, on: dt.date) -> bool:
    """Within its period on `on`: the person is not eligible for honours (S14 Art 19)."""
    return (
        not sanction.revoked
        and sanction.period_end is not None
        and sanction.effective_on <= on <= sanction.period_end
    )


def status_label(sanction: Sanction, on: dt.date) -> str:
    """What the file and the API show; an appeal changes nothing here (S15 Art 56: 不停止执行)."""
    if sanction.revoked:
        return _("已撤销")
    if sanction.decision_type == D.EXPULSION:
        return _("已开除")
    if sanction.period_end is None:
        return _("合并执行") if is_periodic(sanction.decision_type) else _("无处分期")
    if on < sanction.effective_on:
        return _("未生效")
    if sanction.released_on or on > sanction.period_end:
        return _("已解除")
    return _("执行中")


# ── decisions ───────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Decision:
    person_id: int
    decision_type: str
    basis: str
    effective_on: dt.date


def parse_decisions(raw: Iterable[Mapping], track: str, decided_on: dt.date) -> list[Decision]:
    parsed = []
    for item in raw or []:
        decision_type = item.get("decision_type", "")
        if decision_type not in TRACK_TYPES[track]:
            raise DomainError(
                _("“%(type)s”不是该程序可以作出的处理。") % {"type": decision_type},
                field="decision_type",
                code="decision_type",
            )
        effective_on = item.get("effective_on") or decided_on
        if effective_on < decided_on:
            raise DomainError(_("生效日期不能早于决定日期。"), field="effective_on", code="date_order")
        basis = require_text(item.get("basis", ""), "basis", _("每项处理须写明依据。"))
        parsed.append(Decision(item.get("person_id"), decision_type, basis, effective_on))
    return parsed


def check_decisions(
    case: Accountability, decisions: list[Decision], unit_measure: str, combined: Mapping[int, int]
) -> None:
    members = set(case.persons.values_list("pk", flat=True))
    if any(d.person_id not in members for d in decisions):
        raise DomainError(_("只能对本案被追责人员作出处理。"), field="decisions", code="not_a_party")
    if set(combined) - {d.person_id for d in decisions}:
        raise DomainError(_("合并处分期只能对本次受处分的人员确定。"), field="combined_periods")
    for person_id in {d.person_id for d in decisions}:
        if len({d.effective_on for d in decisions if d.person_id == person_id}) > 1:
            raise DomainError(
                _("同一人的多项处分应同日生效、合并执行。"), field="effective_on", code="date_order"
            )
    if unit_measure and not case.unit_id:
        raise DomainError(_("本案没有被追责单位。"), field="unit_measure", code="no_unit")


def create_sanctions(
    case: Accountability, decisions: list[Decision], combined: Mapping[int, int]
) -> list[Sanction]:
    rows = [
        Sanction(
            accountability=case,
            person_id=d.person_id,
            decision_type=d.decision_type,
            basis=d.basis,
            effective_on=d.effective_on,
        )
        for d in decisions
    ]
    for person_id in {r.person_id for r in rows}:
        assign_periods([r for r in rows if r.person_id == person_id], explicit=combined.get(person_id))
    return Sanction.objects.bulk_create(rows)
