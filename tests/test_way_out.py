"""No state without a way out: for every object with a life (the record, an objection, a
rectification order and its items, an accountability case, a sanction, an appeal, an
extension request, a credit repair, a notice), every state that is not declared terminal
below has a step that leaves it, which a person (not only the system) may take and which
the UI offers as a form (portal.cases.specs, the registry the case page, the unit portal and
the personal portal all offer their actions from) — or a leaving step the law makes
automatic, run by a scheduled sweep, named in AUTOMATIC with its reason.

The states and steps are read from the lifecycle tables themselves (casework.lifecycle,
notices.lifecycle); a state added to a table with no way out fails here (see the synthetic
tables at the end).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import models

from casework.lifecycle import (
    ACCOUNTABILITY_STEPS,
    ITEM_STEPS,
    OBJECTION_STEPS,
    RECORD_STEPS,
    RECTIFICATION_STEPS,
    REPAIR_STEPS,
    AccountabilityState,
    ItemState,
    ObjectionState,
    RecordState,
    RectificationState,
    RepairState,
    Step,
)
from casework.models import AppealOutcome
from casework.models.rectification import RequestState
from casework.roles import Role
from casework.services.rectification import extension as rectification_extension
from notices.lifecycle import NOTICE_STEPS, NoticeState
from portal.cases.specs import SPECS, ActionSpec
from workflows.sweeps import SWEEPS


@dataclass(frozen=True)
class Lifecycle:
    name: str
    kind: str  # the kind its forms are registered under in portal.cases.specs
    states: tuple[str, ...]
    steps: Mapping[str, Step]
    #: Steps taken by a form of another object: step name → (kind, slug) of that form
    #: (the liaison submits the items with their order; the approver decides an appeal).
    forms: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _moved_by(step: Step, sources: Iterable[str], target: str) -> Step:
    """A step of a case's table, as it moves an object whose state is one of its fields."""
    return dataclasses.replace(step, sources=tuple(sources), target=target)


# A sanction, an appeal and an extension request have no state machine of their own: their
# state is one of their fields (Sanction.released_on / revoked, Appeal.outcome,
# ExtensionRequest.state), moved by a step of their case's table.
IN_FORCE, RELEASED, REVOKED = "IN_FORCE", "RELEASED", "REVOKED"
PENDING = "PENDING"
DECIDED = "DECIDED"  # an outcome, whichever

LIFECYCLES = [
    Lifecycle("record", "cases", tuple(RecordState.values), RECORD_STEPS),
    Lifecycle("objection", "objections", tuple(ObjectionState.values), OBJECTION_STEPS),
    Lifecycle(
        "rectification",
        "rectifications",
        tuple(RectificationState.values),
        RECTIFICATION_STEPS,
        forms={"return_items": ("rectifications", "review"), "accept": ("rectifications", "review")},
    ),
    Lifecycle(
        "item",
        "items",
        tuple(ItemState.values),
        ITEM_STEPS,
        forms={
            "submit": ("rectifications", "submit"),
            "accept": ("rectifications", "review"),
            "return_": ("rectifications", "review"),
        },
    ),
    Lifecycle(
        "accountability",
        "accountability",
        tuple(AccountabilityState.values),
        ACCOUNTABILITY_STEPS,
        forms={"appeal": ("sanctions", "appeal"), "decide_appeal": ("appeals", "decide")},
    ),
    Lifecycle(
        "sanction",
        "sanctions",
        (IN_FORCE, RELEASED, REVOKED),
        {
            "release": _moved_by(ACCOUNTABILITY_STEPS["release"], [IN_FORCE], RELEASED),
            "decide_appeal": _moved_by(ACCOUNTABILITY_STEPS["decide_appeal"], [IN_FORCE], REVOKED),
        },
        forms={"release": ("accountability", "release"), "decide_appeal": ("appeals", "decide")},
    ),
    Lifecycle(
        "appeal",
        "appeals",
        (PENDING, *AppealOutcome.values),
        {"decide_appeal": _moved_by(ACCOUNTABILITY_STEPS["decide_appeal"], [PENDING], DECIDED)},
        forms={"decide_appeal": ("appeals", "decide")},
    ),
    Lifecycle(
        "extension",
        "extensions",
        tuple(RequestState.values),
        {"decide_extension": _moved_by(rectification_extension.DECIDE, [RequestState.PENDING], DECIDED)},
    ),
    Lifecycle("repair", "repairs", tuple(RepairState.values), REPAIR_STEPS),
    Lifecycle("notice", "notices", tuple(NoticeState.values), NOTICE_STEPS),
]

