"""The admin: scoped like the API, records never written except by a service, ID numbers
masked, the audit trail read-only for everyone.

By default only the configuration roles enter the admin; a liaison or an officer gets the
Chinese 403 page there (tests/test_landing.py::test_only_configuration_roles_enter_the_admin).
These tests let liaisons and officers in, as a deployment may (settings
CHENGXIN["ADMIN_ROLES"]), to show that the admin's querysets and actions are scoped all the
same: a second line of defence behind the role check."""

import pytest

from casework.models import AuditEntry, Measure, Organisation, Record, RecordState, User
from casework.roles import Role

from . import lifecycle
from .api_fixtures import grant
from .factories import PersonFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fixed_today", "liaisons_and_officers_in_the_admin"),
]


@pytest.fixture
def liaisons_and_officers_in_the_admin(settings):
    roles = [*settings.CHENGXIN["ADMIN_ROLES"], Role.UNIT_LIAISON, Role.OFFICER]
    settings.CHENGXIN = {**settings.CHENGXIN, "ADMIN_ROLES": roles}


def change_url(record):
    return f"/admin/casework/record/{record.pk}/change/"


@pytest.fixture
def staff_liaison(liaison):
    """As issue #2 puts it: a unit liaison with staff status and `casework.view_record`."""
    return grant(liaison, "casework.view_record", "casework.view_person")


@pytest.fixture
def staff_officer(officer):
    return grant(
        officer,
        "casework.view_record",
        "casework.change_record",
        "casework.delete_record",
        "casework.view_person",
        "casework.view_auditentry",
    )


def test_a_liaison_gets_a_real_404_for_another_units_record(client, staff_liaison, theirs):
    client.force_login(staff_liaison)
    assert client.get(change_url(theirs)).status_code == 404
    assert client.get(f"/admin/casework/record/{theirs.pk}/history/").status_code == 404
    assert client.get("/admin/casework/record/999999/change/").status_code == 404


def test_a_liaison_reads_their_own_units_record_in_force(client, staff_liaison, ours, theirs):
    client.force_login(staff_liaison)
    response = client.get(change_url(ours))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    changelist = client.get("/admin/casework/record/")
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [ours]


def test_a_liaison_does_not_see_a_lead_about_their_unit(client, staff_liaison, officer, unit):
    lead = lifecycle.lead(officer=officer, organisation=unit)
    client.force_login(staff_liaison)
    assert client.get(change_url(lead)).status_code == 404


def test_a_decided_record_is_read_only_and_nothing_is_deleted(client, staff_officer, ours):
    client.force_login(staff_officer)
    before = Record.objects.filter(pk=ours.pk).values().get()
    response = client.get(change_url(ours))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert client.post(change_url(ours), {"facts": "改写"}).status_code == 403
    assert client.get(f"/admin/casework/record/{ours.pk}/delete/").status_code == 403
    assert Record.objects.filter(pk=ours.pk).values().get() == before


def test_a_record_cannot_be_added_or_deleted_even_by_a_superuser(admin_client, ours):
    assert admin_client.get("/admin/casework/record/add/").status_code == 403
    assert admin_client.get(f"/admin/casework/record/{ours.pk}/delete/").status_code == 403
    assert admin_client.get(change_url(ours)).status_code == 200


