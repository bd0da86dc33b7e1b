"""Keyset (cursor) pagination for every API list (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]).

A page is the rows strictly after (or, going back, before) the position of the row a link
was made from, in a fixed ordering that ends with the primary key: the database starts
reading where the previous page stopped, through the ordering's index, so the 200th page
costs what the first does. `OFFSET n` would read and throw away n rows, and a total would
count the whole visible set on every request: the answer carries no count
(docs/decisions.md, "API lists: cursors, no count").

The ordering is the view's `cursor_ordering` or else its queryset's, never the client's:
a cursor carries only the values of the last row it saw, and those are read back through
the model's own fields, so a crafted cursor cannot be anything but a position. It narrows
the queryset the view scoped to the user, so it reaches no row the user may not see.

A nullable column or an annotation sorts its nulls last on every database (PostgreSQL and
SQLite disagree otherwise), in both directions of travel.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ..errors import DomainError

#: The largest and smallest integers a database integer column holds.
MAX_INT = 2**63 - 1
#: Longer than any cursor this module writes for the lists' columns.
MAX_CURSOR_LENGTH = 1000


class InvalidCursor(DomainError):
    """A cursor this list did not write (edited, truncated, from another list): 400."""

    def __init__(self):
        super().__init__(
            _("翻页参数 cursor 无效：请使用列表返回的 next 或 previous 链接，不要自行修改。"),
            field="cursor",
            code="invalid_cursor",
        )


@dataclass(frozen=True)
class Term:
    """One column of the ordering: its name on the row, its direction, whether it may be null."""

    name: str
    descending: bool
    nullable: bool
    field: models.Field

    def order(self, reverse: bool):
        descending = self.descending != reverse
        if not self.nullable:
            return f"-{self.name}" if descending else self.name
        # Nulls last going forward, hence first going back.
        nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
        return F(self.name).desc(**nulls) if descending else F(self.name).asc(**nulls)

    def after(self, value, reverse: bool) -> Q | None:
        """The rows strictly after `value` in this column (None: no row is)."""
        descending = self.descending != reverse
        nulls_last = not reverse
        if value is None:
            return None if nulls_last else Q(**{f"{self.name}__isnull": False})
        condition = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if self.nullable and nulls_last:
            condition |= Q(**{f"{self.name}__isnull": True})
        return condition

    def equal(self, value) -> Q:
        return Q(**{f"{self.name}__isnull": True}) if value is None else Q(**{self.name: value})

    def not_before(self, value, reverse: bool) -> Q | None:
        """A bound the index can seek to (the first column only): redundant with `after`."""
        if self.nullable or value is None:
            return None
        descending = self.descending != reverse
        return Q(**{f"{self.name}__{'lte' if descending else 'gte'}": value})

    def dump(self, row):
        value = getattr(row, self.name)
        if isinstance(value, dt.datetime | dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, decimal.Decimal | uuid.UUID):
            return str(value)
        return value

    def load(self, value):
        if value is None:
            if not self.nullable:
                raise InvalidCursor
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidCursor
        if isinstance(value, str) and ("\x00" in value or len(value) > MAX_CURSOR_LENGTH):
            raise InvalidCursor
        try:
            loaded = self.field.to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            raise InvalidCursor from None
        if loaded is None:
            raise InvalidCursor
        if isinstance(loaded, int) and not -MAX_INT - 1 <= loaded <= MAX_INT:
            raise InvalidCursor
        if isinstance(loaded, dt.datetime):
            try:
                if timezone.is_naive(loaded):
                    loaded = timezone.make_aware(loaded)
                loaded.astimezone(dt.UTC)
            except (ValueError, OverflowError):
                raise InvalidCursor from None
        return loaded


class KeysetPagination(BasePagination):
    """`?cursor=` pages of `page_size` rows; the answer is `{next, previous, results}`."""

    page_size = 50
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.terms = terms_of(queryset, getattr(view, "cursor_ordering", None))
        self.key = ",".join(("-" if t.descending else "") + t.name for t in self.terms)
        raw, position, reverse = self.decode(request.query_params.get(self.cursor_query_param))
        rows = queryset.order_by(*(t.order(reverse) for t in self.terms))
        if position is not None:
            rows = rows.filter(self.beyond(position, reverse))
        page = list(rows[: self.page_size + 1])
        more = len(page) > self.page_size
        page = page[: self.page_size]
        if reverse:
            page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = position is not None, more
        # An empty page after a cursor: going back starts from that cursor's position.
        self.first = [t.dump(page[0]) for t in self.terms] if page else raw
        self.last = [t.dump(page[-1]) for t in self.terms] if page else None
        if not page and reverse:
            self.has_previous, self.has_next = False, False
        return page

    def beyond(self, position: list, reverse: bool) -> Q:
        clauses = []
        equal = Q()
        for term, value in zip(self.terms, position, strict=True):
            after = term.after(value, reverse)
            if after is not None:
                clauses.append(equal & after)
            equal &= term.equal(value)
        condition = reduce(or_, clauses) if clauses else Q(pk__in=[])
        bound = self.terms[0].not_before(position[0], reverse)
        return condition if bound is None else bound & condition

    # ── cursors ────────────────────────────────────────────────────────────────────────

    def decode(self, cursor: str | None) -> tuple[list | None, list | None, bool]:
        """The cursor's values as written, as the columns' Python values, and its direction."""
        if cursor is None:
            return None, None, False
        if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
            raise InvalidCursor
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise InvalidCursor from None
        if not isinstance(data, dict) or data.get("o") != self.key or data.get("r") not in (0, 1):
            raise InvalidCursor
        values = data.get("v")
        if not isinstance(values, list) or len(values) != len(self.terms):
            raise InvalidCursor
        loaded = [t.load(v) for t, v in zip(self.terms, values, strict=True)]
        return values, loaded, bool(data["r"])

    def encode(self, values: list, reverse: bool) -> str:
        return encode_cursor(self.key, values, reverse=reverse)

    def link(self, values: list | None, reverse: bool) -> str | None:
        if values is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.encode(values, reverse))

    def get_next_link(self) -> str | None:
        return self.link(self.last, reverse=False) if self.has_next else None

    def get_previous_link(self) -> str | None:
        return self.link(self.first, reverse=True) if self.has_previous else None

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # ── schema ─────────────────────────────────────────────────────────────────────────

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {
                    **link,
                    "description": str(_("下一页的链接（保留原有筛选条件）；已是最后一页时为 null。")),
                },
                "previous": {**link, "description": str(_("上一页的链接；已是第一页时为 null。"))},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("翻页位置：取自上一次返回的 next 或 previous 链接；不带此参数时返回第一页。")
                ),
                "schema": {"type": "string"},
            }
        ]


def encode_cursor(ordering: str, values: list, *, reverse: bool = False) -> str:
    """The cursor of the position `values` (JSON-ready) in the ordering `ordering`
    ("-received_on,-id"): what the links carry, and what a benchmark may compute."""
    data = {"o": ordering, "r": int(reverse), "v": values}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def terms_of(queryset, declared) -> list[Term]:
    """The ordering's columns, ending with the primary key (added when missing)."""
    ordering = list(declared or queryset.query.order_by or queryset.model._meta.ordering)
    model = queryset.model
    pk = model._meta.pk
    terms = []
    for item in ordering:
        name, descending = _name_and_direction(item)
        if name == "pk":
            name = pk.attname
        terms.append(_term(queryset, name, descending))
    if not any(t.name == pk.attname for t in terms):
        descending = terms[-1].descending if terms else False
        terms.append(_term(queryset, pk.attname, descending))
    return terms


def _name_and_direction(item) -> tuple[str, bool]:
    if isinstance(item, str):
        return item.removeprefix("-"), item.startswith("-")
    if isinstance(item, OrderBy) and isinstance(item.expression, F):
        return item.expression.name, item.descending
    if isinstance(item, F):
        return item.name, False
    raise ImproperlyConfigured(f"cursor pagination cannot order by {item!r}: name a column")


def _term(queryset, name: str, descending: bool) -> Term:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return Term(name, descending, nullable=True, field=annotation.output_field)
    opts = queryset.model._meta
    try:
        field = opts.get_field(name)
    except FieldDoesNotExist:
        field = next((f for f in opts.concrete_fields if f.attname == name), None)
        if field is None:
            raise ImproperlyConfigured(f"cursor pagination: no column {name!r} on {opts.label}") from None
    else:
        if field.is_relation and name != field.attname:
            # Ordering by a relation orders by the related model's ordering: not a column.
            raise ImproperlyConfigured(f"cursor pagination: order by {field.attname!r}, not {name!r}")
    return Term(field.attname, descending, nullable=field.null, field=field)