#: Where a life ends, and why nothing needs to leave it.
TERMINAL: dict[tuple[str, str], str] = {
    ("record", RecordState.ARCHIVED): "归档 (T13): closed; only the retention clock runs",
    ("objection", ObjectionState.NOT_ACCEPTED): "不予受理: this objection ends; the subject may file anew",
    ("objection", ObjectionState.CLOSED): "办结",
    ("rectification", RectificationState.ACCEPTED): "验收销号",
    ("rectification", RectificationState.MOOT): "无需整改: the record was revoked (scenario 6)",
    ("rectification", RectificationState.ESCALATED): (
        "督办/约谈 (§6.3): the order's own work ends; it goes on as the accountability case the "
        "escalation opened (workflows.flows.RectificationFlow ends here)"
    ),
    ("item", ItemState.ACCEPTED): "验收",
    ("item", ItemState.MOOT): "无需整改",
    ("item", ItemState.ESCALATED): "督办: the item's lateness is answered by the accountability case",
    ("accountability", AccountabilityState.CLOSED): "办结",
    ("sanction", RELEASED): "处分期满解除",
    ("sanction", REVOKED): "撤销 on appeal",
    **{("appeal", outcome): "复审/复核/申诉 decided" for outcome in AppealOutcome.values},
    ("extension", RequestState.APPROVED): "延期已批准: the item's deadline moved",
    ("extension", RequestState.REJECTED): "不予批准: the item keeps its deadline",
    ("repair", RepairState.REFUSED): "不予修复: the subject may apply again when eligible",
    ("repair", RepairState.REVOKED): "撤销修复: the record is in force again",
    ("notice", NoticeState.SERVED): "送达",
    ("notice", NoticeState.VOIDED): "作废",
}

#: Steps the law makes automatic: (object, state, step) → (the sweep that takes it, why).
AUTOMATIC: dict[tuple[str, str, str], tuple[str, str]] = {
    ("record", RecordState.EFFECTIVE, "expire"): (
        "disclosure_expiry",
        "T12: display stops the day after the maximum disclosure period (S5)",
    ),
    ("accountability", AccountabilityState.IN_PERIOD, "release"): (
        "accountability_releases",
        "处分期满自动解除 (S14 Art 26)",
    ),
    ("sanction", IN_FORCE, "release"): ("accountability_releases", "处分期满自动解除 (S14 Art 26)"),
    ("item", ItemState.OPEN, "mark_overdue"): ("rectification", "scenario 9: late by the calendar"),
    ("item", ItemState.RETURNED, "mark_overdue"): ("rectification", "scenario 9: late by the calendar"),
    ("item", ItemState.OVERDUE, "urge"): ("rectification", "scenario 9: urged the day it is late"),
    ("item", ItemState.URGED, "escalate"): (
        "rectification",
        "scenario 9: escalated when the reminder lapses",
    ),
}


# ── the rule ────────────────────────────────────────────────────────────────────────


def exits(lifecycle: Lifecycle, state: str) -> list[Step]:
    """The steps that leave `state` (a step that keeps the state, like 答复陈述申辩, does not)."""
    return [s for s in lifecycle.steps.values() if state in s.sources and s.target not in (None, state)]


def forms_for(lifecycle: Lifecycle, state: str, step: Step, specs: Mapping) -> list[ActionSpec]:
    """The forms that take `step` out of `state` for a person who may take the step."""
    people = step.roles - {Role.SYSTEM}
    if step.name in lifecycle.forms:
        spec = specs.get(lifecycle.forms[step.name])
        found = [spec] if spec is not None else []
    else:
        found = [
            spec
            for (kind, _slug), spec in specs.items()
            if kind == lifecycle.kind and spec.step.name == step.name and state in spec.step.sources
        ]
    return [spec for spec in found if spec.step.roles & people]


def ways_out(lifecycle: Lifecycle, state: str, specs: Mapping, automatic: Mapping) -> list[str]:
    found = []
    for step in exits(lifecycle, state):
        found += [f"{spec.kind}/{spec.slug}" for spec in forms_for(lifecycle, state, step, specs)]
        if (lifecycle.name, state, step.name) in automatic and Role.SYSTEM in step.roles:
            found.append(f"sweep {automatic[(lifecycle.name, state, step.name)][0]}")
    return found


def stuck(
    lifecycles: Iterable[Lifecycle],
    *,
    specs: Mapping = SPECS,
    terminal: Mapping = TERMINAL,
    automatic: Mapping = AUTOMATIC,
) -> list[str]:
    """Every non-terminal state with no way out, as "object STATE"."""
    return [
        f"{lc.name} {state}"
        for lc in lifecycles
        for state in lc.states
        if (lc.name, state) not in terminal and not ways_out(lc, state, specs, automatic)
    ]


# ── the real tables ─────────────────────────────────────────────────────────────────


def test_every_state_of_every_object_that_is_not_terminal_has_a_way_out_the_ui_offers():
    assert stuck(LIFECYCLES) == []


