"""The commission dashboard's figures that count every record, kept as of their last refresh.

Counting every record with its running time limits took 2.9 s at 200,000 records and
140 s at 1,000,000 (docs/performance.md): a number of that cost is not recounted on every
request but by the beat task `oversight.tasks.refresh_dashboard` every few minutes, and the
page says when it was counted. What it counts is the same for everyone who sees every
record (the commission's roles with no declared 回避 conflict), so one snapshot serves them
all; a user with a conflict gets the figures counted live, without the declared subject
(docs/decisions.md, "Dashboard figures"). A snapshot of another day is not shown: the
deadline counts depend on the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation

from casework import clock
from casework.models import Organisation, User
from casework.permissions import SEE_ALL_ROLES, sees_every_record

from ..assessment.queries import READ_ROLES
from ..models import FigureSnapshot
from .figures import Table
from .registry import COMMISSION_FIGURES
from .scope import Scope

NAME = "commission"
#: The figures kept: those counting every record, and with them the rest of the board (small
#: tables, but a table of every unit each, and the page draws them all): what each counts is
#: the same for everyone who sees every record and may see the figure (registry.for_user).
KEPT = tuple(spec.name for spec in COMMISSION_FIGURES)


def commission_reader() -> User:
    """Who the snapshot is counted as: the commission with no declared conflict, who sees
    every record (casework.permissions.visible_records), every alert and every assessment;
    a figure a user may not see is left out when shown (registry.for_user). Never saved:
    its id matches no conflict declaration."""
    reader = User(pk=0, username="figures", is_active=True)
    reader._chengxin_roles = SEE_ALL_ROLES | READ_ROLES
    return reader


@dataclass(frozen=True)
class Snapshot:
    taken_at: dt.datetime
    board: object  # caseload.Dashboard
    tables: dict[str, Table]


def refresh(today: dt.date | None = None) -> FigureSnapshot:
    """Count the kept figures now and store them (one row, replaced)."""
    from .caseload import dashboard

    today = today or clock.today()
    reader, scope = commission_reader(), Scope(today=today)
    with translation.override(settings.LANGUAGE_CODE):
        board = dashboard(user=reader, today=today)
        tables = {
            spec.name: spec.table(user=reader, scope=scope)
            for spec in COMMISSION_FIGURES
            if spec.name in KEPT
        }
    data = {
        "board": {
            "open": board.open,
            "overdue": board.overdue,
            "due_soon": board.due_soon,
            "soon_until": board.soon_until.isoformat(),
            "units": [[u.unit.pk, u.unit.name, u.open, u.overdue, u.due_soon] for u in board.units],
            "more_units": board.more_units,
        },
        "tables": {
            name: {"headers": list(t.headers), "rows": [list(r) for r in t.rows]}
            for name, t in tables.items()
        },
    }
    snapshot, _created = FigureSnapshot.objects.update_or_create(
        name=NAME, defaults={"today": today, "taken_at": timezone.now(), "data": data}
    )
    return snapshot


def current(user, today: dt.date) -> Snapshot | None:
    """Today's snapshot, if `user` sees what it counted (every record); else None: count live."""
    from .caseload import Dashboard, UnitCounts

    row = FigureSnapshot.objects.filter(name=NAME, today=today).first()
    if row is None or not sees_every_record(user):
        return None
    board = row.data["board"]
    units = [UnitCounts(Organisation(pk=pk, name=name), *counts) for pk, name, *counts in board["units"]]
    dashboard = Dashboard(
        open=board["open"],
        overdue=board["overdue"],
        due_soon=board["due_soon"],
        soon_until=dt.date.fromisoformat(board["soon_until"]),
        units=units,
        more_units=board["more_units"],
    )
    tables = {
        name: Table(tuple(t["headers"]), [tuple(r) for r in t["rows"]])
        for name, t in row.data["tables"].items()
    }
    return Snapshot(row.taken_at, dashboard, tables)
