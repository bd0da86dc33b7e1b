"""The dashboards in a browser: every chart is drawn as SVG by static/js/charts.js from its
json_script data (no inline script), on the commission's dashboard, the statistics page and a
unit's portal, with nothing loaded from outside the server (the `requests_made` check)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from oversight.statistics.registry import COMMISSION_FIGURES, UNIT_FIGURES, for_user

from ..test_dashboard import TODAY, add_records
from .test_page_weight import sign_in_as
from .test_public_journey import open_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def drawn(page: Page) -> dict[str, int]:
    """{chart element's data id: SVG elements inside it}."""
    return page.eval_on_selector_all(
        "[data-chart]",
        "els => Object.fromEntries(els.map(e => [e.dataset.chart, e.querySelectorAll('svg').length]))",
    )


def test_every_chart_is_drawn_as_svg(
    page: Page, live_server, settings, officer, approver, liaison, unit, other_unit, civil_servant, screenshot
):
    settings.CHENGXIN_TODAY = TODAY.isoformat()
    add_records(24, unit)
    add_records(9, other_unit, start=100)
    base = live_server.url
    sign_in_as(page, base, officer)
    for path in ("/work/", f"/work/statistics/?unit={unit.pk}"):
        open_page(page, base + path)
        page.wait_for_load_state("networkidle")
        charts = drawn(page)
        assert set(charts) == {f"figure-{spec.name}-data" for spec in for_user(COMMISSION_FIGURES, officer)}
        assert all(charts.values()), charts
    screenshot("statistics")
    sign_in_as(page, base, approver)  # the grades are for those who read the assessment
    open_page(page, base + "/work/")
    page.wait_for_load_state("networkidle")
    charts = drawn(page)
    assert set(charts) == {f"figure-{spec.name}-data" for spec in for_user(COMMISSION_FIGURES, approver)}
    assert "figure-assessment-grades-data" in charts and all(charts.values())
    sign_in_as(page, base, liaison)
    open_page(page, base + "/unit/")
    page.wait_for_load_state("networkidle")
    charts = drawn(page)
    assert set(charts) == {f"figure-{spec.name}-data" for spec in UNIT_FIGURES} and all(charts.values())
    screenshot("unit")
