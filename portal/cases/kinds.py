"""The kinds of case object the pages act on (`/work/<kind>/<pk>/act/<step>/`): how each is
found among what the user may see (the API's own queries: a hidden object is a 404), its
record, and the state its steps leave from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.http import Http404

from casework import queries
from casework.errors import NotFoundError
from casework.lifecycle import (
    AccountabilityState,
    ItemState,
    ObjectionState,
    RecordState,
    RectificationState,
    RepairState,
)
from casework.models import (
    Accountability,
    Appeal,
    ExtensionRequest,
    Objection,
    Record,
    Rectification,
    RectificationItem,
    RepairApplication,
    Sanction,
)
from casework.models.rectification import RequestState
from notices import queries as notice_queries
from notices.lifecycle import NoticeState
from notices.models import Notice


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    get: Callable  # (user, pk) -> object, or NotFoundError
    record: Callable  # object -> its Record (None for a case opened without one)
    states: type[models.TextChoices]
    state: Callable = lambda obj: obj.state

    def state_label(self, obj) -> str:
        state = self.state(obj)
        try:
            return str(self.states(state).label)
        except ValueError:
            return state


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind(
            "cases", Record, lambda u, pk: queries.record_get(user=u, record_id=pk), lambda o: o, RecordState
        ),
        Kind(
            "objections",
            Objection,
            lambda u, pk: queries.objection_get(user=u, objection_id=pk),
            lambda o: o.record,
            ObjectionState,
        ),
        Kind(
            "rectifications",
            Rectification,
            lambda u, pk: queries.rectification_get(user=u, rectification_id=pk),
            lambda o: o.record,
            RectificationState,
        ),
        Kind(
            "items",
            RectificationItem,
            lambda u, pk: queries.rectification_item_get(user=u, item_id=pk),
            lambda o: o.rectification.record,
            ItemState,
        ),
        Kind(
            "extensions",
            ExtensionRequest,
            lambda u, pk: queries.extension_request_get(user=u, request_id=pk),
            lambda o: o.item.rectification.record,
            RequestState,
        ),
        Kind(
            "accountability",
            Accountability,
            lambda u, pk: queries.accountability_get(user=u, accountability_id=pk),
            lambda o: o.record,
            AccountabilityState,
        ),
        # A decision and an appeal have no state of their own: their case's state says.
        Kind(
            "sanctions",
            Sanction,
            lambda u, pk: queries.sanction_get(user=u, sanction_id=pk),
            lambda o: o.accountability.record,
            AccountabilityState,
            lambda o: o.accountability.state,
        ),
        Kind(
            "appeals",
            Appeal,
            lambda u, pk: queries.appeal_get(user=u, appeal_id=pk),
            lambda o: o.sanction.accountability.record,
            AccountabilityState,
            lambda o: o.sanction.accountability.state,
        ),
        Kind(
            "repairs",
            RepairApplication,
            lambda u, pk: queries.repair_get(user=u, application_id=pk),
            lambda o: o.record,
            RepairState,
        ),
        Kind(
            "notices",
            Notice,
            lambda u, pk: notice_queries.notice_get(user=u, notice_id=pk),
            lambda o: o.record,
            NoticeState,
        ),
    ]
}
KIND_OF_MODEL = {k.model: k for k in KINDS.values()}


def kind_of(obj) -> Kind:
    return KIND_OF_MODEL[type(obj)]


def visible_object(user, kind: str, pk: int):
    """The object, if `user` may see it; otherwise 404, exactly like a missing id."""
    if kind not in KINDS:
        raise Http404
    try:
        return KINDS[kind].get(user, pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from None
