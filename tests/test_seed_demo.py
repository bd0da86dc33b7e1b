"""`manage.py seed_demo` (issue #2 §7): the demo data set, made through the record services.

The command runs once per module, inside a transaction rolled back at the end (what
TestCase.setUpTestData does), so the tests share one seeded database and stay fast.
"""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from casework import audit
from casework.demo import codes
from casework.demo.cases import ALL_CASES
from casework.demo.organisations import UNITS
from casework.demo.people import NAMED
from casework.lifecycle import RecordState
from casework.models import (
    AuditEntry,
    Category,
    ConflictDeclaration,
    Deadline,
    Organisation,
    OrganisationName,
    OrganisationType,
    Person,
    Record,
    User,
)
from casework.models.people import validate_id_number
from casework.permissions import roles_of, visible_records
from casework.roles import Role

TODAY = dt.date(2026, 11, 28)

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = io.StringIO()
    with override_settings(CHENGXIN_TODAY=TODAY.isoformat()):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            yield run_seed()
        finally:
            TestCase._rollback_atomics(atomics)


def counts() -> dict[str, int]:
    models = [Organisation, OrganisationName, Person, User, ConflictDeclaration, Record, Deadline, AuditEntry]
    return {model.__name__: model.objects.count() for model in models}


def test_the_case_lists_are_keyed_by_unique_leads_about_known_subjects():
    units, people = {u.short_name for u in UNITS}, {p.name for p in NAMED}
    assert len({case.lead for case in ALL_CASES}) == len(ALL_CASES) >= 55
    assert all((case.person in people) if case.person else (case.subject in units) for case in ALL_CASES)


def test_it_builds_the_dongguan_organisation_tree(first_run):
    towns = Organisation.objects.filter(type=OrganisationType.TOWN)
    assert towns.count() == 32
    assert towns.filter(name__endswith="街道办事处").count() == 4
    root = Organisation.objects.get(name="东莞市人民政府", parent=None)
    assert set(towns.values_list("parent", flat=True)) == {root.pk}
    assert Organisation.objects.filter(type=OrganisationType.PARK).count() >= 2
    assert Organisation.objects.filter(name="东莞市交通运输局", parent=root).exists()


def test_every_organisation_has_a_unique_well_formed_credit_code(first_run):
    credit_codes = list(Organisation.objects.values_list("credit_code", flat=True))
    assert len(set(credit_codes)) == len(credit_codes)
    for code in credit_codes:
        assert code[2:8] == "441900" and code[8:16].isdigit()
        assert code[16] == codes.org_code_check_char(code[8:16])
        assert code[17] == codes.uscc_check_char(code[:17])


def test_renamed_bureaus_show_their_former_name_on_old_dates(first_run):
    hr = Organisation.objects.get(short_name="市人社局")
    assert hr.name_on(dt.date(2018, 10, 8)) == "东莞市人力资源局"
    assert hr.name_on(TODAY) == "东莞市人力资源和社会保障局"


def test_it_creates_about_200_civil_servants_with_valid_id_numbers(first_run):
    assert Person.objects.count() >= 190
    for id_number in Person.objects.values_list("id_number", flat=True):
        validate_id_number(id_number)
        assert id_number.startswith("4419")
    assert Person.objects.values("unit").distinct().count() > 40
    assert not Person.objects.filter(rank="").exists()


def test_there_is_a_demo_account_for_every_role(first_run):
    users = User.objects.filter(is_superuser=False)
    held = set().union(*(roles_of(user) for user in users))
    assert held == set(Role) - {Role.SYSTEM}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="officer").check_password("chengxin-demo")
    liaison = User.objects.get(username="liaison")
    assert liaison.is_staff and liaison.has_perm("casework.view_record")
    assert User.objects.get(username="civil_servant").person.records.exists()


def test_records_reach_every_state_but_repaired_in_every_category(first_run):
    assert Record.objects.count() >= 55
    states = set(Record.objects.values_list("state", flat=True))
    assert states == set(RecordState) - {RecordState.REPAIRED}
    assert set(Category) <= set(Record.objects.values_list("category", flat=True))
    assert Record.objects.filter(subject_person__isnull=False).exists()


def test_disclosure_windows_agree_with_today(first_run):
    """Expired records are past their longest period; records in force are not."""
    assert not Record.objects.filter(state=RecordState.EXPIRED, max_end__gte=TODAY).exists()
    assert not Record.objects.filter(state=RecordState.EFFECTIVE, max_end__lt=TODAY).exists()


def test_every_record_went_through_the_services_and_the_audit_chain_verifies(first_run):
    for record in Record.objects.all():
        assert record.audit_entries.order_by("seq").first().action == "register_lead"
    result = audit.verify()
    assert result.ok, result.problem


def test_the_liaison_sees_only_the_records_of_their_own_unit(first_run):
    liaison = User.objects.get(username="liaison")
    own = Record.objects.filter(subject_organisation=liaison.organisation)
    visible = visible_records(liaison)
    assert visible.exists()
    assert set(visible) == set(own.filter(state__in=settings.CHENGXIN["SUBJECT_VISIBLE_STATES"]))
    assert own.count() > visible.count()  # leads and cases under verification stay internal


def test_a_declared_conflict_hides_only_its_own_subject(first_run):
    officer2 = User.objects.get(username="officer2")
    hidden = ConflictDeclaration.objects.get(user=officer2).organisation
    assert Record.objects.filter(subject_organisation=hidden).exists()
    assert set(visible_records(officer2)) == set(Record.objects.exclude(subject_organisation=hidden))


def test_a_second_run_changes_nothing_and_says_so(first_run):
    before = counts()
    output = run_seed()
    assert counts() == before
    assert "未作任何更改" in output
    assert "未作任何更改" not in first_run


def test_it_prints_the_demo_accounts(first_run):
    for username in ["officer", "approver", "liaison", "civil_servant", "admin"]:
        assert username in first_run
    assert "chengxin-demo" in first_run and "东莞市交通运输局" in first_run
