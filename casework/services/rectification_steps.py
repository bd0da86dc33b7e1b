"""The rectification's two step machines (the order and each numbered item), shared by
the use cases in rectification.py, rectification_review.py and rectification_extension.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .. import queries
from ..lifecycle import ITEM_STEPS, RECTIFICATION_STEPS, ItemState, RectificationState
from ..models import Rectification, RectificationItem
from .steps import Machine


@dataclass(frozen=True)
class _ScopedMachine(Machine):
    """A machine whose objects are visible through a casework.queries function (a draft
    rectification is the commission's own until it is served)."""

    scope: str = ""

    def visible(self, acting_user):
        if acting_user is None:
            return self.model.objects.all()
        return getattr(queries, self.scope)(acting_user)


RECTIFICATION = _ScopedMachine(
    Rectification,
    RECTIFICATION_STEPS,
    RectificationState,
    "record",
    gettext_lazy("整改不存在或您无权查看。"),
    scope="visible_rectifications",
)
ITEM = _ScopedMachine(
    RectificationItem,
    ITEM_STEPS,
    ItemState,
    "rectification__record",
    gettext_lazy("整改事项不存在或您无权查看。"),
    scope="visible_rectification_items",
)


def numbers(items: Iterable[RectificationItem]) -> str:
    """“1、3”: item numbers as a message names them."""
    return "、".join(str(item.number) for item in items)
