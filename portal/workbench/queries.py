"""The workbench's reads beyond the caseload (oversight.statistics.caseload): the case list
sorted by next time limit, walked through the deadline index."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework import rules
from casework.models import Record
from casework.queries import visible_deadlines
from portal import paging


class NextDueSource:
    """The case list sorted by next time limit, for keyset pages (portal.paging).

    `next_due` is a per-row sub-query, which PostgreSQL can only sort by computing it for
    every visible case. Walking the user's running time limits through the index on
    (due_on, record_id) instead, and keeping each case's earliest one (an anti-join), yields
    the cases in the same order and stops after a page. The cases with nothing running
    follow, by id."""

    def __init__(self, records: QuerySet[Record], *, user, today: dt.date, descending: bool):
        self.records = records
        self.running = visible_deadlines(user).filter(rules.running(today))
        self.descending = descending
        self.keys = (
            paging.Key("next_due", descending=descending, nullable=True, kind=dt.date),
            paging.Key("pk", descending=descending),
        )

    def fetch(self, position: tuple | None, backwards: bool, limit: int) -> list:
        segments = [self._due, self._nothing_due]
        if backwards:
            segments.reverse()
        if position is not None and (position[0] is None) != backwards:
            # A position in the segment that comes second in this direction: start there.
            segments = segments[1:]
        rows: list = []
        for segment in segments:
            rows += segment(position, backwards, limit - len(rows))
            position = None
            if len(rows) >= limit:
                break
        return rows

    def _due(self, position: tuple | None, backwards: bool, limit: int) -> list:
        if position is not None and position[0] is None:
            position = None  # coming back from the cases with nothing due: from the end
        keys = (
            paging.Key("due_on", descending=self.descending, kind=dt.date),
            paging.Key("record_id", descending=self.descending),
        )
        earlier = self.running.filter(record=OuterRef("record_id")).filter(
            Q(due_on__lt=OuterRef("due_on")) | Q(due_on=OuterRef("due_on"), pk__lt=OuterRef("pk"))
        )
        walk = self.running.filter(record__in=self.records.order_by().values("pk")).filter(~Exists(earlier))
        if position is not None:
            walk = walk.filter(paging.beyond(keys, position, backwards))
        ids = list(
            walk.order_by(*paging.ordering(keys, backwards)).values_list("record_id", flat=True)[:limit]
        )
        return paging.in_order(self.records, ids)

    def _nothing_due(self, position: tuple | None, backwards: bool, limit: int) -> list:
        rows = self.records.filter(has_running=False)
        source = paging.QuerysetSource(rows, self.keys[1:], by_pk=True)
        return source.fetch(None if position is None else position[1:], backwards, limit)
