"""The set-based statements of the rectification sweeps, on plain values (no model instance
per row): claim the late items, change their state, supersede and open deadlines.

Each is a fixed number of statements whatever the number of rows. Ids go to PostgreSQL as one
array literal (`= ANY(%s::bigint[])`), to SQLite (development, tests) as a list of parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from ... import rules
from ...models import (
    Deadline,
    ExtensionRequest,
    Organisation,
    Person,
    Record,
    Rectification,
    RectificationItem,
    RequestState,
)

#: Table names, for the hand-written SQL.
TABLES = {
    model.__name__: model._meta.db_table
    for model in (Deadline, ExtensionRequest, Organisation, Person, Record, Rectification, RectificationItem)
}


class Item(NamedTuple):
    """A claimed item: what it was, and the deadline it missed."""

    pk: int
    state: str
    number: int
    missed_on: dt.date


@dataclass
class Order:
    """A rectification order with its claimed items (the unit of the sweeps' audit entries)."""

    pk: int
    record_id: int
    label: str  # str(Rectification), for the audit entry
    items: list[Item] = field(default_factory=list)

    @property
    def item_owners(self) -> list[tuple[int, int]]:
        """(record id, item id) of its items: the owners of their next deadline."""
        return [(self.record_id, item.pk) for item in self.items]

    @property
    def numbers(self) -> str:
        """ "1、3": the item numbers, as the notices and the audit reasons print them."""
        return "、".join(str(item.number) for item in sorted(self.items, key=lambda i: i.number))


def content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def among(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` is one of `ids`: an SQL condition and its parameters. PostgreSQL gets one
    array literal (psycopg adapts a list of ints element by element, in Python)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _marks(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


_CLAIM = """
WITH late AS (
    SELECT owner_id, MIN(due_on) AS missed_on, MIN(record_id) AS record_id FROM {Deadline}
    WHERE owner_type_id = %s AND kind IN ({kinds}) AND status = 'OPEN' AND due_on < %s
    GROUP BY owner_id)
SELECT i.id, i.state, i.number, i.rectification_id, late.record_id, late.missed_on
FROM {RectificationItem} i
JOIN late ON late.owner_id = i.id
WHERE {late_items} AND i.state IN ({states}) {waiting}
ORDER BY i.id
"""
# PostgreSQL fetches the late items by primary key from an array of their ids; with a join or
# IN (subquery) it would scan every open item (the state matches nearly all of them).
_LATE_ITEMS = {"postgresql": "i.id = ANY(ARRAY(SELECT owner_id FROM late))"}
# PostgreSQL claims and moves the items in one statement: the locked rows as they were
# (the CTE's snapshot) come back from the UPDATE that changes them.
_CLAIM_AND_SET = """
WITH claimed AS ({claim})
UPDATE {RectificationItem} u SET state = %s FROM claimed WHERE u.id = claimed.id
RETURNING claimed.*
"""
# A pending extension request holds the item's deadline until it is decided.
_NOT_WAITING = "AND NOT EXISTS (SELECT 1 FROM {ExtensionRequest} e WHERE e.item_id = i.id AND e.state = %s)"
# str(Rectification), for the audit entries: once per order, not per item.
_LABELS = """
SELECT r.id, rec.reference, COALESCE(org.name, person.name) FROM {Rectification} r
JOIN {Record} rec ON rec.id = r.record_id
LEFT JOIN {Organisation} org ON org.id = rec.subject_organisation_id
LEFT JOIN {Person} person ON person.id = rec.subject_person_id
WHERE {where}
"""


def take(
    kinds: Sequence[str], states: Sequence[str], to_state: str, today: dt.date, *, waiting_ok: bool = True
) -> list[Order]:
    """Claim the items in `states` with an open deadline of `kinds` that passed before
    `today`, skipping rows another transaction holds, and move them to `to_state`: their
    orders, by id, with the items as they were. Two statements on PostgreSQL (claim and
    UPDATE in one, then the labels), three elsewhere, driven by the few late deadlines
    (which know their record), never by the many open items. (The labels merged into the
    claim were no faster.)"""
    sql = _CLAIM.format(
        kinds=_marks(kinds),
        states=_marks(states),
        late_items=_LATE_ITEMS.get(connection.vendor, "i.id IN (SELECT owner_id FROM late)"),
        waiting="" if waiting_ok else _NOT_WAITING.format(**TABLES),
        **TABLES,
    )
    params = [content_type_id(RectificationItem), *kinds, connection.ops.adapt_datefield_value(today)]
    params += [*states, *([] if waiting_ok else [RequestState.PENDING])]
    set_in_claim = connection.vendor == "postgresql"
    if set_in_claim:
        sql = _CLAIM_AND_SET.format(claim=sql + " FOR UPDATE OF i SKIP LOCKED", **TABLES)
        params.append(to_state)
    orders: dict[int, Order] = {}
    for pk, state, number, order_id, record_id, missed_on in sorted(_fetch(sql, params)):
        if order_id not in orders:
            orders[order_id] = Order(order_id, record_id, "")
        orders[order_id].items.append(Item(pk, state, number, _date(missed_on)))
    if orders:
        where, params = among("r.id", list(orders))
        for order_id, reference, subject in _fetch(_LABELS.format(where=where, **TABLES), params):
            orders[order_id].label = f"{reference or '—'} {subject} · 整改"
        if not set_in_claim:  # SQLite: one writer at a time, nothing to skip
            set_item_state(item_ids(orders.values()), to_state)
    return [orders[pk] for pk in sorted(orders)]


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)  # SQLite: text


def item_ids(orders: Iterable[Order]) -> list[int]:
    return [item.pk for order in orders for item in order.items]


def set_item_state(ids: Sequence[int], state: str) -> None:
    where, params = among("id", ids)
    _execute(f"UPDATE {TABLES['RectificationItem']} SET state = %s WHERE {where}", [state, *params])


def supersede(model, ids: Sequence[int], kinds: Sequence[str]) -> None:
    """The open deadlines of `kinds` of these owners give way to the next one (CANCELLED:
    superseded, not met; the row stays as history)."""
    where, params = among("owner_id", ids)
    _execute(
        f"UPDATE {TABLES['Deadline']} SET status = 'CANCELLED' "
        f"WHERE owner_type_id = %s AND status = 'OPEN' AND kind IN ({_marks(kinds)}) AND {where}",
        [content_type_id(model), *kinds, *params],
    )


def open_deadlines(code: str, today: dt.date, model, owners: Sequence[tuple[int, int]]) -> dt.date:
    """Start the time limit `code` from `today` on each (record id, owner id) of `model` in
    one INSERT … SELECT; its due date, the same for all."""
    rule = rules.deadline_rule(code)
    due = rules.due(rule, today)
    rows, params = _rows(owners)
    day = connection.ops.adapt_datefield_value
    _execute(
        f"INSERT INTO {TABLES['Deadline']} (owner_type_id, kind, label, start_on, amount, unit, roll_forward, "
        "due_on, provisional, rule_version, status, overdue_since, record_id, owner_id) "
        f"SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'OPEN', NULL, owner.* FROM {rows}",
        [
            content_type_id(model),
            code,
            rule.label,
            day(today),
            rule.amount,
            rule.unit,
            rule.roll_forward,
            day(due.date),
            due.provisional,
            rule.rule_version,
            *params,
        ],
    )
    return due.date


def _rows(pairs: Sequence[tuple[int, int]]) -> tuple[str, list]:
    """A two-column table of integer pairs, to select from as `owner`."""
    if connection.vendor == "postgresql":
        columns = [[pair[i] for pair in pairs] for i in (0, 1)]
        literals = ["{" + ",".join(map(str, column)) + "}" for column in columns]
        return "unnest(%s::bigint[], %s::bigint[]) AS owner", literals
    values = ", ".join(["(%s, %s)"] * len(pairs))
    return f"(VALUES {values}) AS owner", [value for pair in pairs for value in pair]


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _execute(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
