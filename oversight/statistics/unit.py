"""A unit's own figures (the department portal, /unit/): its open time limits, by kind and
one by one with the working days left. Only the time limits the unit may see on its own
records (casework.queries.visible_deadlines): work still internal to the commission is not
the unit's to know, and someone who also holds another role still sees only the unit here.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from casework import calendar, rules
from casework.models import Deadline
from casework.queries import visible_deadlines

from .figures import Table
from .scope import Scope

#: How many of the unit's time limits its dashboard lists, the nearest first.
DEADLINE_ROWS = 20


def _running(user, scope: Scope) -> QuerySet[Deadline]:
    return visible_deadlines(user).filter(
        rules.running(scope.today), record__subject_organisation_id=user.organisation_id
    )


def unit_open_work(*, user, scope: Scope) -> Table:
    """本单位在办期限: the unit's running time limits by kind, and how many are overdue."""
    rows = (
        _running(user, scope)
        .order_by()
        .values("label")
        .annotate(n=Count("pk"), late=Count("pk", filter=rules.overdue(scope.today)))
        .order_by("-n", "label")
    )
    return Table((_("期限类型"), _("在办"), _("已逾期")), [(r["label"], r["n"], r["late"]) for r in rows])


def unit_deadlines(*, user, scope: Scope) -> Table:
    """The unit's nearest time limits with the working days left (negative: overdue by)."""
    rows = list(
        _running(user, scope)
        .select_related("record")
        .order_by("due_on", "pk")
        .values_list("label", "record__reference", "due_on")[:DEADLINE_ROWS]
    )
    work = calendar.current()
    table = [
        (label, reference or "—", due_on, _days_left(work, due_on, scope))
        for label, reference, due_on in rows
    ]
    return Table((_("期限"), _("案件编号"), _("截止日"), _("剩余工作日")), table)


def _days_left(work: calendar.WorkCalendar, due_on, scope: Scope) -> int:
    if due_on >= scope.today:
        return work.working_days_between(scope.today, due_on)
    return -work.working_days_between(due_on, scope.today)
