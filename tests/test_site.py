"""Issue #2 must-show 1: what `make run` serves answers — the home page, the admin login with a
printed demo account, the API schema and its docs page — on the data `seed_demo` makes."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_accounts(django_db_setup, django_db_blocker):
    """Seeded once for the module (the demo issues and renders its notices: about a minute),
    inside a transaction rolled back at the end, as in test_seed_demo."""
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            out = io.StringIO()
            with override_settings(CHENGXIN_TODAY="2026-11-28"):
                call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            TestCase._rollback_atomics(atomics)


def test_the_home_page_answers_in_chinese():
    response = Client().get("/")
    assert response.status_code == 200
    assert "诚信" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "status"), [("admin", 200), ("sysadmin", 200), ("officer", 403), ("liaison", 403)]
)
def test_a_printed_demo_account_signs_in_to_the_admin(demo_accounts, username, status):
    """Only the configuration roles enter; the others' work is in the portal (Chinese 403)."""
    line = next(line for line in demo_accounts.splitlines() if line.startswith(username + " "))
    password = re.split(r"\s+", line)[1]
    client = Client()
    assert client.get("/admin/login/").status_code == 200
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == status


def test_the_schema_and_its_docs_page_answer():
    from casework.roles import Role

    from .factories import UserFactory

    # The commission's staff only (tests/test_sec_headers.py: anonymous callers are refused).
    client = Client()
    client.force_login(UserFactory(username="docs_reader", roles=[Role.OFFICER]))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/records/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    # Served by the project itself: no CDN (government networks are often offline).
    assert b"cdn." not in docs.content and b"/static/drf_spectacular_sidecar/" in docs.content
