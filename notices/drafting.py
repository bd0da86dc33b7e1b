"""Notices drafted at the casework steps that call for them (DOMAIN §5.1, §6.2–6.5, §8.3
"produced at").

`draft_for_step` is the first thing `workflows.reactions.react` does after a step commits,
in the reaction's own transaction with the step's object locked. For a (model, step) of
`PRODUCED_AT` it drafts each notice named there, as the system, with the data snapshot of
the type's builder: the officer completes it, an approver approves it and it is issued (the
required fields are checked then, scenario 24). A replayed step (a retried reaction) drafts
nothing new (`produce`). A failure (a builder that cannot read the case) is not caught: the
reaction rolls back, stays pending and is retried; the step itself is done already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from casework import audit
from casework.language import official_language
from casework.lifecycle import RECORD_STEPS
from casework.models import (
    Accountability,
    ExtensionRequest,
    Objection,
    ObjectionOutcome,
    Record,
    Rectification,
    RepairApplication,
)
from casework.models.accountability import Track
from casework.services.accountability.sanctions import FORMS, PARTY_FORMS
from casework.services.steps import apply_step

from . import types
from .drafts import new_draft
from .lifecycle import NoticeState
from .models import Issuer, Notice
from .services import NOTICES, capture, finish_snapshot

logger = logging.getLogger(__name__)


def itself(obj) -> Iterable:
    return (obj,)


@dataclass(frozen=True)
class Produce:
    """Draft notice `code` about each object `about(obj)` returns (none: not this time),
    with `data` over the builder's data."""

    code: str
    about: Callable[[object], Iterable] = itself
    data: dict = field(default_factory=dict)


# ── when a step calls for a notice only in some cases ──────────────────────────────


def if_body(record: Record) -> Iterable:
    """N7 goes to a body (an organisation), not to a person (§8.3: "EFFECTIVE (body)")."""
    return (record,) if record.subject_organisation_id else ()


def unless_objection(record: Record) -> Iterable:
    """T10: an objection decided as 撤销 answers with its result notice (N6), any other
    revocation with the revocation notice (N21)."""
    return () if record.objections.filter(outcome=ObjectionOutcome.REVOKE).exists() else (record,)


def sanctions_in(track: str, forms: tuple) -> Callable[[Accountability], Iterable]:
    """One decision notice per person decided against in `forms`, on cases of `track`."""

    def about(case: Accountability) -> Iterable:
        if case.track != track:
            return ()
        return case.sanctions.filter(decision_type__in=forms).select_related("person__unit").order_by("pk")

    return about


def unit_recommendation(case: Accountability) -> Iterable:
    """问责 of a unit is for the body in charge of it: the commission recommends it (问责建议书,
    S15 Art 52(3)) when a 问责 case against a unit decides on nobody in person, as a case
    opened by an escalated rectification does."""
    if case.track == Track.PARTY and case.unit_id and not case.sanctions.exists():
        return (case,)
    return ()


# ── the table: (model, step) → the notices it calls for ─────────────────────────────

PRODUCED_AT: dict[tuple[type, str], tuple[Produce, ...]] = {
    # The record (§5.1)
    (Record, "approve_pre_notice"): (Produce("N1"),),  # T5 事前告知书
    (Record, "determine"): (Produce("N2"), Produce("N3")),  # T7 → served together at T8 (两书同达)
    (Record, "serve"): (Produce("N7", if_body),),  # EFFECTIVE (body): 书面说明原因
    (Record, "revoke"): (Produce("N21", unless_objection),),  # T10
    # Objections (§6.2): the builder picks 受理 / 不予受理 / 补正 from the objection's state.
    (Objection, "request_supplement"): (Produce("N4"),),
    (Objection, "accept"): (Produce("N4"),),
    (Objection, "refuse"): (Produce("N4"),),
    (Objection, "extend"): (Produce("N5"),),
    (Objection, "decide"): (Produce("N6"),),
    # Rectification (§6.3)
    (Rectification, "issue"): (Produce("N8"),),
    (Rectification, "return_items"): (Produce("N9"),),
    (ExtensionRequest, "decide_extension"): (Produce("N10"),),
    # N11 (整改逾期催办函): items are urged by a set-based sweep, not a step; their letters,
    # one per order, are drafted in bulk after it (notices.overdue_reminders, run by workflows.sweeps).
    (Rectification, "escalate"): (Produce("N12"),),  # 督办通知书 (约谈: the officer changes the variant)
    (Rectification, "accept"): (Produce("N13"),),
    # Accountability (§6.4), by track
    (Accountability, "decide"): (
        Produce("N14", sanctions_in(Track.SUPERVISORY, FORMS)),  # 政务处分决定书, per person
        Produce("N15", sanctions_in(Track.PARTY, PARTY_FORMS)),  # 问责决定书, per person
        Produce("N16", unit_recommendation, {"variant": "accountability"}),  # 问责建议书
        # APPOINTING: the 处分决定书 is the appointing body's own document, recorded, not issued
        # here; a 监察建议书 (N16 "supervisory") is the commission's choice, drafted by hand.
    ),
    # Credit repair (§6.5)
    (RepairApplication, "accept"): (Produce("N17"),),
    (RepairApplication, "grant"): (Produce("N18"),),
    (RepairApplication, "refuse"): (Produce("N19"),),  # on filing (ineligible) or after review
    (RepairApplication, "revoke"): (Produce("N20"),),
}


