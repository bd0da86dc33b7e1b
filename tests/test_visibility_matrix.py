"""Every list, page, download and endpoint shows a user only what they may see (DOMAIN §2;
scenario 29: a user who may not see a case cannot open it; scenario 30: no personal data on
public pages).

One case of each kind is built for unit A through the real services: a record in force with
an objection, a served rectification with an item, its evidence and an extension request, a
repair application, an accountability case with a sanction and an appeal, an issued notice.
Then every URL that names one of those objects (found by walking the URL resolver, so a new
endpoint is covered or this module fails) is tried by three outsiders: unit B's liaison and a
civil servant of unit A who has nothing to do with the case get the same 404 as for an id
that does not exist, never a 200 or a 403 that would confirm the object exists; anonymous
gets 401/403 from the API and the login page from the pages. Lists never show A's objects
to them. Within unit A, what is still internal (a case under investigation and its files,
an order not yet served, a notice in draft) stays hidden from the unit's own liaison too.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse
from viewflow.workflow.models import Process, Task

from casework.action_labels import action_label
from casework.api.serializers import EmptyInput
from casework.models import AuditEntry, Deadline, Record, User
from casework.roles import Role
from notices import services as notice_services
from notices.models import Notice, NoticeSequence, ServiceEvent, VoidedNumber

from . import lifecycle, notice_cases, rectification_steps
from .api_fixtures import api, grant
from .visibility_world import (  # noqa: F401 (fixtures)
    KIND_BY_PREFIX,
    LISTS,
    OBJECT_URLS,
    OUTSIDERS,
    TODAY,
    call,
    is_page,
    today_fixture,
    url,
    world_fixture,
)

pytestmark = pytest.mark.django_db
MISSING = 987654321

# ── outsiders: a 404 indistinguishable from a missing id, on every object URL ──────


def test_the_matrix_covers_every_object_of_the_case():
    kinds = {kind for _method, _name, kind in OBJECT_URLS}
    assert kinds == set(KIND_BY_PREFIX.values()) - {None}
    assert len(OBJECT_URLS) > 70


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("method", "name", "kind"), OBJECT_URLS)
def test_an_outsider_gets_the_404_of_a_missing_id(world, who, method, name, kind):
    user = world.users[who]
    hidden = call(user, method, url(name, world.ids[kind]))
    missing = call(user, method, url(name, MISSING))
    # A page of another role (the unit's pages for a civil servant) is the 403 page whatever
    # the id: it tells nothing of the object either.
    expected = 403 if is_page(name) and missing.status_code == 403 else 404
    assert hidden.status_code == expected, (hidden.status_code, getattr(hidden, "data", None))
    assert missing.status_code == expected
    if is_page(name):
        assert world.record.reference not in hidden.content.decode()
    else:
        assert hidden.data == missing.data
        assert hidden.data["code"] == "not_found"


@pytest.mark.parametrize(("method", "name", "kind"), OBJECT_URLS)
def test_anonymous_is_asked_to_sign_in_on_every_object_url(world, method, name, kind):
    response = call(None, method, url(name, world.ids[kind]))
    if is_page(name):
        assert response.status_code == 302 and "login" in response["Location"]
    else:
        assert response.status_code in (401, 403)
        assert response.data["code"] == "not_authenticated"


READS = [(name, kind) for method, name, kind in OBJECT_URLS if method == "get"]


@pytest.mark.parametrize(("name", "kind"), READS)
def test_the_case_officer_reads_every_object_url(world, name, kind):
    """The other side of the matrix: the ids are right, the 404s above are the scope's."""
    response = call(world.users["officer"], "get", url(name, world.ids[kind]))
    assert response.status_code == 200, getattr(response, "data", response)


# ── lists ─────────────────────────────────────────────────────────────────────────


def _listed_ids(response) -> set[int]:
    rows = response.data["results"] if isinstance(response.data, dict) else response.data
    return {row["id"] for row in rows}


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("name", "kind"), sorted(LISTS.items()))
def test_an_outsiders_lists_never_show_the_case(world, who, name, kind):
    response = call(world.users[who], "get", reverse(name))
    assert response.status_code == 200
    assert world.ids[kind] not in _listed_ids(response)
    body = response.content.decode()
    assert world.record.reference not in body and world.person.name not in body


