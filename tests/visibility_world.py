"""Unit A's case for tests/test_visibility_matrix.py, built once per module through the real
services, and the matrix of URLs read off the resolver: which object each URL names, with
which methods. See that module for what is checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from viewflow.workflow.models import Task

from casework.models import Organisation, Person, Record, Sanction, User
from casework.roles import Role
from casework.services import attachments, repair
from casework.services import objections as objection_svc
from casework.services.accountability import appeals
from casework.services.rectification import extension as ext
from notices import services as notice_services
from workflows.models import CaseProcess

from . import lifecycle, notice_cases, rectification_steps
from .accountability_steps import decision, opened, served
from .api_fixtures import api
from .factories import OrganisationFactory, PersonFactory, UserFactory

TODAY = "2026-02-02"


@dataclass
class World:
    """Unit A's case (`ids`: kind → pk), the users who look at it, and A's internal objects."""

    record: Record
    internal: Record  # another record of unit A, in force, with only internal work on it
    person: Person
    ids: dict[str, int]
    users: dict[str, User]
    hidden: dict[str, int] = field(default_factory=dict)


# ── building unit A's case through the services ──────────────────────────────────


def _users(unit: Organisation, other_unit: Organisation) -> dict[str, User]:
    person = PersonFactory(unit=unit, name="李四维")
    colleague = PersonFactory(unit=unit, name="王五常")
    return {
        "officer": UserFactory(username="m_officer", roles=[Role.OFFICER]),
        "approver": UserFactory(username="m_approver", roles=[Role.APPROVER]),
        "liaison": UserFactory(username="m_liaison", organisation=unit, roles=[Role.UNIT_LIAISON]),
        "head": UserFactory(username="m_head", organisation=unit, roles=[Role.UNIT_HEAD]),
        "sanctioned": UserFactory(
            username="m_sanctioned", person=person, organisation=unit, roles=[Role.CIVIL_SERVANT]
        ),
        "other_liaison": UserFactory(
            username="m_other_liaison", organisation=other_unit, roles=[Role.UNIT_LIAISON]
        ),
        "stranger": UserFactory(
            username="m_stranger", person=colleague, organisation=unit, roles=[Role.CIVIL_SERVANT]
        ),
    }


def _accountability(users, record, person, unit) -> tuple[int, int, int]:
    served(
        officer=users["officer"],
        approver=users["approver"],
        record=record,
        persons=[person],
        unit=unit,
        decisions=[decision(person, "WARNING")],
        decided_on=dt.date(2026, 1, 30),
        served_on=dt.date(2026, 2, 2),
    )
    sanction = Sanction.objects.get(person=person)
    appeal = appeals.accountability_appeal(
        acting_user=users["sanctioned"],
        sanction_id=sanction.pk,
        kind="REVIEW",
        filed_on=dt.date(2026, 2, 2),
        grounds="处分过重，情节认定有误。",
    )
    return sanction.accountability_id, sanction.pk, appeal.pk


def _rectification(users, record) -> dict[str, int]:
    officer, liaison = users["officer"], users["liaison"]
    rectification = rectification_steps.drafted(
        officer=officer, approver=users["approver"], unit=None, record=record
    )
    rectification = rectification_steps.svc.rectification_issue(
        acting_user=users["approver"], rectification_id=rectification.pk
    )
    rectification_steps.serve(
        rectification, officer=officer, approver=users["approver"], served_on=dt.date(2026, 2, 2)
    )
    item = rectification.items.get()
    evidence = rectification_steps.svc.rectification_item_add_evidence(
        acting_user=liaison, item_id=item.pk, uploaded_file=rectification_steps.upload("付款回单.pdf")
    )
    extension = ext.rectification_request_extension(
        acting_user=liaison, item_id=item.pk, days=10, reason="银行对账需要时间。"
    )
    return {
        "rectification": rectification.pk,
        "item": item.pk,
        "attachment": evidence.pk,
        "extension": extension.pk,
    }


def _open_task(**process_filter) -> tuple[int, int]:
    process = CaseProcess.objects.get(**process_filter)
    task = Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN").order_by("-pk").first()
    return process.pk, task.pk


def _hidden(users, record) -> dict[str, int]:
    """What unit A's own liaison may not see yet on `record`: a case under investigation
    with its investigation file, an order signed but not yet served (and its 整改通知书,
    issued but not served either), a notice in draft."""
    officer = users["officer"]
    case = opened(officer=officer, record=record, on=dt.date(2026, 1, 20))
    case_file = attachments.attachment_upload(
        acting_user=officer,
        record_id=record.pk,
        owner=case,
        purpose="investigation",
        uploaded_file=rectification_steps.upload("调查笔录.pdf"),
    )
    draft = rectification_steps.drafted(officer=officer, approver=users["approver"], unit=None, record=record)
    rectification_steps.svc.rectification_issue(acting_user=users["approver"], rectification_id=draft.pk)
    order = notice_services.notice_draft(
        acting_user=officer,
        type_code="N8",
        record_id=record.pk,
        obj=draft,
        data=notice_cases.complete("N8", record),
    )
    order = notice_cases.issue(officer=officer, approver=users["approver"], notice=order)
    case_process, case_task = _open_task(accountabilityprocess__accountability=case)
    draft_process, draft_task = _open_task(rectificationprocess__rectification=draft)
    notice = notice_cases.draft(officer=officer, record=record, type_code="N8")
    return {
        "accountability": case.pk,
        "attachment": case_file.pk,
        "rectification": draft.pk,
        "notice": notice.pk,
        "order_notice": order.pk,
        "process": draft_process,
        "task": draft_task,
        "case_process": case_process,
        "case_task": case_task,
    }


def _investigation_file(users, record) -> int:
    """An investigation file on the unit's own record in force, which the unit sees: the
    file itself stays the commission's (INTERNAL, the default for staff uploads)."""
    return attachments.attachment_upload(
        acting_user=users["officer"],
        record_id=record.pk,
        owner=record,
        purpose="investigation",
        uploaded_file=rectification_steps.upload("核查笔录-证人.pdf"),
    ).pk


