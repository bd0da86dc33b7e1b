"""The kinds of case object the pages act on (`/work/<kind>/<pk>/act/<step>/`), derived from
their declarations (casework.kinds): how each is found among what the user may see (the
API's own queries: a hidden object is a 404), its record, and the state its steps leave from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.http import Http404

from casework.errors import NotFoundError
from casework.kinds import ObjectKind, all_kinds


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    get: Callable  # (user, pk) -> object, or NotFoundError
    record: Callable  # object -> its Record
    states: type[models.TextChoices]
    state: Callable = lambda obj: obj.state

    def state_label(self, obj) -> str:
        state = self.state(obj)
        try:
            return str(self.states(state).label)
        except ValueError:
            return state


def _page_kind(kind: ObjectKind) -> Kind:
    return Kind(kind.slug, kind.model, kind.get_for_reader, kind.record_of, kind.states, kind.state_of)


KINDS: dict[str, Kind] = {kind.slug: _page_kind(kind) for kind in all_kinds() if kind.slug}
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
