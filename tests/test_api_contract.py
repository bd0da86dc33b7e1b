"""The API keeps the contract its schema states (/api/schema/), one test per class of
breach schemathesis found: ids no row can have answer 404/400 (never 500, on SQLite as on
PostgreSQL), everything under /api/ answers JSON (404, 405, 500 included), fields that can
be null say so, every status a step answers is documented and the roles that may take it
come from the lifecycle tables, a refused repair is not a 201, free texts are plausible,
and the read-only catalogues are scoped."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.views import APIView

from casework.lifecycle import RECORD_STEPS, RecordState, RepairState
from casework.models import ConflictDeclaration, Measure, Record, RepairApplication, SyncEvent
from casework.roles import Role
from notices.lifecycle import NOTICE_STEPS

from . import lifecycle
from .api_fixtures import api, db_state
from .factories import UserFactory
from .repair_cases import effective_record, set_today

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # beyond any integer column: SQLite raised OverflowError on it


def body_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    body = body_of(response)
    assert set(body) >= {"detail", "code", "field"} and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.fixture
def schema(officer):
    response = api(officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operation(schema: dict, method: str, path_template: str) -> dict:
    return schema["paths"][path_template][method]


# ── out-of-range and malformed ids ──────────────────────────────────────────────────


@pytest.mark.parametrize(
    "path",
    [
        f"/api/records/{HUGE}/",
        f"/api/records/{HUGE}/audit/",
        f"/api/records/{HUGE}/repairs/",
        f"/api/notices/{HUGE}/",
        f"/api/people/{HUGE}/",
        f"/api/processes/{HUGE}/",
        f"/api/accountability/{HUGE}/",
    ],
)
def test_an_id_in_the_path_that_no_row_can_have_is_a_json_404(officer, path):
    assert_error(api(officer).get(path), 404, "not_found")


def test_a_step_on_an_out_of_range_id_is_a_404_and_changes_nothing(officer):
    before = db_state()
    assert_error(api(officer).post(f"/api/records/{HUGE}/start-verification/"), 404)
    assert db_state() == before


@pytest.mark.parametrize("bad", [HUGE, -1, 0, "abc", 1.5])
def test_an_id_in_a_body_list_is_refused_naming_the_field(officer, bad):
    response = api(officer).post(
        "/api/notices/serve/",
        {"notices": [bad], "method": "IN_PERSON", "served_on": "2026-01-20", "proof": "送达回证 001 号"},
        format="json",
    )
    body = assert_error(response, 400, "invalid", "notices")
    assert "文书" in body["detail"]


def test_an_out_of_range_investigator_is_refused_naming_the_field(
    settings, officer, approver, unit, civil_servant
):
    from .accountability_steps import opened

    settings.CHENGXIN_TODAY = "2026-02-02"
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    case = opened(officer=officer, record=record, persons=[civil_servant.person])
    response = api(officer).post(
        f"/api/accountability/{case.pk}/investigate/", {"investigators": [officer.pk, HUGE]}, format="json"
    )
    body = assert_error(response, 400, "invalid", "investigators")
    assert "调查人员" in body["detail"]


def test_an_out_of_range_subject_is_refused_when_a_lead_is_registered(officer):
    before = db_state()
    response = api(officer).post(
        "/api/records/",
        {
            "subject_person": HUGE,
            "source": "HOTLINE",
            "lead_content": "拖欠工程款一百万元。",
            "received_on": "2026-01-05",
        },
        format="json",
    )
    body = assert_error(response, 400, "invalid", "subject_person")
    assert "失信公务员" in body["detail"]
    assert db_state() == before


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/records/", "subject_person"),
        ("/api/records/", "subject_organisation"),
        ("/api/notices/", "record"),
        ("/api/sync-events/", "record"),
    ],
)
def test_an_out_of_range_id_in_a_filter_is_a_400_naming_the_parameter(officer, path, field):
    assert_error(api(officer).get(path, {field: HUGE}), 400, "invalid", field)
    assert_error(api(officer).get(path, {field: "x"}), 400, "invalid", field)


def test_a_filter_by_an_id_that_does_not_exist_is_an_empty_page(officer):
    """Not an error that would tell apart rows that exist from rows the user may not see."""
    response = api(officer).get("/api/notices/", {"record": 123456789})
    assert response.status_code == 200 and response.json()["results"] == []


# ── JSON everywhere under /api/ ─────────────────────────────────────────────────────


class Boom(APIView):
    def get(self, request):
        raise RuntimeError("a bug")


def plain_boom(request):
    raise RuntimeError("a bug in a plain view")


def overflow(request):
    raise OverflowError("date value out of range")


class Overflow(APIView):
    def get(self, request):
        return overflow(request)


urlpatterns = [
    path("api/test/boom/", Boom.as_view()),
    path("api/test/plain-boom/", plain_boom),
    path("api/test/overflow/", Overflow.as_view()),
    path("not-api/boom/", plain_boom),
    path("", include("config.urls")),
]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unknown_address_under_api_is_a_json_404(settings, officer, debug):
    settings.DEBUG = debug
    body = assert_error(api(officer).get("/api/no-such-thing/"), 404, "not_found")
    assert body["field"] is None
    assert_error(Client().get("/api/records/1/no-such-step/"), 404)


def test_an_unknown_address_outside_the_api_keeps_its_html_page(officer):
    response = api(officer).get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_method_the_endpoint_does_not_take_is_a_json_405(officer):
    body = assert_error(api(officer).delete("/api/records/"), 405, "method_not_allowed")
    assert "DELETE" in body["detail"]
    assert_error(api(officer).put("/api/docs/"), 405)


@pytest.mark.urls("tests.test_api_contract")
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("address", ["/api/test/boom/", "/api/test/plain-boom/"])
def test_a_server_error_under_api_is_json(settings, officer, debug, address):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    body = assert_error(client.get(address), 500, "server_error")
    assert "a bug" not in body["detail"]  # no internals to the client
    outside = client.get("/not-api/boom/")
    assert outside.status_code == 500 and not outside["Content-Type"].startswith("application/json")


@pytest.mark.urls("tests.test_api_contract")
def test_a_number_out_of_range_that_slips_through_is_a_400_not_a_500(officer):
    assert_error(api(officer).get("/api/test/overflow/"), 400, "out_of_range")


# ── nullable fields ─────────────────────────────────────────────────────────────────


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return resolve(schema, node["allOf"][0])
    return node


def nulls_off_the_schema(schema: dict, value, node: dict, where: str = "") -> list[str]:
    """Every place in `value` that is null where the schema does not say `nullable`."""
    node = resolve(schema, node)
    if value is None:
        return [] if node.get("nullable") else [where or "(root)"]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in node.get("properties", {}):
                found += nulls_off_the_schema(schema, item, node["properties"][key], f"{where}.{key}")
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            found += nulls_off_the_schema(schema, item, node["items"], f"{where}[{index}]")
    return found


def response_schema(schema: dict, path_template: str, method: str = "get", status: str = "200") -> dict:
    return operation(schema, method, path_template)["responses"][status]["content"]["application/json"][
        "schema"
    ]


def test_the_nulls_of_a_fresh_lead_are_declared(schema, officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    detail = api(officer).get(f"/api/records/{lead.pk}/").json()
    assert detail["determined_by"] is None and detail["proposed_by"] is None
    assert nulls_off_the_schema(schema, detail, response_schema(schema, "/api/records/{id}/")) == []


def test_the_nulls_a_unit_sees_are_declared(settings, schema, officer, approver, liaison, unit):
    record = effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )
    audit = api(liaison).get(f"/api/records/{record.pk}/audit/").json()
    assert audit and all(entry["ip_address"] is None for entry in audit)
    assert nulls_off_the_schema(schema, audit, response_schema(schema, "/api/records/{id}/audit/")) == []
    detail = api(liaison).get(f"/api/records/{record.pk}/").json()
    assert detail["lead_content"] is None
    assert nulls_off_the_schema(schema, detail, response_schema(schema, "/api/records/{id}/")) == []


def test_the_nulls_of_waiting_tasks_are_declared(schema, officer, unit):
    lifecycle.lead(officer=officer, organisation=unit)
    queue = api(officer).get("/api/queue/").json()
    assert queue["results"] and any(task["owner"] is None for task in queue["results"])
    assert nulls_off_the_schema(schema, queue, response_schema(schema, "/api/queue/")) == []


@pytest.mark.parametrize(
    "field",
    [
        "RecordDetail.determined_by",
        "RecordDetail.assigned_officer",
        "RecordDetail.proposed_by",
        "AuditEntry.ip_address",
        "AccountabilityDetail.unit_name",
        "Task.owner",
        "ProcessTask.owner",
        "RepairApplication.decided_by",
    ],
)
def test_fields_that_can_be_null_say_so(schema, field):
    component, name = field.split(".")
    assert schema["components"]["schemas"][component]["properties"][name].get("nullable") is True


# ── documented statuses, and the status the schema says ─────────────────────────────


def test_every_operation_documents_its_error_statuses(schema):
    missing = []
    for path_template, methods in schema["paths"].items():
        for method, op in methods.items():
            statuses = set(op["responses"])
            expected = set()
            if method == "post":
                expected |= {"400"}
            if "{" in path_template:
                expected |= {"404"}
            if path_template != "/api/auth/token/":
                expected |= {"403"} | ({"409"} if method == "post" else set())
            if expected - statuses:
                missing.append((method, path_template, sorted(expected - statuses)))
            for status in statuses - {"200", "201"}:
                if status.startswith(("4", "5")):
                    content = op["responses"][status].get("content", {})
                    assert "application/json" in content, (method, path_template, status)
    assert missing == []


def test_a_wrong_state_step_answers_the_400_the_schema_describes(schema, officer, approver, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    response = api(approver).post(f"/api/records/{lead.pk}/determine/", {}, format="json")
    assert_error(response, 400, "illegal_transition", "state")
    documented = operation(schema, "post", "/api/records/{id}/determine/")["responses"]["400"]
    assert "illegal_transition" in documented["description"]
    assert (
        "conflict"
        in operation(schema, "post", "/api/records/{id}/determine/")["responses"]["409"]["description"]
    )


def test_a_step_in_a_role_without_the_right_answers_the_documented_403(schema, officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    assert_error(
        api(officer).post(f"/api/records/{lead.pk}/dismiss/", {"reason": "不属实。"}, format="json"), 403
    )
    assert "403" in operation(schema, "post", "/api/records/{id}/dismiss/")["responses"]


def test_a_cursor_the_list_did_not_write_is_a_documented_400(schema, officer):
    assert_error(api(officer).get("/api/records/", {"cursor": "999"}), 400, "invalid_cursor", "cursor")
    assert "invalid_cursor" in operation(schema, "get", "/api/records/")["responses"]["400"]["description"]


# ── the roles of each step, from the lifecycle tables ──────────────────────────────


def test_each_record_step_says_who_may_take_it_from_the_table(schema):
    found = 0
    for methods in schema["paths"].values():
        op = methods.get("post", {})
        step_name = op.get("operationId", "").removeprefix("records_")
        if not op.get("operationId", "").startswith("records_") or step_name not in RECORD_STEPS:
            continue
        roles = [r for r in Role if r in RECORD_STEPS[step_name].roles and r != Role.SYSTEM]
        assert op["x-roles"] == [r.value for r in roles], step_name
        assert op["x-lifecycle"][0]["step"] == step_name
        assert all(str(r.label) in op["description"] for r in roles), op["description"]
        found += 1
    assert found >= 10


def test_notice_steps_say_who_may_take_them(schema):
    approve = operation(schema, "post", "/api/notices/{id}/approve/")
    assert approve["x-roles"] == [
        r for r in (Role.OFFICER, Role.APPROVER) if r in NOTICE_STEPS["approve"].roles
    ]
    assert "审批人员" in approve["description"]


def test_a_step_the_system_also_takes_says_so(schema):
    archive = operation(schema, "post", "/api/records/{id}/archive/")
    assert archive["x-roles"] == ["officer"]
    assert "系统也会自动执行" in archive["description"]


# ── a refused repair is not a 201 ───────────────────────────────────────────────────


@pytest.fixture
def effective(settings, officer, approver, unit):
    return effective_record(
        settings, officer=officer, approver=approver, organisation=unit, determined_on=dt.date(2026, 1, 15)
    )


COMMITMENT = {"commitment": "本单位承诺：已纠正失信行为，今后依法依规履约践诺。"}


def test_a_repair_refused_on_filing_answers_422_with_the_recorded_refusal(settings, schema, effective, head):
    set_today(settings, "2026-04-15")  # the shortest disclosure period has not run
    response = api(head).post(f"/api/records/{effective.pk}/repairs/", COMMITMENT, format="json")

    body = assert_error(response, 422, "repair_refused")
    assert "最短公示期未满" in body["detail"]
    application = RepairApplication.objects.get()
    assert application.state == RepairState.REFUSED
    assert body["application"]["id"] == application.pk and body["application"]["state"] == "REFUSED"
    responses = operation(schema, "post", "/api/records/{id}/repairs/")["responses"]
    assert {"201", "422"} <= set(responses)


def test_an_eligible_repair_application_is_still_a_201(settings, effective, head):
    set_today(settings, "2026-06-17")
    response = api(head).post(f"/api/records/{effective.pk}/repairs/", COMMITMENT, format="json")
    assert response.status_code == 201 and response.json()["state"] == RepairState.ACCEPTED


# ── plausible facts, basis and reasons ──────────────────────────────────────────────


@pytest.fixture
def verifying(officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    assert api(officer).post(f"/api/records/{lead.pk}/start-verification/").status_code == 200
    return lead


def propose(officer, record, **changes):
    data = {
        "category": "PRM",
        "domain": "PROCUREMENT",
        "tier": "GENERAL",
        "facts": "该单位在政府采购合同履约中拖欠中小企业账款。",
        "legal_basis": "《保障中小企业款项支付条例》第九条",
        "measure_ids": [Measure.objects.get(code="M01").pk],
        **changes,
    }
    return api(officer).post(f"/api/records/{record.pk}/propose/", data, format="json")


@pytest.mark.parametrize(
    ("changes", "field", "code", "words"),
    [
        ({"facts": "噪声"}, "facts", "too_short", ["失信事实", "10"]),
        ({"facts": "拖欠    账款"}, "facts", "too_short", ["失信事实", "不计空格"]),
        ({"facts": "该单位拖欠中小企业账款\x07一百万元。"}, "facts", "control_characters", ["失信事实"]),
        ({"facts": "拖欠账款。" * 5000}, "facts", "too_long", ["失信事实", "20000"]),
        ({"legal_basis": "依据"}, "legal_basis", "too_short", ["认定依据", "4"]),
    ],
)
def test_implausible_texts_are_refused_naming_the_field(officer, verifying, changes, field, code, words):
    before = db_state(verifying.pk)
    body = assert_error(propose(officer, verifying, **changes), 400, code, field)
    assert all(word in body["detail"] for word in words), body["detail"]
    assert db_state(verifying.pk) == before


def test_plausible_texts_pass_with_line_breaks_kept_and_windows_ones_made_plain(officer, verifying):
    facts = "一、拖欠中小企业账款一百万元；\r\n二、逾期\t三个月未支付。"
    assert propose(officer, verifying, facts=facts).status_code == 200
    assert (
        Record.objects.get(pk=verifying.pk).facts
        == "一、拖欠中小企业账款一百万元；\n二、逾期\t三个月未支付。"
    )


def test_a_one_character_reason_is_refused_and_a_word_is_enough(officer, approver, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    body = assert_error(
        api(approver).post(f"/api/records/{lead.pk}/dismiss/", {"reason": "无"}, format="json"),
        400,
        "too_short",
        "reason",
    )
    assert "理由" in body["detail"]
    response = api(approver).post(f"/api/records/{lead.pk}/dismiss/", {"reason": "不实"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == RecordState.DISMISSED


@pytest.mark.parametrize(
    "data", [{"facts": "拖欠\x00账款"}, {"evidence": ["证据\x00一"]}, {"subject": {"post\x00": "局长"}}]
)
def test_a_null_character_in_a_notice_s_data_is_refused_not_a_database_error(officer, unit, data):
    """PostgreSQL cannot store U+0000 in JSON: a 400 on both databases, never a 500 on one."""
    lead = lifecycle.lead(officer=officer, organisation=unit)
    before = db_state()
    response = api(officer).post(
        "/api/notices/", {"type_code": "N1", "record": lead.pk, "data": data}, format="json"
    )
    assert_error(response, 400, "invalid", "data")
    assert db_state() == before


def test_the_minimums_are_a_setting(settings, officer, verifying):
    settings.CHENGXIN = {**settings.CHENGXIN, "TEXT_MIN_LENGTH": {"facts": 30}}
    assert_error(propose(officer, verifying), 400, "too_short", "facts")


# ── the read-only catalogues ────────────────────────────────────────────────────────


def test_the_measure_catalogue_lists_the_measures_in_force_with_whom_they_apply_to(officer, liaison):
    retired = Measure.objects.create(code="MX", name="已废止的措施", legal_basis="旧规", is_active=False)
    body = api(liaison).get("/api/measures/").json()
    codes = [m["code"] for m in body["results"]]
    assert "M01" in codes and retired.code not in codes
    m01 = next(m for m in body["results"] if m["code"] == "M01")
    assert set(m01) == {"id", "code", "name", "legal_basis", "applies_to_organisations", "applies_to_persons"}
    for_persons = api(officer).get("/api/measures/", {"applies_to": "person"}).json()["results"]
    assert for_persons and all(m["applies_to_persons"] for m in for_persons)


def test_the_users_who_may_be_named_are_the_role_holders_with_minimal_fields(
    officer, approver, liaison, unit
):
    colleague = UserFactory(username="colleague", first_name="林", roles=[Role.OFFICER])
    UserFactory(username="boss", is_superuser=True, is_staff=True)
    UserFactory(username="gone", roles=[Role.OFFICER], is_active=False)

    body = api(officer).get("/api/users/assignable/", {"role": "investigator"}).json()

    assert {u["id"] for u in body["results"]} == {officer.pk, colleague.pk}
    assert set(body["results"][0]) == {"id", "name", "unit", "unit_name", "roles"}
    assert all("officer" in u["roles"] for u in body["results"])
    approvers = api(officer).get("/api/users/assignable/", {"role": "approver"}).json()["results"]
    assert [u["id"] for u in approvers] == [approver.pk]
    assert_error(
        api(officer).get("/api/users/assignable/", {"role": "civil_servant"}), 400, "invalid", "role"
    )


def test_an_officer_who_declared_a_conflict_is_not_offered_for_that_case(officer, unit):
    colleague = UserFactory(username="colleague", roles=[Role.OFFICER])
    ConflictDeclaration.objects.create(user=colleague, organisation=unit, reason="配偶在该单位任职")
    lead = lifecycle.lead(officer=officer, organisation=unit)

    body = api(officer).get("/api/users/assignable/", {"record": lead.pk}).json()

    assert [u["id"] for u in body["results"]] == [officer.pk]


def test_sync_events_show_due_dates_and_acknowledgements(settings, effective, officer):
    events = api(officer).get("/api/sync-events/", {"record": effective.pk}).json()["results"]
    assert events
    event = events[0]
    assert {"kind", "due_on", "acknowledged", "acknowledged_at", "overdue", "attempts"} <= set(event)
    assert event["acknowledged"] is False and event["acknowledged_at"] is None
    SyncEvent.objects.filter(pk=event["id"]).update(acknowledged_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    pending = api(officer).get("/api/sync-events/", {"record": effective.pk, "pending": "true"}).json()
    assert event["id"] not in [e["id"] for e in pending["results"]]


@pytest.mark.parametrize("address", ["/api/sync-events/", "/api/users/assignable/"])
def test_a_liaison_may_not_read_the_commission_catalogues(liaison, address):
    assert_error(api(liaison).get(address), 403, "permission_denied")