def build() -> World:
    unit, other_unit = OrganisationFactory(name="东莞市甲局"), OrganisationFactory(name="东莞市乙局")
    notice_cases.make_issuer()
    users = _users(unit, other_unit)
    officer, approver, liaison = users["officer"], users["approver"], users["liaison"]
    person = users["sanctioned"].person
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    case, sanction, appeal = _accountability(users, record, person, unit)
    ids = {"record": record.pk, "accountability": case, "sanction": sanction, "appeal": appeal}
    ids.update(_rectification(users, record))
    objection = objection_svc.objection_file(
        acting_user=liaison, record_id=record.pk, ground="CONDITIONS", statement="款项已全部支付。"
    )
    objection_svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    ids["objection"] = objection.pk
    ids["process"], ids["task"] = _open_task(objectionprocess__objection=objection)
    ids["repair"] = repair.repair_apply(
        acting_user=liaison,
        record_id=record.pk,
        commitment="本单位承诺依法履约。",
        commitment_signed_by_id=users["head"].pk,
    ).pk
    ids["notice"] = notice_cases.issued(officer=officer, approver=approver, record=record, type_code="N3").pk
    ids["person"] = person.pk
    internal = lifecycle.effective(
        officer=officer, approver=approver, organisation=unit, content="另一条线索。"
    )
    hidden = _hidden(users, internal)
    hidden["record_file"] = _investigation_file(users, record)
    return World(record=record, internal=internal, person=person, ids=ids, users=users, hidden=hidden)


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end; each test
    runs in its own savepoint within it."""
    uploads = tmp_path_factory.mktemp("uploads")
    with django_db_blocker.unblock(), override_settings(CHENGXIN_TODAY=TODAY, CHENGXIN_UPLOAD_ROOT=uploads):
        atomics = TestCase._enter_atomics()
        try:
            yield build()
        finally:
            TestCase._rollback_atomics(atomics)


@pytest.fixture(name="today", autouse=True)
def today_fixture(settings):
    settings.CHENGXIN_TODAY = TODAY


# ── the URL matrix, read off the resolver ─────────────────────────────────────────

#: The object each URL prefix names (None: public reference data, not scoped).
KIND_BY_PREFIX = {
    "api/records/": "record",
    "api/objections/": "objection",
    "api/rectifications/": "rectification",
    "api/rectification-items/": "item",
    "api/extension-requests/": "extension",
    "api/attachments/": "attachment",
    "api/accountability/": "accountability",
    "api/sanctions/": "sanction",
    "api/appeals/": "appeal",
    "api/repairs/": "repair",
    "api/notices/": "notice",
    "api/processes/": "process",
    "api/tasks/": "task",
    "inbox/processes/": "process",
    "inbox/tasks/": "task",
    "me/records/": "record",
    "unit/items/": "item",
    "work/cases/": "record",
    "work/attachments/": "attachment",
    "work/objections/": "objection",
    "work/rectifications/": "rectification",
    "work/items/": "item",
    "work/extensions/": "extension",
    "work/accountability/": "accountability",
    "work/sanctions/": "sanction",
    "work/appeals/": "appeal",
    "work/repairs/": "repair",
    "work/notices/": "notice",
    "work/people/": "person",
    "api/^people/": "person",
    "api/^organisations/": None,
    # Court lists (exchange.court): commission pages only, tested in tests/test_court_*.py.
    "work/court/": None,
    # The test-only kind (tests/testapp): its own visibility is tested in test_object_kinds.
    "work/cautions/": None,
    # Complaints are scoped by role, not by case: no unit sees any (tests/test_complaints*.py).
    "api/complaints/": None,
    "work/complaints/": None,
    # Self-reports are scoped by unit, not by case (tests/test_self_reports.py).
    "unit/reports/": None,
    # Commitments are scoped by unit, not by case (tests/test_commitments*.py).
    "work/commitments/": None,
    "unit/commitments/": None,
    # The annual assessment: years, not cases; its own scope is tested in tests/test_assessment.py.
    "work/assessment/": None,
    "unit/assessment/": None,
    # Risk alerts and SME payments (oversight): scoped by unit, tested in tests/test_risk_views.py.
    "work/alerts/": None,
    "unit/payments/": None,
    # 三员分立 (portal.duties): accounts, not cases; each screen its one role's, tested in
    # tests/test_sec_duties.py (the matrix of the three administrators).
    "system/": None,
    "security/": None,
    "audit/": None,
    # A user's own API tokens: scoped by user, tested in tests/test_sec_tokens.py.
    "accounts/tokens/": None,
}
LISTS = {
    "record-list": "record",
    "rectification-list": "rectification",
    "accountability-list": "accountability",
    "notice-list": "notice",
    "workflow-inbox": "task",
    "workflow-queue": "task",
    "workflow-process-list": "process",
    "person-list": "person",
}
PAGE_POSTS = {
    "workflow-claim-page",
    "workflow-release-page",
    "unit-item-evidence",
    "notice-render",
    "case-attachment-visibility",
    "api-token-revoke",
}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _methods(name: str, callback) -> list[str]:
    if name in PAGE_POSTS:
        return ["post"]
    if getattr(callback, "actions", None):  # a DRF viewset
        return sorted(callback.actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:  # a function view: a page
        return ["get"]
    return [m for m in ("get", "post") if hasattr(view_class, m)]


def _kind(route: str) -> str | None:
    prefix = max((p for p in KIND_BY_PREFIX if route.startswith(p)), key=len, default=None)
    if prefix is None:  # a new endpoint: say which object it names, and build one below
        raise LookupError(f"{route}: add the object it names to KIND_BY_PREFIX")
    return KIND_BY_PREFIX[prefix]


#: The action form (portal.cases, one route per kind) names a step besides the pk: for each
#: kind one the unit's liaison may not take on this world's case (the commission's, the
#: sanctioned person's own appeal, or an item's extension while one is already pending).
ACTION_STEPS = {
    "cases": "amend",
    "objections": "decide",
    "rectifications": "start-review",
    "items": "extension",
    "extensions": "decide",
    "accountability": "close",
    "sanctions": "appeal",
    "appeals": "decide",
    "repairs": "grant",
    "notices": "void",
}


class RouteName(str):
    """A URL name carrying its route's arguments besides the pk, for `url()`."""

    kwargs: dict