@pytest.mark.parametrize("name", sorted(LISTS))
def test_anonymous_gets_no_list(world, name):
    response = call(None, "get", reverse(name))
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_outsiders_inbox_page_shows_nothing_of_the_case(world, who):
    page = api(world.users[who]).get(reverse("workflow-inbox-page"))
    assert page.status_code == 200
    assert world.record.reference not in page.content.decode()


def test_anonymous_is_sent_to_sign_in_from_the_inbox_page(world):
    page = api().get(reverse("workflow-inbox-page"))
    assert page.status_code == 302 and "login" in page["Location"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_outsider_cannot_draft_or_serve_notices_of_the_case(world, who):
    client = api(world.users[who])
    drafted = client.post("/api/notices/", {"type_code": "N3", "record": world.record.pk}, format="json")
    assert drafted.status_code == 404, drafted.data
    body = {"notices": [world.ids["notice"]], "method": "IN_PERSON", "served_on": TODAY, "proof": "回证"}
    assert client.post("/api/notices/serve/", body, format="json").status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_an_outsider_does_not_see_the_case_s_people_or_eligibility(world, who):
    client = api(world.users[who])
    check = client.post("/api/honours/check/", {"person": world.person.pk, "purpose": "评优"}, format="json")
    assert check.status_code in (403, 404)
    assert world.person.name not in check.content.decode()


# ── within unit A: every step through its service, with the step's role ──────────

ACTIONS = [(name, kind) for method, name, kind in OBJECT_URLS if method == "post"]


def _refusals(name: str) -> set[int]:
    """What refusing the liaison looks like: the role (403) once input parses; a step with
    input may stop at the input first (400; 415 for a file upload sent as JSON)."""
    if name == "workflow-task-release":
        return {409}  # a task the user has not claimed: nothing to give back
    func = resolve(url(name, 1)).func
    view_class = getattr(func, "view_class", None) or func.cls  # a viewset's action: `cls`
    return {403} if getattr(view_class, "input_serializer", None) is EmptyInput else {400, 403, 415}


@pytest.mark.parametrize(("name", "kind"), ACTIONS)
def test_the_units_liaison_cannot_take_the_commission_s_steps(world, name, kind):
    """The unit sees its case but acts only in its own steps (DOMAIN §2): a step without input
    reaches its service, which refuses the role (403); nothing is written either way."""
    before = AuditEntry.objects.count(), list(Task.objects.values_list("pk", "status", "owner"))
    response = call(world.users["liaison"], "post", url(name, world.ids[kind]))
    if is_page(name):
        assert response.status_code == 302  # back to the inbox, with the refusal as a message
    else:
        assert response.status_code in _refusals(name), response.data
    assert (AuditEntry.objects.count(), list(Task.objects.values_list("pk", "status", "owner"))) == before


# ── within unit A: what is still internal stays hidden from the unit itself ──────


MODEL_OF = {"extension": "extensionrequest", "repair": "repairapplication"}


def test_the_unit_sees_its_served_case_in_force(world):
    client = api(world.users["liaison"])
    for name, kind in [
        ("record-detail", "record"),
        ("objection-detail", "objection"),
        ("rectification-detail", "rectification"),
        ("accountability-detail", "accountability"),
        ("repair-detail", "repair"),
        ("notice-detail", "notice"),
        ("notice-download", "notice"),
        ("attachment-download", "attachment"),
        ("workflow-process-detail", "process"),
    ]:
        assert client.get(url(name, world.ids[kind])).status_code == 200, name
    trail = {e["seq"] for e in client.get(f"/api/records/{world.record.pk}/audit/").data}
    about = {(e.content_type.model, e.object_id) for e in AuditEntry.objects.filter(seq__in=trail)}
    for kind in (
        "record",
        "objection",
        "rectification",
        "extension",
        "attachment",
        "accountability",
        "repair",
    ):
        assert (MODEL_OF.get(kind, kind), str(world.ids[kind])) in about, kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("accountability-detail", "accountability"),
        ("attachment-download", "attachment"),
        ("attachment-download", "record_file"),
        ("rectification-detail", "rectification"),
        ("notice-detail", "notice"),
        ("notice-download", "notice"),
        ("notice-detail", "order_notice"),
        ("notice-download", "order_notice"),
        ("workflow-process-detail", "process"),
        ("workflow-task-detail", "task"),
        ("workflow-process-detail", "case_process"),
        ("workflow-task-detail", "case_task"),
        ("workflow-process-page", "process"),
        ("workflow-process-page", "case_process"),
    ],
)
def test_the_unit_gets_404_for_what_is_still_internal(world, name, kind):
    """A case under investigation (S14 Art 43: the unit hears of it at the hearing), an order
    not yet served (nor its notice), a notice not yet issued: none exists for the unit yet."""
    response = call(world.users["liaison"], "get", url(name, world.hidden[kind]))
    assert response.status_code == 404


