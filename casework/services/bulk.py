"""What the bulk actions of the commission's case list share: the user's selection split into
the records they may see and the ids that, for them, do not exist, and the answer they get.

An id the user may not see is reported exactly like an id that does not exist ("未找到"),
and nothing is done to it: a bulk action never confirms that a hidden case exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Record
from ..queries import record_list

#: More than a page of the case list would be a mistake, not a selection.
MAX_SELECTION = 200


@dataclass
class BulkResult:
    """`done`: references of the cases acted on; `skipped`: (reference, why) of visible cases
    with nothing to do; `not_found`: the ids as given that the user cannot see."""

    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    count: int = 0  # how many objects were changed (tasks assigned, deadlines reminded)


def select_records(*, user, record_ids: Iterable[int | str]) -> tuple[list[Record], list[str]]:
    """(the visible records among `record_ids`, in the order given; the other ids as given)."""
    given = list(dict.fromkeys(str(i).strip() for i in record_ids if str(i).strip()))
    if len(given) > MAX_SELECTION:
        raise DomainError(
            _("一次最多选择 %(n)s 个案件。") % {"n": MAX_SELECTION}, field="record_ids", code="too_many"
        )
    numbers = {i: int(i) for i in given if i.isdigit()}
    found = record_list(user=user).in_bulk(list(numbers.values()))
    records = [found[numbers[i]] for i in given if i in numbers and numbers[i] in found]
    missing = [i for i in given if numbers.get(i) not in found]
    return records, missing


def reference_of(record: Record) -> str:
    return record.reference or f"#{record.pk}"
