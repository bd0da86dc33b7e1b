"""Keyset (cursor) pagination for the portal's long lists, and counts that stay cheap.

A page is "the rows after (or before) this row" in a stable order: each sort key, then the
primary key as the tiebreaker. The database seeks to the position through an index instead
of counting off an OFFSET, so the 200th page costs what the first does, and a row inserted
meanwhile neither repeats nor skips one on the next page.

The position travels in an opaque cursor: signed (django.core.signing) with a salt naming
the list and its sort, so a cursor cannot be edited, nor carried to another list or sort. A
cursor that does not verify gives the first page (never a 500); it only ever positions the
user's own, already scoped rows, so a crafted one reaches nothing the user may not see.

Counts: exact up to a cap (CHENGXIN_LIST_COUNT_CAP), "more than N" beyond it. Counting a
LIMIT N+1 sub-select stops after N+1 rows, whatever the table holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import QueryDict

#: The query-string parameter that carries the cursor.
CURSOR = "cursor"
#: The parameter of the page-numbered links this replaced: ignored (the first page).
OLD_PAGE = "page"


@dataclass(frozen=True)
class Key:
    """One sort key: a field or annotation of the rows, its direction and value type."""

    name: str
    descending: bool = False
    #: None sorts last in either direction.
    nullable: bool = False
    kind: type = int

    def value(self, row: Any) -> Any:
        return getattr(row, self.name)

    def dump(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value

    def load(self, value: Any) -> Any:
        if value is None:
            if not self.nullable:
                raise ValueError(self.name)
            return None
        if self.kind is dt.datetime:
            return dt.datetime.fromisoformat(value)
        if self.kind is dt.date:
            return dt.date.fromisoformat(value)
        if not isinstance(value, self.kind) or isinstance(value, bool):
            raise ValueError(self.name)
        return value


class Source(Protocol):
    """Where a paginator reads its rows: `keys` in order, the last one unique."""

    keys: Sequence[Key]

    def fetch(self, position: tuple | None, backwards: bool, limit: int) -> list: ...


def _after(key: Key, value: Any, backwards: bool) -> Q | None:
    """Rows strictly beyond `value` on this key, in the list's order (before it when
    `backwards`); None when there are none."""
    if backwards:
        if value is None:
            return Q(**{f"{key.name}__isnull": False})
        return Q(**{f"{key.name}__{'gt' if key.descending else 'lt'}": value})
    if value is None:
        return None
    beyond = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
    return beyond | Q(**{f"{key.name}__isnull": True}) if key.nullable else beyond


def _equal(key: Key, value: Any) -> Q:
    return Q(**{f"{key.name}__isnull": True}) if value is None else Q(**{key.name: value})


def beyond(keys: Sequence[Key], position: tuple, backwards: bool = False) -> Q:
    """The rows after `position` in the order of `keys` (before it when `backwards`)."""
    condition = Q(pk__in=[])
    prefix = Q()
    for key, value in zip(keys, position, strict=True):
        step = _after(key, value, backwards)
        if step is not None:
            condition |= prefix & step
        prefix &= _equal(key, value)
    first, value = keys[0], position[0]
    if value is not None and not first.nullable:
        # The leading key's bound on its own, so that the index on it is a range scan.
        towards = first.descending != backwards
        condition &= Q(**{f"{first.name}__{'lte' if towards else 'gte'}": value})
    return condition


def ordering(keys: Sequence[Key], backwards: bool = False) -> list:
    order = []
    for key in keys:
        descending = key.descending != backwards
        expression = F(key.name)
        if key.nullable:
            # Nulls last going forwards, so first going back.
            nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
            order.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
        else:
            order.append(expression.desc() if descending else expression.asc())
    return order


@dataclass
class QuerysetSource:
    """A queryset's rows in the order of `keys` (the last one unique, usually the pk).

    `by_pk`: find the page's primary keys first, then load those rows. For a queryset whose
    rows carry per-row sub-queries (annotations), PostgreSQL otherwise plans them for every
    row the filter lets through, as hashed sub-plans over whole tables, before the LIMIT."""

    queryset: QuerySet
    keys: Sequence[Key]
    by_pk: bool = False

    def fetch(self, position: tuple | None, backwards: bool, limit: int) -> list:
        rows = self.queryset
        if position is not None:
            rows = rows.filter(beyond(self.keys, position, backwards))
        rows = rows.order_by(*ordering(self.keys, backwards))
        if not self.by_pk:
            return list(rows[:limit])
        return in_order(self.queryset, list(rows.values_list("pk", flat=True)[:limit]))


def in_order(queryset: QuerySet, ids: list) -> list:
    """The rows of `queryset` with these primary keys, in this order."""
    found = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
    return [found[pk] for pk in ids if pk in found]


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    #: The cursor asked for did not verify (edited, from another list, or stale): this is
    #: the first page instead.
    reset: bool = False

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


class BadCursor(ValueError):
    pass


@dataclass
class KeysetPaginator:
    """Pages of `per_page` rows of `source`; `salt` names the list and its order (a cursor
    of one never opens another)."""

    source: Source
    per_page: int
    salt: str
    keys: Sequence[Key] = field(init=False)

    def __post_init__(self):
        self.keys = self.source.keys

    def _salt(self) -> str:
        return f"chengxin.paging:{self.salt}"

    def cursor(self, row: Any, *, backwards: bool, number: int) -> str:
        position = [key.dump(key.value(row)) for key in self.keys]
        return signing.dumps({"p": position, "b": int(backwards), "n": number}, salt=self._salt())

    def cursor_at(self, position: Sequence, *, number: int) -> str:
        """The cursor of the page that starts after `position` (the bench's deep page)."""
        values = [key.dump(value) for key, value in zip(self.keys, position, strict=True)]
        return signing.dumps({"p": values, "b": 0, "n": number}, salt=self._salt())

    def _read(self, token: str) -> tuple[tuple, bool, int]:
        try:
            data = signing.loads(token, salt=self._salt())
            position = tuple(key.load(value) for key, value in zip(self.keys, data["p"], strict=True))
            backwards, number = data["b"], data["n"]
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise BadCursor(token) from exc
        if backwards not in (0, 1) or not isinstance(number, int) or number < 1:
            raise BadCursor(token)
        return position, bool(backwards), number

    def page(self, token: str | None) -> Page:
        if not token:
            return self._first()
        try:
            position, backwards, number = self._read(token)
        except BadCursor:
            return self._first(reset=True)
        rows = self.source.fetch(position, backwards, self.per_page + 1)
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if backwards:
            if not more:
                # Nothing before these rows: the first page, whole (rows may have gone).
                return self._first()
            rows.reverse()
            return self._page(rows, max(number, 2), has_next=True, has_previous=True)
        if not rows:
            return self._first()
        return self._page(rows, number, has_next=more, has_previous=True)

    def _first(self, reset: bool = False) -> Page:
        rows = self.source.fetch(None, False, self.per_page + 1)
        page = self._page(rows[: self.per_page], 1, has_next=len(rows) > self.per_page, has_previous=False)
        page.reset = reset
        return page

    def _page(self, rows: list, number: int, *, has_next: bool, has_previous: bool) -> Page:
        page = Page(rows, number, has_next, has_previous)
        if has_next:
            page.next_cursor = self.cursor(rows[-1], backwards=False, number=number + 1)
        if has_previous:
            page.previous_cursor = self.cursor(rows[0], backwards=True, number=number - 1)
        return page


def _kind(field) -> type:
    if isinstance(field, models.DateTimeField):
        return dt.datetime
    if isinstance(field, models.DateField):
        return dt.date
    if isinstance(field, models.CharField | models.TextField):
        return str
    return int


def keys_for(queryset: QuerySet) -> tuple[Key, ...]:
    """The keys of a queryset's own order (its order_by, else its model's ordering): fields
    and annotations by name, then the pk as the tiebreaker if the order does not end on it."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    pk = queryset.model._meta.pk
    keys: list[Key] = []
    for name in names:
        if not isinstance(name, str) or "__" in name:
            raise TypeError(f"keyset order by a field or annotation name, not {name!r}")
        descending, name = name.startswith("-"), name.lstrip("-")
        if name in ("pk", pk.name):
            keys.append(Key("pk", descending))
            return tuple(keys)
        if name in queryset.query.annotations:
            field = queryset.query.annotations[name].output_field
        else:
            field = queryset.model._meta.get_field(name)
            name = field.attname
        keys.append(Key(name, descending, field.null, _kind(field)))
    return (*keys, Key("pk", keys[-1].descending if keys else True))


def paginate(
    request, source: Source | QuerySet, *, per_page: int, salt: str, keys: Sequence[Key] = ()
) -> Page:
    """The page the request's cursor asks for (an old `?page=N` link: the first page); a
    queryset is paged in the order of `keys`, by default its own (`keys_for`)."""
    if isinstance(source, QuerySet):
        source = QuerysetSource(source, keys or keys_for(source))
    return KeysetPaginator(source, per_page, salt).page(request.GET.get(CURSOR))


def page_query(params: QueryDict) -> str:
    """The list's query string without its position: what the page links carry."""
    query = params.copy()
    for name in (CURSOR, OLD_PAGE):
        query.pop(name, None)
    return query.urlencode()


@dataclass(frozen=True)
class Total:
    """A list's count: exact, or `more` when it passed the cap (then `n` is the cap)."""

    n: int
    more: bool = False

    @property
    def shown(self) -> str:
        """The number with thousands separators (10,000): the cap reads as a round figure."""
        return f"{self.n:,}"


def count_cap() -> int:
    return settings.CHENGXIN_LIST_COUNT_CAP


def capped_count(queryset: QuerySet, cap: int | None = None) -> Total:
    """COUNT over a LIMIT cap+1 sub-select: exact below the cap, bounded above it. A cap of
    0 counts everything (exact, at the cost of the whole set)."""
    cap = count_cap() if cap is None else cap
    rows = queryset.order_by().values("pk")
    if not cap:
        return Total(rows.count())
    n = rows[: cap + 1].count()
    return Total(cap, more=True) if n > cap else Total(n)
