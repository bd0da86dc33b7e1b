"""The rectification's two step machines (the order and each numbered item), shared by
the use cases in rectification.py, rectification_review.py and rectification_extension.py."""

from __future__ import annotations

from collections.abc import Iterable

from ... import kinds
from ...models import RectificationItem

# A draft rectification is the commission's own until it is served: each kind declares
# its own visibility (casework.queries).
RECTIFICATION = kinds.RECTIFICATION
ITEM = kinds.ITEM


def numbers(items: Iterable[RectificationItem]) -> str:
    """“1、3”: item numbers as a message names them."""
    return "、".join(str(item.number) for item in items)
