"""Every action a page may offer on a case object: the API endpoint whose POST is the service
call, its input serializer, and the lifecycle step that says who may take it and from which
states (casework.lifecycle, notices.lifecycle; for what creates an object, the services' own
steps with the record states they accept).

Nothing here decides a rule: a spec names the service's own guards (casework.guards), the
portal asks them, and the service checks everything again. A step without an endpoint (the
sweeps, the system's steps) has no spec and is never offered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.api import accountability as acc_api
from casework.api import accountability_serializers as acc_s
from casework.api import attachments as att_api
from casework.api import objection_serializers as obj_s
from casework.api import objections as obj_api
from casework.api import rectification as rect_api
from casework.api import rectification_serializers as rect_s
from casework.api import repair as repair_api
from casework.api import repair_serializers as repair_s
from casework.api.serializers import EmptyInput
from casework.api.urls import STEPS as RECORD_VIEWS
from casework.guards import Guard, own_case, own_proposal, own_rectification_draft
from casework.lifecycle import (
    ACCOUNTABILITY_STEPS,
    ITEM_STEPS,
    OBJECTION_STEPS,
    RECORD_IN_FORCE,
    RECORD_STANDING,
    RECORD_STEPS,
    RECTIFICATION_STEPS,
    REPAIR_STEPS,
    RecordState,
    Step,
)
from casework.models import Record, RectificationItem
from casework.models.rectification import RequestState
from casework.services import accountability as acc_svc
from casework.services import objections as obj_svc
from casework.services import records as record_svc
from casework.services import rectification as rect_svc
from casework.services import repair as repair_svc
from casework.services.accountability.appeals import filer_refusal
from casework.services.attachments import POLICIES
from casework.services.objections import FILE_STEP
from casework.services.rectification import extension as ext_svc
from casework.services.rectification import review as review_svc
from casework.services.repair import APPLY_STEP
from notices import api as notice_api
from notices import guards as notice_guards
from notices import service_steps
from notices.lifecycle import NOTICE_STEPS

S = RecordState
FORMS = "portal/cases/forms/"


@dataclass(frozen=True)
class ActionSpec:
    kind: str  # the object's kind in /work/<kind>/<pk>/act/<slug>/
    slug: str  # the API endpoint's slug
    step: Step  # the roles that may take it, the states of the object it leaves from
    view: type  # the API view whose POST does it
    serializer: type[serializers.Serializer] | None = None  # default: the view's input_serializer
    label: str = ""  # default: the step's label
    creates: bool = False  # makes a new object hanging off this one
    danger: bool = False  # ends or undoes something: set apart on the page
    when: Callable[[object], bool] | None = None  # a further condition for offering it
    who: Guard | None = None  # the service's guard of who may, instead of the step's roles
    guard: Guard | None = None  # the service's guard beyond role and state: (user, obj)
    state: Guard | None = None  # the service's own wording of the states it leaves from
    first: Guard | None = None  # what the service refuses before who may (its own state check)
    template: str = ""  # a hand-written form (default: generated from the input serializer)

    @property
    def title(self) -> str:
        return str(self.label or self.step.label)

    @property
    def input(self) -> type[serializers.Serializer]:
        return self.serializer or getattr(self.view, "input_serializer", None) or EmptyInput


def _from(step: Step, sources, **changes) -> Step:
    """`step` leaving from `sources` (a create has no states of its own: its record's)."""
    return dataclasses.replace(step, sources=tuple(sources), **changes)


def _table(kind: str, table: dict[str, Step], views: dict, *, danger=(), templates=None) -> list:
    """One spec per endpoint of a step table (slugs are step names with dashes)."""
    templates = templates or {}
    return [
        ActionSpec(
            kind,
            slug,
            table[slug.replace("-", "_")],
            view,
            danger=slug in danger,
            template=templates.get(slug, ""),
        )
        for slug, view in views.items()
        if slug.replace("-", "_") in table
    ]


# ── the record (kind "cases") and what hangs off it ─────────────────────────────────

#: The record states in which its case file takes files: the attachment policy's (whose
#: guard refuses the others), so every state where the policy has none.
ATTACHABLE = tuple(S)


def _record_specs() -> list[ActionSpec]:
    return [
        *_table(
            "cases",
            RECORD_STEPS,
            RECORD_VIEWS,
            danger={"dismiss", "revoke", "archive"},
        ),
        ActionSpec(
            "cases",
            "serve-pre-notice",
            RECORD_STEPS["serve_pre_notice"],
            notice_api.NoticeServeApi,
            notice_api.ServeNoticesInput,
            when=lambda record: bool(service_steps.servable(record, "serve_pre_notice")),
        ),
        ActionSpec(
            "cases",
            "objection",
            _from(FILE_STEP, RECORD_STANDING),
            obj_api.RecordObjectionsApi,
            obj_s.FileObjectionInput,
            creates=True,
        ),
        ActionSpec(
            "cases",
            "repair",
            _from(APPLY_STEP, [S.EFFECTIVE]),
            repair_api.RecordRepairsApi,
            repair_s.RepairApplyInput,
            creates=True,
        ),
        ActionSpec(
            "cases",
            "rectification",
            _from(rect_svc.DRAFT, RECORD_IN_FORCE),
            rect_api.RecordRectificationsApi,
            rect_s.RectificationDraftInput,
            creates=True,
        ),
        ActionSpec(
            "cases",
            "accountability",
            acc_svc.INITIATE_STEP,
            acc_api.RecordAccountabilityApi,
            acc_s.AccountabilityInitiateInput,
            creates=True,
        ),
        ActionSpec(
            "cases",
            "obligations-fulfilled",
            repair_svc.FULFILLED_STEP,
            repair_api.ObligationsFulfilledApi,
            repair_s.ObligationsFulfilledInput,
        ),
        ActionSpec(
            "cases",
            "attachment",
            _from(POLICIES[Record].step, ATTACHABLE),
            att_api.RecordAttachmentsApi,
            att_api.AttachmentUploadInput,
            creates=True,
        ),
        ActionSpec(
            "cases",
            "notice",
            _from(NOTICE_STEPS["draft"], list(S)),
            notice_api.NoticeListApi,
            notice_api.DraftInput,
            label=_("拟制文书"),
            creates=True,
        ),
    ]


# ── sub-processes ─────────────────────────────────────────────────────────────────


def _rectification_specs() -> list[ActionSpec]:
    explain = _from(rect_svc.EXPLAIN, RECTIFICATION_STEPS["submit"].sources)
    review = _from(RECTIFICATION_STEPS["return_items"], [rect_svc.RS.REVIEWING])
    views = rect_api.STEPS
    # What the head signs and the liaison submits: every item and its evidence, on the form.
    report = "portal/unit/report_action.html"
    return [
        *_table(
            "rectifications", RECTIFICATION_STEPS, views, templates={"sign-off": report, "submit": report}
        ),
        ActionSpec("rectifications", "explanation", explain, views["explanation"]),
        ActionSpec(
            "rectifications",
            "review",
            review,
            views["review"],
            label=_("审核整改事项"),
            template=FORMS + "rectification_review.html",
        ),
    ]


def _may_extend(item) -> bool:
    # From the item's extensions as read (the case page prefetches them): no query per item.
    return not item.extension_used and all(x.state != RequestState.PENDING for x in item.extensions.all())


def _item_specs() -> list[ActionSpec]:
    sources = ITEM_STEPS["submit"].sources
    return [
        ActionSpec(
            "items",
            "evidence",
            _from(POLICIES[RectificationItem].step, sources),
            rect_api.ItemEvidenceApi,
            att_api.AttachmentFileInput,
            label=_("上传整改材料"),
            creates=True,
        ),
        ActionSpec(
            "items",
            "extension",
            _from(ext_svc.REQUEST, sources),
            rect_api.ItemExtensionApi,
            rect_s.ExtensionRequestInput,
            when=_may_extend,
        ),
    ]


def _accountability_specs() -> list[ActionSpec]:
    return [
        *_table(
            "accountability",
            ACCOUNTABILITY_STEPS,
            acc_api.STEPS,
            danger={"close"},
        ),
        ActionSpec(
            "sanctions",
            "appeal",
            ACCOUNTABILITY_STEPS["appeal"],
            acc_api.SanctionAppealApi,
            acc_s.SanctionAppealInput,
            creates=True,
        ),
        ActionSpec(
            "appeals",
            "decide",
            ACCOUNTABILITY_STEPS["decide_appeal"],
            acc_api.AppealDecideApi,
            acc_s.AppealDecideInput,
            when=lambda appeal: not appeal.outcome,
        ),
    ]


def _notice_specs() -> list[ActionSpec]:
    views = {
        "approve": notice_api.NoticeApproveApi,
        "issue": notice_api.NoticeIssueApi,
        "void": notice_api.NoticeVoidApi,
    }
    serve = ActionSpec(
        "notices",
        "serve",
        NOTICE_STEPS["serve"],
        notice_api.NoticeServeApi,
        notice_api.ServeNoticesInput,
    )
    return [*_table("notices", NOTICE_STEPS, views, danger={"void"}), serve]


def _all() -> dict[tuple[str, str], ActionSpec]:
    specs = [
        *_record_specs(),
        *_table("objections", OBJECTION_STEPS, obj_api.STEPS, danger={"refuse"}),
        *_rectification_specs(),
        *_item_specs(),
        ActionSpec(
            "extensions",
            "decide",
            _from(ext_svc.DECIDE, [RequestState.PENDING]),
            rect_api.DecideExtensionApi,
            rect_s.ExtensionDecisionInput,
        ),
        *_accountability_specs(),
        *_table("repairs", REPAIR_STEPS, repair_api.STEPS, danger={"refuse", "revoke"}),
        *_notice_specs(),
    ]
    return {(s.kind, s.slug): _guarded(_served_by_notice(s)) for s in specs}


def _policy_guard(model) -> Guard:
    return lambda user, owner: POLICIES[model].guard(owner)


#: The service's own guard of a step, beyond the step's roles and states: the refusal the
#: service raises (casework.guards, the services' `*_refusal`, notices.guards).
GUARDS: dict[tuple[str, str], Guard] = {
    ("cases", "approve-pre-notice"): own_proposal,
    ("cases", "determine"): record_svc.determine_refusal,
    ("cases", "answer-defence"): lambda user, record: record_svc.answer_defence_refusal(record),
    ("cases", "submit-defence"): lambda user, record: record_svc.submit_defence_refusal(
        record, acting_user=user
    ),
    ("rectifications", "issue"): own_rectification_draft,
    ("accountability", "decide"): own_case,
    ("notices", "approve"): notice_guards.own_draft,
    ("notices", "void"): notice_guards.void_issued,
}
#: Who may take a step, where the service's guard decides rather than the step's roles.
WHO: dict[tuple[str, str], Guard] = {
    ("sanctions", "appeal"): filer_refusal,
    ("cases", "accountability"): acc_svc.initiator_refusal,
    ("cases", "obligations-fulfilled"): repair_svc.fulfilled_refusal,
    ("rectifications", "review"): review_svc.reviewer_refusal,
}
#: The states a step leaves from, where the service says it in its own words.
STATE: dict[tuple[str, str], Guard] = {
    ("cases", "objection"): lambda user, record: obj_svc.file_state_refusal(record),
    # The pending application is left to the service: asking costs a query per listed record.
    ("cases", "repair"): lambda user, record: repair_svc.apply_state_refusal(record),
    ("cases", "rectification"): lambda user, record: rect_svc.new_order_refusal(record),
    ("cases", "accountability"): lambda user, record: acc_svc.initiate_state_refusal(record),
    ("cases", "obligations-fulfilled"): lambda user, record: repair_svc.fulfilled_state_refusal(record),
    ("notices", "serve"): lambda user, notice: notice_guards.servable_refusal(notice),
    ("cases", "attachment"): _policy_guard(Record),
    ("items", "evidence"): _policy_guard(RectificationItem),
}
#: What a service refuses before asking who may, in its own words.
FIRST: dict[tuple[str, str], Guard] = {
    ("rectifications", "review"): lambda user, order: review_svc.review_state_refusal(order),
}


def _guarded(spec: ActionSpec) -> ActionSpec:
    key = (spec.kind, spec.slug)
    return dataclasses.replace(
        spec, guard=GUARDS.get(key), who=WHO.get(key), state=STATE.get(key), first=FIRST.get(key)
    )


#: The service steps of a sub-process that the service of its notice records.
NOTICE_SERVED = frozenset(
    {("cases", "serve"), ("rectifications", "serve"), ("objections", "serve"), ("accountability", "serve")}
)


def _served_by_notice(spec: ActionSpec) -> ActionSpec:
    """A service the notice's service records (notices.service_steps) is offered while the
    notice is issued (the form then serves it), or while no such notice is on its way (the
    service typed in, where the system issues none); not while the notice is being prepared."""
    if (spec.kind, spec.slug) not in NOTICE_SERVED:
        return spec

    def when(obj) -> bool:
        step = spec.step.name
        return bool(service_steps.servable(obj, step)) or service_steps.waiting(obj, step) is None

    return dataclasses.replace(spec, when=when)


SPECS: dict[tuple[str, str], ActionSpec] = _all()


def specs_for(kind: str) -> list[ActionSpec]:
    return [spec for (k, _slug), spec in SPECS.items() if k == kind]


def spec_for(kind: str, slug: str) -> ActionSpec | None:
    return SPECS.get((kind, slug))
