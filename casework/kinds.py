"""Every lifecycle object kind, declared once: its model, its state table, the path to its
record, who sees it, who may attach files to it, and the names the portal, the audit
trail and the OpenAPI schema know it by.

Everything else is derived from these declarations: the step machine
(casework.services.steps), the attachment policy, the flows' lookups, the portal's
kinds and URLs, the timeline, and the schema's enum names. An app above casework
declares its own kinds in its own `kinds` module (notices.kinds) with `register`; every
installed app's `kinds` module is imported the first time the kinds are read.

The declarations name models and queries by dotted path, not by import: the settings
(config.settings.rest) read them before any model is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, reduce

from django.apps import apps
from django.db import models
from django.utils.module_loading import autodiscover_modules, import_string
from django.utils.translation import gettext_lazy as _

from .lifecycle import (
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
    RequestState,
    Step,
)
from .roles import Role


@dataclass(frozen=True, eq=False)  # one object per kind: compared and hashed by identity
class ObjectKind:
    """One kind of case object. It is also the step machine its services run on
    (casework.services.steps.perform): find it among what a user may see, lock it, and
    name its audit entries."""

    name: str  # its key here, and the flows' and the API's word for it
    model_label: str  # "app_label.Model"
    states: type[models.TextChoices]
    steps: Mapping[str, Step] = field(default_factory=dict)
    record_path: str = "record"  # from the object to its record; "" for the record itself
    audit_prefix: str = ""  # its steps' audit actions are "<prefix>.<step>"; "": the bare step
    slug: str = ""  # the portal's /work/<slug>/<pk>/; "": no pages of its own
    not_found: str = _("对象不存在或您无权查看。")
    #: Dotted path of `(*, user) -> QuerySet`: its own visibility rule; "": its record's.
    visible_query: str = ""
    #: Dotted path and id keyword of the query that loads one for a reader (prefetching what
    #: its pages show); "": `visible_query` and the primary key.
    fetch: tuple[str, str] | tuple[()] = ()
    state_path: str = "state"  # where its state is: a decision's is its case's
    openapi_enum: str = ""  # the schema's name of its state choices
    attach_roles: tuple[str, ...] = ()  # who may attach files to it (none: it takes no files)
    #: How the case timeline names it: "kind" (its verbose name), "name" (its own: a
    #: notice's title), or "kind name" (a numbered item).
    timeline_about: str = "kind"
    #: Steps no page offers, and steps no flow queues, each with the reason why.
    not_offered: Mapping[str, str] = field(default_factory=dict)
    not_queued: Mapping[str, str] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def record_of(self, obj):
        return reduce(getattr, self.record_path.split("__"), obj) if self.record_path else obj

    def audit_action(self, step: str) -> str:
        """The action of the audit entry of `step` on one of its objects."""
        return f"{self.audit_prefix}.{step}" if self.audit_prefix else step

    def state_of(self, obj) -> str:
        return reduce(getattr, self.state_path.split("__"), obj)

    def visible(self, acting_user) -> models.QuerySet:
        """The objects `acting_user` may see (None: the system, which sees all)."""
        if acting_user is None:
            return self.model.objects.all()
        if self.visible_query:
            return _imported(self.visible_query)(user=acting_user)
        from .permissions import record_scope, visible_records

        if not self.record_path:
            return visible_records(acting_user)
        # A join on its record, not `record IN (SELECT …)`: it nests inside others' filters.
        return self.model.objects.filter(record_scope(acting_user, f"{self.record_path}__"))

    def get(self, acting_user, pk: int, *, lock: bool):
        """One object among those the user may see (locked when asked), or NotFoundError."""
        qs = self.visible(acting_user)
        if lock:
            qs = qs.select_for_update(of=("self",))
        return self._one(qs, pk)

    def get_for_reader(self, user, pk: int):
        """The object as its pages show it; NotFoundError when hidden, as when missing."""
        if not self.fetch:
            return self.get(user, pk, lock=False)
        path, id_name = self.fetch
        return _imported(path)(user=user, **{id_name: pk})

    @property
    def id_keyword(self) -> str:
        """The keyword naming one object to its reader's query and to its services."""
        if not self.fetch:
            raise AttributeError(f"{self.name} declares no reader query")
        return self.fetch[1]

    def _one(self, qs, pk):
        from .errors import NotFoundError

        try:
            return qs.get(pk=pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFoundError(str(self.not_found), code="not_found") from None


@cache
def _imported(path: str):
    return import_string(path)


_Q = "casework.queries."
_STAFF = (Role.OFFICER, Role.APPROVER)
_SUBJECT = (Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.CIVIL_SERVANT)
_SWEEP = "Taken by the scheduler's sweeps, never by a person."
_CASCADE = "Taken by the system when the record is revoked."

RECORD = ObjectKind(
    "record",
    "casework.Record",
    RecordState,
    RECORD_STEPS,
    record_path="",
    slug="cases",
    not_found=_("失信记录不存在或您无权查看。"),
    fetch=(_Q + "record_get", "record_id"),
    openapi_enum="RecordStateEnum",
    # Case documents from the commission; the subject's own papers before they become an
    # objection's grounds or a repair application's proof (those services re-own them).
    attach_roles=(*_STAFF, *_SUBJECT),
    not_offered={
        "expire": _SWEEP,
        "repair": "Taken by granting a repair application (repairs: grant).",
        "reinstate": "Taken by revoking a granted repair (repairs: revoke).",
    },
    not_queued={
        "dismiss": "The approver's at any time before the determination: no state waits for it.",
        "return_proposal": "The other outcome of the approval task (approve_pre_notice).",
        "amend_proposal": "A correction the officer may make at any time: no state waits for it.",
        "submit_defence": "The subject's right, not a duty: nobody must do it.",
        "amend": "A correction at any time: no state waits for it.",
        "revoke": "Follows an objection's decision or the source decision falling: no state waits for it.",
        "repair": "Taken by the grant of a repair application (its own flow).",
        "reinstate": "Taken by the revocation of a repair (its own flow).",
        "expire": _SWEEP,
        "archive": "Archiving is the sweeps' (or the officer's at any time).",
    },
)
OBJECTION = ObjectKind(
    "objection",
    "casework.Objection",
    ObjectionState,
    OBJECTION_STEPS,
    audit_prefix="objection",
    slug="objections",
    not_found=_("异议不存在或您无权查看。"),
    fetch=(_Q + "objection_get", "objection_id"),
    openapi_enum="ObjectionStateEnum",
    attach_roles=(Role.OFFICER, *_SUBJECT),
    not_queued={
        "request_supplement": "Another outcome of the acceptance task (accept).",
        "refuse": "Another outcome of the acceptance task (accept).",
        "extend": "An extension within the decision task (decide).",
    },
)
RECTIFICATION = ObjectKind(
    "rectification",
    "casework.Rectification",
    RectificationState,
    RECTIFICATION_STEPS,
    audit_prefix="rectification",
    slug="rectifications",
    not_found=_("整改不存在或您无权查看。"),
    visible_query=_Q + "visible_rectifications",
    fetch=(_Q + "rectification_get", "rectification_id"),
    openapi_enum="RectificationStateEnum",
    # The unit's 情况说明 / 整改报告 (DOMAIN §6.3).
    attach_roles=(Role.UNIT_LIAISON, Role.UNIT_HEAD),
    not_offered={
        "accept": "Concluded by the review form (review) once every item is accepted.",
        "escalate": _SWEEP,
        "close_moot": _CASCADE,
    },
    not_queued={
        "return_items": "An outcome of the review task (review: its items one by one).",
        "accept": "An outcome of the review task (review: its items one by one).",
        "escalate": _SWEEP,
        "close_moot": _CASCADE,
    },
)
ITEM = ObjectKind(
    "item",
    "casework.RectificationItem",
    ItemState,
    ITEM_STEPS,
    record_path="rectification__record",
    audit_prefix="rectificationitem",
    slug="items",
    timeline_about="kind name",
    not_found=_("整改事项不存在或您无权查看。"),
    visible_query=_Q + "visible_rectification_items",
    fetch=(_Q + "rectification_item_get", "item_id"),
    openapi_enum="RectificationItemStateEnum",
    attach_roles=(Role.UNIT_LIAISON,),  # each item's evidence (DOMAIN §6.3)
    not_offered={
        "submit": "Submitted with the order's report (rectifications: submit).",
        "accept": "Decided on the order's review form (rectifications: review).",
        "return_": "Decided on the order's review form (rectifications: review).",
        "mark_overdue": _SWEEP,
        "urge": _SWEEP,
        "escalate": _SWEEP,
        "close_moot": _CASCADE,
    },
    not_queued={
        "submit": "Done within the order's task (submit).",
        "return_": "Done within the order's task (review).",
        "mark_overdue": _SWEEP,
        "urge": _SWEEP,
        "escalate": _SWEEP,
        "close_moot": _CASCADE,
    },
)
EXTENSION = ObjectKind(
    "extension",
    "casework.ExtensionRequest",
    RequestState,
    record_path="item__rectification__record",
    audit_prefix="extensionrequest",
    slug="extensions",
    visible_query=_Q + "visible_extension_requests",
    not_found=_("延期申请不存在或您无权查看。"),
    fetch=(_Q + "extension_request_get", "request_id"),
    openapi_enum="ExtensionRequestStateEnum",
)
ACCOUNTABILITY = ObjectKind(
    "accountability",
    "casework.Accountability",
    AccountabilityState,
    ACCOUNTABILITY_STEPS,
    audit_prefix="accountability",
    slug="accountability",
    not_found=_("责任追究案件不存在或您无权查看。"),
    visible_query=_Q + "visible_accountabilities",
    fetch=(_Q + "accountability_get", "accountability_id"),
    openapi_enum="AccountabilityStateEnum",
    attach_roles=(*_STAFF, Role.HR_ADMIN),
    not_queued={"appeal": "The sanctioned person's right, not a duty: nobody must do it."},
)
# A decision and an appeal have no state of their own: their case's state says.
SANCTION = ObjectKind(
    "sanction",
    "casework.Sanction",
    AccountabilityState,
    record_path="accountability__record",
    slug="sanctions",
    visible_query=_Q + "sanction_list",
    fetch=(_Q + "sanction_get", "sanction_id"),
    state_path="accountability__state",
)
APPEAL = ObjectKind(
    "appeal",
    "casework.Appeal",
    AccountabilityState,
    record_path="sanction__accountability__record",
    slug="appeals",
    visible_query=_Q + "visible_appeals",
    fetch=(_Q + "appeal_get", "appeal_id"),
    state_path="sanction__accountability__state",
)
REPAIR = ObjectKind(
    "repair",
    "casework.RepairApplication",
    RepairState,
    REPAIR_STEPS,
    audit_prefix="repairapplication",
    slug="repairs",
    not_found=_("信用修复申请不存在或您无权查看。"),
    fetch=(_Q + "repair_get", "application_id"),
    openapi_enum="RepairStateEnum",
    not_offered={"accept": "The system accepts an application on filing (DOMAIN §6.5)."},
    attach_roles=(*_STAFF, *_SUBJECT),
    not_queued={
        "extend": "An extension within the decision task (decide).",
        "refuse": "An outcome of the decision task (decide).",
        "revoke": "Revoking a repair happens at any time: no state waits for it.",
    },
)

_KINDS: dict[str, ObjectKind] = {}


def register(*kinds: ObjectKind) -> None:
    """Declare kinds of another app (from its `kinds` module); a name is declared once."""
    for kind in kinds:
        if _KINDS.get(kind.name, kind) is not kind:
            raise ValueError(f"object kind {kind.name!r} is declared twice")
        _KINDS[kind.name] = kind


register(RECORD, OBJECTION, RECTIFICATION, ITEM, EXTENSION, ACCOUNTABILITY, SANCTION, APPEAL, REPAIR)

#: This app's own kinds: all the settings may read (the other apps' are not loaded yet).
CASEWORK_KINDS: tuple[ObjectKind, ...] = tuple(_KINDS.values())


@cache
def all_kinds() -> tuple[ObjectKind, ...]:
    """Every declared kind, of every installed app."""
    apps.check_apps_ready()
    autodiscover_modules("kinds")
    return tuple(_KINDS.values())


def kind_named(name: str) -> ObjectKind:
    all_kinds()
    return _KINDS[name]


def kind_of_model(model: type[models.Model]) -> ObjectKind | None:
    return next((kind for kind in all_kinds() if kind.model is model), None)


def kind_of(obj) -> ObjectKind | None:
    return kind_of_model(type(obj))


def openapi_enum_names(kinds=CASEWORK_KINDS) -> dict[str, str]:
    """The schema's name of each kind's state choices (drf-spectacular ENUM_NAME_OVERRIDES)."""
    return {k.openapi_enum: f"{k.states.__module__}.{k.states.__qualname__}" for k in kinds if k.openapi_enum}