def test_the_start_verification_action_goes_through_the_service(client, staff_officer, unit):
    lead = lifecycle.lead(officer=staff_officer, organisation=unit)
    client.force_login(staff_officer)
    response = client.post(
        "/admin/casework/record/",
        {"action": "start_verification", "_selected_action": [lead.pk]},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.state == RecordState.VERIFYING and lead.assigned_officer == staff_officer
    entry = AuditEntry.objects.filter(record=lead).last()
    assert (entry.action, entry.actor, entry.ip_address) == ("start_verification", staff_officer, "127.0.0.1")


def test_an_action_refused_by_the_service_changes_nothing(client, staff_liaison, ours):
    client.force_login(staff_liaison)
    audit_before = AuditEntry.objects.count()
    response = client.post(
        "/admin/casework/record/", {"action": "archive", "_selected_action": [ours.pk]}, follow=True
    )
    assert response.status_code == 200
    assert any("没有权限" in str(m) for m in response.context["messages"])
    assert Record.objects.get(pk=ours.pk).state == RecordState.EFFECTIVE
    assert AuditEntry.objects.count() == audit_before


def test_the_audit_trail_is_read_only_for_everyone(admin_client, ours):
    entry = AuditEntry.objects.filter(record=ours).first()
    url = f"/admin/casework/auditentry/{entry.pk}"
    assert admin_client.get("/admin/casework/auditentry/").status_code == 200
    response = admin_client.get(f"{url}/change/")
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    assert admin_client.post(f"{url}/change/", {"reason": "x"}).status_code == 403
    assert admin_client.get(f"{url}/delete/").status_code == 403
    assert admin_client.get("/admin/casework/auditentry/add/").status_code == 403


def test_a_liaison_reads_only_the_audit_of_visible_records(client, staff_liaison, ours, theirs):
    grant(staff_liaison, "casework.view_auditentry")
    client.force_login(staff_liaison)
    listed = client.get("/admin/casework/auditentry/").context["cl"].result_list
    assert {e.record_id for e in listed} == {ours.pk}
    hidden = AuditEntry.objects.filter(record=theirs).first()
    assert client.get(f"/admin/casework/auditentry/{hidden.pk}/change/").status_code == 404


def test_deadlines_are_read_only(admin_client, ours):
    deadline = ours.deadlines.first()
    assert admin_client.get("/admin/casework/deadline/").status_code == 200
    assert admin_client.get("/admin/casework/deadline/add/").status_code == 403
    assert admin_client.post(f"/admin/casework/deadline/{deadline.pk}/change/", {}).status_code == 403


def test_id_numbers_are_masked_for_a_liaison(client, staff_liaison, civil_servant):
    person = civil_servant.person
    masked = person.masked_id_number
    client.force_login(staff_liaison)
    listed = client.get("/admin/casework/person/").content.decode()
    assert masked in listed and person.id_number not in listed
    detail = client.get(f"/admin/casework/person/{person.pk}/change/").content.decode()
    assert masked in detail and person.id_number not in detail
    # Search cannot be used to probe numbers either.
    found = client.get("/admin/casework/person/", {"q": person.id_number}).context["cl"].result_list
    assert list(found) == []


def test_an_officer_sees_masked_id_numbers_and_finds_a_person_by_the_full_number(
    client, staff_officer, civil_servant
):
    """PIPL: the full number is read on its own page with a reason (tests/test_sec_pipl.py)."""
    person = civil_servant.person
    client.force_login(staff_officer)
    listed = client.get("/admin/casework/person/").content.decode()
    assert person.masked_id_number in listed and person.id_number not in listed
    detail = client.get(f"/admin/casework/person/{person.pk}/change/").content.decode()
    assert person.id_number not in detail and f"/work/people/{person.pk}/id-number/" in detail
    spaced = f"{person.id_number[:6]} {person.id_number[6:14]} {person.id_number[14:].lower()}"
    found = client.get("/admin/casework/person/", {"q": spaced}).context["cl"].result_list
    assert list(found) == [person]


def test_a_liaison_gets_404_for_another_units_person(client, staff_liaison, other_unit):
    stranger = PersonFactory(unit=other_unit)
    client.force_login(staff_liaison)
    assert client.get(f"/admin/casework/person/{stranger.pk}/change/").status_code == 404


def test_a_superuser_adds_a_user_with_unit_and_role(admin_client, unit):
    from django.contrib.auth.models import Group

    assert admin_client.get("/admin/casework/user/add/").status_code == 200
    response = admin_client.post(
        "/admin/casework/user/add/",
        {
            "username": "new_liaison",
            "usable_password": "true",
            "password1": "a-Long-pass-9981",
            "password2": "a-Long-pass-9981",
            "organisation": unit.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new_liaison")
    assert user.organisation == unit
    change = admin_client.get(f"/admin/casework/user/{user.pk}/change/")
    assert change.status_code == 200
    assert change.context["adminform"].form.fields["groups"].label == "角色"
    assert Group.objects.filter(name="单位联络员").exists()


def test_an_organisation_page_shows_its_names(admin_client, unit):
    unit.names.create(name="东莞市甲局（旧称）", valid_from="2010-01-01", valid_to="2018-12-31")
    response = admin_client.get(f"/admin/casework/organisation/{unit.pk}/change/")
    assert response.status_code == 200
    assert "东莞市甲局（旧称）" in response.content.decode()
    assert Organisation.objects.count() >= 1


def test_a_measure_cited_by_a_record_cannot_be_deleted(admin_client, ours):
    cited = ours.measures.first()
    unused = Measure.objects.exclude(pk=cited.pk).filter(record__isnull=True).first()
    assert admin_client.get(f"/admin/casework/measure/{cited.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/casework/measure/{unused.pk}/delete/").status_code == 200
