import pytest
from django.db import connection

from casework.roles import Role

from .factories import OrganisationFactory, PersonFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need row locks and real concurrency: skip them on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def unit(db):
    return OrganisationFactory(name="东莞市甲局")


@pytest.fixture
def other_unit(db):
    return OrganisationFactory(name="东莞市乙局")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", roles=[Role.OFFICER])


@pytest.fixture
def approver(db):
    return UserFactory(username="approver", roles=[Role.APPROVER])


@pytest.fixture
def liaison(unit):
    return UserFactory(username="liaison", organisation=unit, roles=[Role.UNIT_LIAISON])


@pytest.fixture
def other_liaison(other_unit):
    return UserFactory(username="other_liaison", organisation=other_unit, roles=[Role.UNIT_LIAISON])


@pytest.fixture
def civil_servant(unit):
    person = PersonFactory(unit=unit, name="张三")
    return UserFactory(username="civil", person=person, organisation=unit, roles=[Role.CIVIL_SERVANT])


@pytest.fixture
def fixed_today(settings):
    """The legal 'today' of a test: after every date the tests/lifecycle.py helpers use."""
    settings.CHENGXIN_TODAY = "2026-02-02"


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