def _name(pattern: URLPattern) -> str:
    kind = pattern.default_args.get("kind")
    if pattern.name != "case-action" or kind is None:
        return pattern.name
    name = RouteName(pattern.name)
    name.kwargs = {"kind": kind, "step": ACTION_STEPS[kind]}
    return name


def object_urls() -> list[tuple[str, str, str]]:
    """(method, URL name, kind) of every URL that names one object by its pk."""
    found = []
    for route, pattern in _patterns(get_resolver()):
        if "pk>" not in route or route.startswith("admin/") or _kind(route) is None:
            continue
        found += [(m, _name(pattern), _kind(route)) for m in _methods(pattern.name, pattern.callback)]
    return sorted(found)


OBJECT_URLS = object_urls()
OUTSIDERS = ["other_liaison", "stranger"]


def url(name: str, pk: int) -> str:
    return reverse(name, kwargs={"pk": pk, **getattr(name, "kwargs", {})})


def call(user, method: str, path: str):
    return getattr(api(user), method)(path, {}, format="json")


#: Server-rendered pages (HTML, the anonymous sent to sign in): every route outside the API.
PAGE_NAMES = {pattern.name for route, pattern in _patterns(get_resolver()) if not route.startswith("api/")}


def is_page(name: str) -> bool:
    return name in PAGE_NAMES
