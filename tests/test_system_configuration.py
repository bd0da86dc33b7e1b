"""The system administrator (DOMAIN §2, R11: users, the organisation tree, the holiday
calendar, numbering, rule parameters) opens every configuration page their own page links,
with the permissions the role set-up grants in any installation (the migrations), not only
in the demo; a unit liaison still opens none of them. Through /work/system/ and the admin.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from casework.models import Measure
from casework.roles import Role

from .factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def configuration_links(client: Client) -> list[str]:
    page = client.get("/work/system/")
    assert page.status_code == 200
    return re.findall(r'href="(/admin/[^"]+)"', page.content.decode())


@pytest.fixture
def sysadmin(db):
    unit = OrganisationFactory(name="东莞市政务服务数据管理局")
    return UserFactory(organisation=unit, roles=[Role.SYSTEM_ADMIN], is_staff=True)


def test_the_system_administrator_opens_every_configuration_page_their_page_links(sysadmin):
    client = signed_in(sysadmin)
    links = configuration_links(client)
    for path in ("/admin/notices/issuer/", "/admin/casework/measure/", "/admin/casework/user/"):
        assert path in links, path
    for path in links:
        assert client.get(path).status_code == 200, path


def test_the_system_administrator_adds_an_issuer_and_a_measure_and_edits_a_user_but_not_their_roles(sysadmin):
    client = signed_in(sysadmin)
    assert client.get("/admin/notices/issuer/add/").status_code == 200
    assert client.get("/admin/casework/measure/add/").status_code == 200
    measure = Measure.objects.get(code="M01")
    assert client.get(f"/admin/casework/measure/{measure.pk}/change/").status_code == 200
    officer = UserFactory(roles=[Role.OFFICER])
    page = client.get(f"/admin/casework/user/{officer.pk}/change/")
    assert page.status_code == 200
    # 三员分立: roles are the security administrator's (tests/test_sec_duties.py).
    assert 'name="groups"' not in page.content.decode() and 'name="first_name"' in page.content.decode()


def test_the_system_administrator_cannot_make_anyone_a_superuser_or_touch_a_superuser(sysadmin):
    client = signed_in(sysadmin)
    officer = UserFactory(roles=[Role.OFFICER], is_staff=True)
    page = client.get(f"/admin/casework/user/{officer.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    root = UserFactory(is_superuser=True, is_staff=True)
    page = client.get(f"/admin/casework/user/{root.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(f"/admin/casework/user/{root.pk}/password/").status_code == 403


def test_a_unit_liaison_opens_none_of_them(sysadmin):
    links = configuration_links(signed_in(sysadmin))
    liaison = UserFactory(organisation=sysadmin.organisation, roles=[Role.UNIT_LIAISON], is_staff=True)
    client = signed_in(liaison)
    for path in links:
        assert client.get(path).status_code == 403, path
