"""The API's Swagger page in a browser under the Content-Security-Policy: its start-up script
is a file of its own (drf-spectacular's split view), so the page draws the API's operations
with no refusal in the console (the `csp_violations` check of conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_page_weight import sign_in_as
from .test_public_journey import open_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_swagger_page_works_under_the_policy(page: Page, live_server, officer):
    base = live_server.url
    page.goto(f"{base}/api/docs/")
    assert "/accounts/login/" in page.url  # anonymous: the sign-in page first
    sign_in_as(page, base, officer)
    open_page(page, f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    assert page.locator(".swagger-ui .opblock").count() > 20