def test_the_units_lists_leave_out_what_is_still_internal(world):
    client = api(world.users["liaison"])
    files = _listed_ids(client.get(f"/api/records/{world.record.pk}/attachments/"))
    assert world.ids["attachment"] in files and world.hidden["record_file"] not in files
    case_page = client.get(reverse("case-detail", args=[world.record.pk])).content.decode()
    assert "核查笔录-证人.pdf" not in case_page and "付款回单.pdf" in case_page
    record = world.internal.pk
    assert world.hidden["attachment"] not in _listed_ids(client.get(f"/api/records/{record}/attachments/"))
    processes = _listed_ids(client.get("/api/processes/"))
    assert world.ids["process"] in processes
    assert not {world.hidden["process"], world.hidden["case_process"]} & processes
    assert world.hidden["rectification"] not in _listed_ids(
        client.get(f"/api/records/{record}/rectifications/")
    )
    assert world.hidden["accountability"] not in _listed_ids(client.get("/api/accountability/"))
    notices = _listed_ids(client.get(f"/api/notices/?record={record}"))
    assert not {world.hidden["notice"], world.hidden["order_notice"]} & notices


def _about(model_label: str, pk: int) -> tuple[int, str]:
    app_label, model = model_label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model).pk, str(pk)


def _internal_entries(world) -> list[AuditEntry]:
    """The audit entries about the internal objects on `world.internal`: one at least each."""
    hidden = [
        _about("casework.accountability", world.hidden["accountability"]),
        _about("casework.attachment", world.hidden["attachment"]),
        _about("casework.rectification", world.hidden["rectification"]),
        _about("notices.notice", world.hidden["notice"]),
        _about("notices.notice", world.hidden["order_notice"]),
    ]
    entries = [
        e
        for e in AuditEntry.objects.filter(record=world.internal)
        if (e.content_type_id, e.object_id) in hidden
    ]
    assert {(e.content_type_id, e.object_id) for e in entries} == set(hidden)
    return entries


def test_the_units_audit_trail_leaves_out_what_is_still_internal(world):
    """The trail of the record is read by the subject too: it must not tell of an
    investigation, an unserved order, a draft or a file the subject may not see."""
    trail = call(world.users["liaison"], "get", f"/api/records/{world.internal.pk}/audit/")
    assert trail.status_code == 200
    shown = {entry["seq"] for entry in trail.data}
    assert [(e.action, e.object_repr) for e in _internal_entries(world) if e.seq in shown] == []
    assert "调查笔录.pdf" not in trail.content.decode()
    written = AuditEntry.objects.filter(record=world.internal)
    officer_trail = call(world.users["officer"], "get", f"/api/records/{world.internal.pk}/audit/")
    assert len(officer_trail.data) == written.count()


# ── the admin: the same scopes, and nothing decided or issued is written there ─────
# By default only the configuration roles enter the admin (the others get the 403 page:
# tests/test_landing.py); these tests let units and outsiders in, as a deployment may, to
# show that its querysets are scoped all the same.


@pytest.fixture
def units_in_the_admin(settings):
    roles = [Role.SYSTEM_ADMIN, Role.UNIT_LIAISON, Role.UNIT_HEAD, Role.CIVIL_SERVANT]
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": roles}


