"""Everything the case page shows of one record, read through the scoped queries: each
sub-process with its open deadlines, files and the actions this user may take on it (and,
greyed out, those a guard refuses them now: portal.cases.actions.step_actions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework import calendar, clock, queries, rules
from casework.errors import DomainError
from casework.lifecycle import RecordState
from casework.models import AttachmentVisibility
from casework.models.records import DeadlineStatus
from casework.permissions import SEE_ALL_ROLES, Conflicts, conflicts_read_once, has_role, may_see_id_numbers
from casework.rule_table import RuleCode
from casework.services import attachments as attachment_svc
from notices import context as notice_context
from notices import queries as notice_queries
from notices.lifecycle import NoticeState
from portal.public import scrub

from . import timeline
from .actions import step_actions


@dataclass(frozen=True)
class DueDate:
    label: str
    due_on: object
    days_left: int  # working days (casework.calendar.working_days_left), as on /unit/
    overdue: bool  # a handler's time limit that has passed
    lapsed: bool  # a window for the subject (to defend, to appeal) that has closed
    provisional: bool

    @property
    def days_over(self) -> int:
        return -self.days_left

    @property
    def due_today(self) -> bool:
        return self.due_on == clock.today()


def due_dates(deadlines, work=None) -> list[DueDate]:
    today = clock.today()
    work = work or calendar.current()
    shown = []
    for d in deadlines:
        if d.status != DeadlineStatus.OPEN:
            continue
        passed = d.due_on < today
        shown.append(
            DueDate(
                label=d.label,
                due_on=d.due_on,
                days_left=calendar.working_days_left(d.due_on, today, work=work),
                overdue=rules.is_overdue(d, today),
                lapsed=passed and d.kind in rules.SUBJECT_WINDOWS,
                provisional=d.provisional,
            )
        )
    return sorted(shown, key=lambda d: d.due_on)


@dataclass
class Part:
    """One object of the case (an objection, an order, a case…) as the page shows it."""

    obj: object
    actions: list  # portal.cases.actions.Action, the greyed-out ones (`refused`) included
    deadlines: list
    files: list
    children: list  # items of an order, decisions of a case
    extra: list  # extension requests of an item, appeals of a decision


class Owned:
    """The record's deadlines and files, by the object they belong to: read once for the
    whole page, as is the calendar the days left are counted in."""

    def __init__(self, deadlines, files):
        self.work = calendar.current()
        self.deadlines, self.files = defaultdict(list), defaultdict(list)
        for d in deadlines:
            self.deadlines[(d.owner_type_id, d.owner_id)].append(d)
        for f in files:
            self.files[(f.owner_type_id, f.owner_id)].append(f)

    @staticmethod
    def key(obj) -> tuple[int, int]:
        return ContentType.objects.get_for_model(obj).pk, obj.pk

    def part(self, user, obj, children=(), extra=(), deadlines=None, files=None) -> Part:
        key = self.key(obj)
        return Part(
            obj=obj,
            actions=step_actions(user, obj),
            deadlines=due_dates(self.deadlines[key] if deadlines is None else deadlines, self.work),
            files=self.files[key] if files is None else files,
            children=list(children),
            extra=list(extra),
        )


def _orders(user, record, internal: bool) -> list:
    orders = queries.record_rectifications(user=user, record=record)
    if not internal:
        return list(orders)
    # The commission sees every order of the record: read once, they also answer the guard of
    # a new order (one runs at a time: rectification.new_order_refusal), asked afterwards.
    prefetch_related_objects([record], Prefetch("rectifications", queryset=orders))
    return list(record.rectifications.all())


def _rectifications(user, record, owned: Owned, internal: bool) -> list[Part]:
    parts = []
    for order in _orders(user, record, internal):
        items = [
            owned.part(
                user, item, extra=[owned.part(user, x, deadlines=[], files=[]) for x in item.extensions.all()]
            )
            for item in order.items.all()
        ]
        parts.append(owned.part(user, order, children=items))
    return parts


def _accountability(user, record, owned: Owned) -> list[Part]:
    parts = []
    for case in queries.record_accountabilities(user=user, record=record):
        for sanction in case.visible_sanctions:
            sanction.accountability = case  # its record read with the case: none per sanction
        decisions = [
            owned.part(
                user,
                sanction,
                extra=[owned.part(user, a, deadlines=[], files=[]) for a in sanction.appeals.all()],
                deadlines=[],
                files=[],
            )
            for sanction in case.visible_sanctions
        ]
        # The case's own time limits and those of its appeals (their decision limits).
        appeals = [a for sanction in case.visible_sanctions for a in sanction.appeals.all()]
        deadlines = [d for obj in (case, *appeals) for d in owned.deadlines[owned.key(obj)]]
        parts.append(owned.part(user, case, children=decisions, deadlines=deadlines))
    return parts


def _read(parts: dict[str, list[Part]]) -> list:
    """The orders' items and the cases' persons, which the timeline's changed fields name."""
    items = [child.obj for order in parts["rectifications"] for child in order.children]
    persons = [p for case in parts["accountability"] for p in getattr(case.obj, "visible_persons", [])]
    return [*items, *persons, *(d.obj.person for case in parts["accountability"] for d in case.children)]


