"""A declared 回避 conflict hides the subject's records as one anti-join, and nothing else.

Each declaration names either a unit or a person; the other column is NULL, and a record's
subject is likewise a unit or a person. A declaration on a unit must hide exactly that
unit's records, never a person's (NULL equals nothing), and the other way round.
"""

import pytest

from casework.models import ConflictDeclaration
from casework.permissions import visible_records
from casework.queries import deadline_list

from . import lifecycle
from .api_fixtures import api
from .factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture
def world(officer, approver, unit, other_unit):
    """Two units' records and two persons' records, all in force."""
    declared_person, other_person = PersonFactory(unit=unit), PersonFactory(unit=other_unit)
    effective = lambda **subject: lifecycle.effective(officer=officer, approver=approver, **subject)  # noqa: E731
    return {
        "unit": effective(organisation=unit),
        "other_unit": effective(organisation=other_unit),
        "person": effective(person=declared_person),
        "other_person": effective(person=other_person),
        "declared_person": declared_person,
    }


def listed(user) -> set[int]:
    return {row["id"] for row in api(user).get("/api/records/").data["results"]}


def test_without_a_declaration_every_record_is_listed(approver, world):
    assert listed(approver) == {world[k].pk for k in ("unit", "other_unit", "person", "other_person")}


def test_a_unit_declaration_hides_that_units_records_and_no_persons(approver, other_unit, world):
    ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="近亲属在该单位任职")
    assert listed(approver) == {world["unit"].pk, world["person"].pk, world["other_person"].pk}
    assert api(approver).get(f"/api/records/{world['other_unit'].pk}/").status_code == 404
    assert api(approver).get(f"/api/records/{world['other_unit'].pk}/audit/").status_code == 404


def test_a_person_declaration_hides_that_persons_records_and_no_units(approver, world):
    ConflictDeclaration.objects.create(user=approver, person=world["declared_person"], reason="本人亲属")
    assert listed(approver) == {world["unit"].pk, world["other_unit"].pk, world["other_person"].pk}
    assert api(approver).get(f"/api/records/{world['person'].pk}/").status_code == 404


def test_declarations_of_both_kinds_hide_both_and_only_them(approver, other_unit, world):
    ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="近亲属在该单位任职")
    ConflictDeclaration.objects.create(user=approver, person=world["declared_person"], reason="本人亲属")
    assert listed(approver) == {world["unit"].pk, world["other_person"].pk}
    # the rows hanging on records follow their record
    deadlines = {d.record_id for d in deadline_list(user=approver)}
    assert deadlines <= {world["unit"].pk, world["other_person"].pk}
    assert world["unit"].pk in deadlines


def test_another_users_declaration_hides_nothing_from_this_user(officer, approver, other_unit, world):
    ConflictDeclaration.objects.create(user=officer, organisation=other_unit, reason="近亲属在该单位任职")
    assert world["other_unit"].pk in listed(approver)
    assert world["other_unit"].pk not in listed(officer)


def test_a_declaration_made_or_withdrawn_after_a_first_read_counts_for_the_same_user_object(
    approver, other_unit, world
):
    """The declarations are read once per user object, and read again when one changes."""
    assert visible_records(approver).filter(pk=world["other_unit"].pk).exists()
    declaration = ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="回避")
    assert not visible_records(approver).filter(pk=world["other_unit"].pk).exists()
    declaration.delete()
    assert visible_records(approver).filter(pk=world["other_unit"].pk).exists()


def test_the_filter_is_one_anti_join_and_absent_without_a_declaration(approver, other_unit, world):
    table = ConflictDeclaration._meta.db_table
    assert table not in str(visible_records(approver).query)
    ConflictDeclaration.objects.create(user=approver, organisation=other_unit, reason="回避")
    sql = str(visible_records(approver).query)
    assert sql.count(table) == 1 and "NOT EXISTS" in sql.replace("NOT (EXISTS", "NOT EXISTS")
    assert " IN (SELECT" not in sql


def test_postgresql_connections_compile_no_query_plans(is_postgres):
    """JIT compilation cost more than the visibility queries it compiled (docs/performance.md)."""
    if not is_postgres:
        pytest.skip("a PostgreSQL setting")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