ADMIN_VIEWS = (
    "casework.view_record",
    "casework.view_auditentry",
    "casework.view_deadline",
    "notices.view_notice",
    "notices.view_serviceevent",
    "viewflow.view_process",
    "viewflow.view_task",
)
ADMIN_LISTS = [
    "casework_record",
    "casework_auditentry",
    "casework_deadline",
    "notices_notice",
    "notices_serviceevent",
    "viewflow_process",
    "viewflow_task",
]


def _admin_pages(world) -> list[str]:
    entry = AuditEntry.objects.filter(record=world.record).first()
    return [
        reverse("admin:casework_record_change", args=[world.record.pk]),
        reverse("admin:casework_auditentry_change", args=[entry.pk]),
        reverse("admin:notices_notice_change", args=[world.ids["notice"]]),
        reverse("admin:viewflow_process_change", args=[world.ids["process"]]),
        reverse("admin:viewflow_task_change", args=[world.ids["task"]]),
    ]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.usefixtures("units_in_the_admin")
def test_an_outsider_with_admin_access_sees_nothing_of_the_case_there(world, who):
    client = api(grant(world.users[who], *ADMIN_VIEWS))
    for model in ADMIN_LISTS:
        page = client.get(reverse(f"admin:{model}_changelist"))
        assert page.status_code == 200, model
        assert world.record.reference not in page.content.decode(), model
    for path in _admin_pages(world):
        assert client.get(path).status_code == 404, path


@pytest.mark.usefixtures("units_in_the_admin")
def test_the_units_admin_pages_leave_out_what_is_still_internal(world):
    client = api(grant(world.users["liaison"], *ADMIN_VIEWS))
    record_page = client.get(reverse("admin:casework_record_change", args=[world.internal.pk]))
    assert record_page.status_code == 200
    html = record_page.content.decode()
    assert "调查笔录.pdf" not in html
    assert action_label("accountability.initiate") not in html and "accountability.initiate" not in html
    listed = client.get(reverse("admin:casework_auditentry_changelist")).content.decode()
    for entry in _internal_entries(world):
        assert reverse("admin:casework_auditentry_change", args=[entry.pk]) not in listed
        assert client.get(reverse("admin:casework_auditentry_change", args=[entry.pk])).status_code == 404


def test_nothing_decided_issued_or_audited_is_written_through_the_admin(world, rf):
    """Superusers included: those change only through their services (ARCHITECTURE §3)."""
    request = rf.get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model in (AuditEntry, Deadline, Notice, ServiceEvent, NoticeSequence, VoidedNumber, Process, Task):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.has_add_permission(request), model
    records = admin.site._registry[Record]
    assert not records.has_add_permission(request) and not records.has_delete_permission(request)
    assert not records.has_change_permission(request, world.record)  # EFFECTIVE: decided


# ── the public verification page (scenario 30) ────────────────────────────────────


@pytest.fixture
def person_notice(world):
    """A notice issued about a civil servant's own record."""
    users = world.users
    officer, approver = users["officer"], users["approver"]
    record = lifecycle.effective(officer=officer, approver=approver, person=world.person)
    # Whom it is about comes from the record (the type's builder), not from demo data.
    data = {k: v for k, v in notice_cases.complete("N2", record).items() if k not in ("subject", "addressee")}
    notice = notice_services.notice_draft(acting_user=officer, type_code="N2", record_id=record.pk, data=data)
    return notice_cases.issue(officer=officer, approver=approver, notice=notice)


def test_the_public_page_shows_no_personal_data_of_a_person_record(world, person_notice):
    """Scenario 30: public pages never show ID-card numbers, nor whom a person record is about."""
    person = world.person
    assert person.name in str(person_notice.data["subject"])  # the notice itself names them
    for page in (
        api().get(f"/verify/{person_notice.verify_code}"),
        api().post("/verify/", {"pdf": rectification_steps.upload("x.pdf", bytes(person_notice.pdf))}),
    ):
        html = page.content.decode()
        assert page.status_code == 200 and person_notice.number in html
        for personal in (person.name, person.id_number, person.masked_id_number, person.unit.name):
            assert personal not in html
        assert person_notice.record.reference not in html