@pytest.mark.parametrize("state", [RecordState.PROPOSED, RecordState.PRE_NOTICE])
def test_a_proposal_can_be_returned_amended_or_dismissed_from_the_case_page(state):
    """The case of the report: a proposal the approver cannot determine (no measure)."""
    record = next(lc for lc in LIFECYCLES if lc.name == "record")
    offered = set(ways_out(record, state, SPECS, {}))
    assert {"cases/return-proposal", "cases/dismiss"} <= offered
    amend = SPECS[("cases", "amend-proposal")]
    assert state in amend.step.sources and Role.OFFICER in amend.step.roles


def test_the_terminal_states_are_real_and_offer_no_one_a_way_on():
    by_name = {lc.name: lc for lc in LIFECYCLES}
    for (name, state), reason in TERMINAL.items():
        assert state in by_name[name].states, (name, state)
        assert reason
        assert not ways_out(by_name[name], state, SPECS, {}), f"{name} {state} is declared terminal"


def test_every_automatic_step_is_a_system_step_of_its_table_run_by_a_scheduled_sweep():
    by_name = {lc.name: lc for lc in LIFECYCLES}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for (name, state, step_name), (sweep, reason) in AUTOMATIC.items():
        step = by_name[name].steps[step_name]
        assert state in step.sources and Role.SYSTEM in step.roles, (name, state, step_name)
        assert sweep in SWEEPS and f"workflows.tasks.sweep_{sweep}" in scheduled, sweep
        assert reason


def test_every_object_with_a_life_is_covered():
    assert {lc.name for lc in LIFECYCLES} >= {
        "record",
        "objection",
        "rectification",
        "item",
        "accountability",
        "sanction",
        "appeal",
        "repair",
        "notice",
    }
    tables = [RECORD_STEPS, OBJECTION_STEPS, RECTIFICATION_STEPS, ITEM_STEPS]
    tables += [ACCOUNTABILITY_STEPS, REPAIR_STEPS, NOTICE_STEPS]
    assert all(any(lc.steps is table for lc in LIFECYCLES) for table in tables)


# ── the rule fails where it should: synthetic tables ─────────────────────────────────


class Limbo(models.TextChoices):
    OPEN = "OPEN", "open"
    FORMLESS = "FORMLESS", "a person's step, but no form"
    MACHINE = "MACHINE", "the system's step only"
    LIMBO = "LIMBO", "no step at all"
    DONE = "DONE", "done"


def _synthetic():
    def step(name, sources, target, roles):
        return Step(name, name, tuple(sources), target, frozenset(roles), "test")

    steps = {
        "finish": step("finish", ["OPEN"], "DONE", [Role.OFFICER]),
        "push": step("push", ["FORMLESS"], "DONE", [Role.OFFICER]),
        "sweep": step("sweep", ["MACHINE"], "DONE", [Role.SYSTEM]),
        "note": step("note", ["LIMBO"], None, [Role.OFFICER]),  # keeps the state: no way out
    }
    lifecycle = Lifecycle("widget", "widgets", tuple(Limbo.values), steps)
    specs = {("widgets", "finish"): ActionSpec("widgets", "finish", steps["finish"], object)}
    specs[("widgets", "note")] = ActionSpec("widgets", "note", steps["note"], object)
    return lifecycle, specs


def test_a_state_without_a_way_out_fails_the_rule():
    lifecycle, specs = _synthetic()
    terminal = {("widget", "DONE"): "done"}
    assert stuck([lifecycle], specs=specs, terminal=terminal, automatic={}) == [
        "widget FORMLESS",
        "widget MACHINE",
        "widget LIMBO",
    ]
    automatic = {("widget", "MACHINE", "sweep"): ("some_sweep", "by law")}
    assert stuck([lifecycle], specs=specs, terminal=terminal, automatic=automatic) == [
        "widget FORMLESS",
        "widget LIMBO",
    ]
    # A terminal state not declared is a state without a way out too.
    assert "widget DONE" in stuck([lifecycle], specs=specs, terminal={}, automatic=automatic)


def test_a_state_added_to_the_record_table_without_a_step_fails_the_rule():
    record = next(lc for lc in LIFECYCLES if lc.name == "record")
    with_limbo = dataclasses.replace(record, states=(*record.states, "ON_HOLD"))
    assert stuck([with_limbo]) == ["record ON_HOLD"]
    # Taking the approver's 退回 and 不予认定 forms away leaves PROPOSED only its approval
    # (a proposal without measures could not pass it): the rule still holds on the table,
    # and fails when the approval is gone too.
    specs = {k: v for k, v in SPECS.items() if k[0] != "cases" or k[1] not in {"return-proposal", "dismiss"}}
    assert stuck([record], specs=specs) == []
    specs.pop(("cases", "approve-pre-notice"))
    assert stuck([record], specs=specs) == ["record PROPOSED"]
