"""Issue #5 must-show 3, the page-weight check: every kind of page, opened by the user it is
for, loads nothing from outside the server (the autouse `requests_made` fixture fails the test
otherwise) and stays light: everything it loads is counted, as on a first visit over a slow
government network. The figures are printed (`-s`) for docs/performance.md."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from casework.models import RecordState
from notices.models import Notice

from .. import lifecycle, notice_cases, rectification_steps
from .test_public_journey import PASSWORD, open_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: A first visit to any page, everything it loads included: HTML, CSS, scripts, icons.
BUDGET_BYTES = 250_000
BUDGET_REQUESTS = 12
#: The pages with charts load the vendored ECharts (static/vendor/echarts/6.1.0/echarts.min.js,
#: 1,121,883 bytes; about 370 KB compressed, and cached by its versioned path after the first
#: visit): docs/performance.md, "Dashboard". Only these pages load it.
CHART_PAGES = ("/work/", "/work/statistics/", "/unit/")
CHART_BUDGET_BYTES = 1_400_000


@dataclass
class Load:
    path: str
    requests: int
    bytes: int


def measure(page: Page, url: str) -> Load:
    """Open `url` and add up everything the browser loaded for it."""
    finished = []

    def listener(request) -> None:
        finished.append(request)

    page.on("requestfinished", listener)
    try:
        open_page(page, url)
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("requestfinished", listener)
    # The bodies, whether this visit fetched them or the browser's cache served them: the
    # weight of a first visit.
    size = sum(body_size(request.response()) for request in finished if request.response())
    return Load(url, len(finished), size)


def body_size(response: Response) -> int:
    """The body's length; for a body Chromium no longer holds (the 1 MB chart library served
    from its memory cache), the length the server stated for it."""
    try:
        return len(response.body())
    except PlaywrightError:
        return int(response.all_headers()["content-length"])


def budget(base: str, url: str) -> int:
    return CHART_BUDGET_BYTES if url.removeprefix(base) in CHART_PAGES else BUDGET_BYTES


def sign_in_as(page: Page, base: str, user) -> None:
    page.context.clear_cookies()
    open_page(page, f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def test_every_kind_of_page_is_light_and_served_by_the_site_alone(
    page: Page, live_server, settings, officer, approver, unit, liaison, civil_servant
):
    base = live_server.url
    settings.CHENGXIN_TODAY = "2026-09-01"  # the order served on the builders' day, its items still owed
    notice_cases.make_issuer()
    rectification = rectification_steps.in_progress(officer=officer, approver=approver, unit=unit, count=2)
    record = rectification.record
    item = rectification.items.order_by("number").first()
    own = lifecycle.effective(officer=officer, approver=approver, person=civil_servant.person)
    notice = Notice.objects.filter(record=record).exclude(number="").first()
    assert record.state == RecordState.EFFECTIVE and notice is not None

    visits = {
        None: [
            "/",
            "/public/records/",
            f"/public/records/{record.reference}/",
            "/verify/",
            "/accounts/login/",
        ],
        officer: [
            "/work/",
            "/work/statistics/",
            "/work/cases/",
            f"/work/cases/{record.pk}/",
            "/work/cases/new/",
            f"/work/notices/{notice.pk}/",
            "/inbox/",
            "/me/honours/",
        ],
        liaison: ["/unit/", f"/unit/items/{item.pk}/evidence/", f"/work/cases/{record.pk}/"],
        civil_servant: ["/me/", f"/me/records/{own.pk}/repair/"],
    }
    loads = []
    for user, paths in visits.items():
        if user is None:
            page.context.clear_cookies()
        else:
            sign_in_as(page, base, user)
        loads += [measure(page, base + path) for path in paths]

    print("\npage weight (first visit):")
    for load in loads:
        print(f"  {load.bytes / 1024:7.1f} KiB  {load.requests:2d} requests  {load.path.removeprefix(base)}")
    heavy = [(load.path, load.bytes, load.requests) for load in loads if load.bytes > budget(base, load.path)]
    busy = [(load.path, load.requests) for load in loads if load.requests > BUDGET_REQUESTS]
    assert not heavy and not busy, (heavy, busy)
    assert all(load.requests >= 2 for load in loads)  # the page and at least its stylesheet were counted