#: Types an app above drafts at its own steps, which casework does not know: the yearly
#: assessment's result (notices.addressed) and the complaint's answers
#: (exchange.complaints.feedback, at acceptance and when the lead closes). Named here so that
#: every type is accounted for.
PRODUCED_ABOVE: dict[str, str] = {
    "N24": "oversight.assessment: the year's results approved, one to each assessed unit",
    "N25": "exchange.complaints: a complaint accepted as a lead",
    "N26": "exchange.complaints: the lead of a complaint dismissed or determined",
}


#: (model, step) → the notice types whose open drafts of the record it voids, as the system,
#: with the step's reason: a proposal dismissed, returned or amended is no longer the one
#: its 事前告知书 describes. An issued one is the approver's to void (notice_void).
VOIDED_AT: dict[tuple[type, str], tuple[str, ...]] = {
    (Record, "dismiss"): ("N1",),
    (Record, "return_proposal"): ("N1",),
    (Record, "amend_proposal"): ("N1",),
}


def draft_for_step(obj, step: str, *, acting_user) -> None:
    """Void the drafts `step` makes stale (`VOIDED_AT`), then draft what it calls for."""
    if (type(obj), step) in VOIDED_AT:
        void_open_drafts(obj, VOIDED_AT[(type(obj), step)], step)
    for rule in PRODUCED_AT.get((type(obj), step), ()):
        for about in rule.about(obj):
            record = record_of(about)
            if record is not None:
                produce(rule.code, record, about, data=rule.data, acting_user=acting_user)


def record_of(obj) -> Record | None:
    if isinstance(obj, Record):
        return obj
    if isinstance(obj, ExtensionRequest):
        return obj.item.rectification.record
    if hasattr(obj, "accountability"):  # a Sanction
        return obj.accountability.record
    return obj.record  # None for an accountability case opened without a record


def void_open_drafts(record: Record, codes: tuple[str, ...], step: str) -> list[Notice]:
    """Void the DRAFT and APPROVED notices `codes` of `record`, in the step's transaction."""
    drafts = Notice.objects.select_for_update().filter(
        record=record, type_code__in=codes, state__in=[NoticeState.DRAFT, NoticeState.APPROVED]
    )
    entry = record.audit_entries.filter(action=step).order_by("-seq").first()
    with official_language():
        reason = f"{RECORD_STEPS[step].label}：{entry.reason if entry else ''}".rstrip("：")

    def change(notice: Notice) -> None:
        notice.voided_by, notice.voided_at, notice.void_reason = None, timezone.now(), reason

    return [
        apply_step(NOTICES, notice, audit.SYSTEM, step="void", change=change, reason=reason, capture=capture)
        for notice in drafts.order_by("pk")
    ]


# ── drafting ────────────────────────────────────────────────────────────────────────


def produce(code: str, record: Record, obj=None, *, data: dict | None = None, acting_user=None):
    """Draft notice `code` about `record` (and `obj`, its sub-process object) as the system.

    Lenient where notices.services.notice_draft is strict: the step already checked who may
    act, and the data may be incomplete (approval and issue check it, naming each missing
    field). Nothing is drafted (None) when an open draft of the same type and variant is
    already about the same object (a replayed step or retried reaction), or when no issuer
    is configured. A builder that fails makes the reaction fail, to be retried.

    Everything it writes (data snapshot, audit reason) is in the official language,
    whatever language the user whose step drafts it reads the site in.
    """
    with official_language():
        return _produce(code, record, obj, data=data, acting_user=acting_user)


def _produce(code: str, record: Record, obj, *, data: dict | None, acting_user):
    notice_type = types.get(code)
    issuer = _issuer(record, acting_user)
    if issuer is None:
        logger.warning("no active issuer: %s for record %s not drafted", code, record.pk)
        return None
    about = None if isinstance(obj, Record) else obj
    snapshot = finish_snapshot({**notice_type.build_data(record, about), **(data or {})}, issuer)
    if _open_draft_exists(code, record, about, snapshot.get("variant")):
        return None
    return new_draft(notice_type, record=record, about=about, issuer=issuer, data=snapshot, by=audit.SYSTEM)


def _issuer(record: Record, acting_user) -> Issuer | None:
    """The issuer of the unit that determined the record, else the acting user's, else the default."""
    active = Issuer.objects.filter(is_active=True)
    for organisation_id in (record.determining_unit_id, getattr(acting_user, "organisation_id", None)):
        issuer = active.filter(organisation_id=organisation_id).first() if organisation_id else None
        if issuer:
            return issuer
    return active.filter(is_default=True).first()


def _open_draft_exists(code: str, record: Record, about, variant) -> bool:
    drafts = Notice.objects.filter(
        record=record, type_code=code, state__in=[NoticeState.DRAFT, NoticeState.APPROVED]
    )
    if about is None:
        drafts = drafts.filter(content_type__isnull=True)
    else:
        drafts = drafts.filter(content_type=ContentType.objects.get_for_model(about), object_id=about.pk)
    return any(data.get("variant") == variant for data in drafts.values_list("data", flat=True))