def _subject(user, record) -> dict:
    person, organisation = record.subject_person, record.subject_organisation
    if organisation is not None:
        return {"name": organisation.name, "credit_code": organisation.credit_code or "", "is_person": False}
    return {
        "name": person.name,
        "is_person": True,
        "unit": person.unit.name,
        "post": person.post,
        # masked; the full number is read on its own page, with a reason (portal.people)
        "id_number": person.masked_id_number if may_see_id_numbers(user) else "",
        "id_number_read": reverse("person-id-number-page", args=[person.pk])
        if may_see_id_numbers(user)
        else "",
    }


def _pre_notice(record, notices) -> dict | None:
    """While the record waits on its 事前告知书: the notice (the latest one the reader may
    see) and what happens next. The defence window opens only when it is served."""
    if record.state != RecordState.PRE_NOTICE or record.pre_notice_served_on:
        return None
    current = [(n, url) for n, url in notices if n.type_code == "N1" and n.state != NoticeState.VOIDED]
    notice, url = current[-1] if current else (None, "")
    try:
        window = notice_context.period(RuleCode.DEFENCE_WINDOW)  # 5个工作日, as the notice says
    except DomainError:
        window = ""
    return {
        "notice": notice,
        "url": url,
        "next": NEXT_FOR_PRE_NOTICE[notice.state if notice else None],
        "period": window,
    }


#: What the record waits for, by the state of its 事前告知书 (None: none drafted).
NEXT_FOR_PRE_NOTICE = {
    None: _("尚未拟制事前告知书：请拟制文书（失信记录事前告知书）。"),
    NoticeState.DRAFT: _("事前告知书草稿待完善、核准。"),
    NoticeState.APPROVED: _("事前告知书已核准，待签发。"),
    NoticeState.ISSUED: _("事前告知书已签发，待登记送达。"),
}


#: What every guard on the case page finds of the user's 回避 declarations: the record was
#: read through visible_records, which leaves out every subject the user declared one for,
#: and everything on the page belongs to that record.
NO_CONFLICT = Conflicts(frozenset(), frozenset())


def build(user, record) -> dict:
    """The case page's context, its guards asked without reading the declarations again."""
    with conflicts_read_once(user, NO_CONFLICT):
        return _build(user, record)


def _reading(user) -> tuple[bool, object]:
    """Whether the user reads the commission's internal details, and how their free text is
    scrubbed."""
    internal = has_role(user, *SEE_ALL_ROLES)
    return internal, (lambda text: text or "") if may_see_id_numbers(user) else scrub


def timeline_page(user, record, page) -> dict:
    """The full timeline page's context: one page (portal.paging) of the record's trail."""
    internal, clean = _reading(user)
    return {
        "record": record,
        "subject": _subject(user, record),
        "page": page,
        "timeline": timeline.in_words(page.object_list, record, internal=internal, clean=clean),
    }


def _build(user, record) -> dict:
    internal, clean = _reading(user)
    # `record` comes from record_get: its sub-lists need not ask again whether it is visible.
    owned = Owned(record.deadlines.all(), queries.record_attachments(user=user, record=record))
    objections = queries.objection_list(user=user).filter(record=record).order_by("pk")
    repairs = queries.repair_list(user=user).filter(record=record).order_by("pk")
    notices = notice_queries.visible_notices(user).filter(record=record).order_by("pk")
    notice_rows = [(n, reverse("notice-page", args=[n.pk])) for n in notices]
    parts = {
        "rectifications": _rectifications(user, record, owned, internal),
        "accountability": _accountability(user, record, owned),
    }
    return {
        "record": record,
        "subject": _subject(user, record),
        "internal": internal,
        "lead_content": clean(record.lead_content) if internal else "",
        "facts": clean(record.facts),
        "legal_basis": clean(record.legal_basis),
        "record_part": owned.part(user, record),
        "objections": [owned.part(user, o) for o in objections],
        "rectifications": parts["rectifications"],
        "accountability": parts["accountability"],
        "repairs": [owned.part(user, r) for r in repairs],
        "notices": notice_rows,
        "pre_notice": _pre_notice(record, notice_rows),
        "timeline": timeline.latest(user, record, internal=internal, clean=clean, known=_read(parts)),
        "today": clock.today(),
        # The form on each file changing its class (portal.cases.views.attachment_visibility).
        "may_class_files": attachment_svc.may_set_visibility(user, record),
        "visibility_choices": AttachmentVisibility.choices,
    }
