"""Response headers and exposure (docs/decisions.md, "Headers and exposure").

- A crawl of the pages each role reaches from its start page by following links: every page
  carries the Content-Security-Policy, with no 'unsafe-inline' for scripts or styles, and no
  page holds an inline <script>, an on…= handler or a style attribute the policy would refuse.
- Signed-in pages and every download are `no-store`; the anonymous public pages are not.
- /api/docs/ sends an anonymous visitor to the sign-in page; /api/schema/ is refused to
  anonymous callers and to roles outside the commission, served to its staff.
- /admin/ is the configuration roles' only.
- The public pages answer 429 with Retry-After past the limit, per client address.
- `check --deploy` is clean with the production settings.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from casework.roles import Role
from notices.models import Notice

from .factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
CRAWL_LIMIT = 40
#: Not pages: signing out ends the crawl, the admin is tested below, downloads are files.
SKIP = ("/accounts/logout/", "/admin/", "/i18n/", "/static/", "/api/")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def never_stored(response) -> bool:
    """Ours (`private, no-store`) or a view's own stricter never_cache header."""
    tokens = {token.strip() for token in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= tokens


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class PageScan(HTMLParser):
    """Links of the page, and what a strict policy refuses: inline scripts (but JSON data
    blocks), on…= handlers, style attributes and <style> elements."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.refused: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "script":
            self._inline_script = "src" not in attributes and attributes.get("type") != "application/json"
        if tag == "style":
            self.refused.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.refused.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.refused.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


def crawl(user, start: str) -> dict[str, object]:
    """The HTML pages reached from `start` by following the site's own links (GET only)."""
    client = client_for(user)
    seen: dict[str, object] = {}
    queue = deque([start])
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.appendleft(response["Location"])
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        scan = PageScan()
        scan.feed(response.content.decode())
        response.scan = scan
        for href in scan.links:
            link = urldefrag(href).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP) or parts.path.endswith((".pdf", ".xlsx", ".csv", ".json")):
                continue
            if "download" in parts.path or link in seen:
                continue
            queue.append(link)
    return seen


ROLES = ["officer", "approver", "liaison", "civil_servant", "anonymous"]


@pytest.fixture
def users(officer, approver, liaison, civil_servant, issuer, record):
    return {"officer": officer, "approver": approver, "liaison": liaison, "civil_servant": civil_servant}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_crawl_has_a_strict_policy_and_no_inline_code(users, role):
    user = users.get(role)
    pages = crawl(user, reverse("work-start") if user else reverse("home"))
    if role == "anonymous":
        pages.update(crawl(None, reverse("public-records")))
        pages.update(crawl(None, reverse("verify:index")))
    html = {path: r for path, r in pages.items() if r.status_code == 200 and hasattr(r, "scan")}
    assert len(html) >= 3, sorted(pages)
    for path, response in pages.items():
        assert response.status_code < 500, path
        if response.status_code in (301, 302):
            continue
        directives = policy(response)
        assert directives["script-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
        assert directives["img-src"] == ["'self'", "data:"]
    for path, response in html.items():
        assert response.scan.refused == [], path
        if user is not None:
            assert never_stored(response), path
        elif path != reverse("login"):  # Django's sign-in view is never_cache of its own
            assert "no-store" not in response.get("Cache-Control", ""), path


def test_the_browsable_api_allows_inline_styles_but_never_inline_scripts(officer, issuer, record):
    response = client_for(officer).get(f"/api/records/{record.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]
    assert directives["script-src"] == ["'self'"]
    assert policy(client_for(officer).get(reverse("work-start"), follow=True))["style-src"] == ["'self'"]


def test_the_admin_pages_the_configuration_roles_see_carry_no_inline_code(db):
    admin = UserFactory(username="sysadmin", roles=[Role.SYSTEM_ADMIN], is_staff=True)
    client = client_for(admin)
    for path in ("/admin/", "/admin/casework/user/", "/admin/casework/user/add/"):
        response = client.get(path)
        assert response.status_code == 200, path
        scan = PageScan()
        scan.feed(response.content.decode())
        assert [r for r in scan.refused if "<script" in r or " on" in r] == [], path
        assert never_stored(response)


# ── caching ─────────────────────────────────────────────────────────────────────────


def test_downloads_are_never_stored(officer, issuer, record):
    client = client_for(officer)
    notice = Notice.objects.filter(number__isnull=False).first()
    for path in (f"/api/notices/{notice.pk}/download/", reverse("work-case-export")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Disposition"].startswith("attachment"), path
        assert response["Cache-Control"] == "private, no-store", path
    # A download is private whoever asks: the public list's export too.
    response = Client().get(reverse("public-records-export"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_the_anonymous_public_pages_keep_their_caching(record):
    for path in (reverse("home"), reverse("public-records"), reverse("verify:index")):
        response = Client().get(path)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")


def test_the_sign_in_answer_is_not_stored(officer):
    officer.set_password("a-long-test-password")
    officer.save()
    response = Client().post(
        reverse("login"), {"username": officer.username, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert never_stored(response)


# ── the API's schema and docs ─────────────────────────────────────────────────────


def test_the_api_docs_send_an_anonymous_visitor_to_sign_in(db):
    response = Client().get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 302


def test_the_schema_is_refused_to_anonymous_callers(db):
    response = Client().get("/api/schema/")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert "paths" not in response.content.decode()


@pytest.mark.parametrize("role", ["liaison", "civil_servant"])
def test_roles_outside_the_commission_get_no_schema(users, role):
    client = client_for(users[role])
    assert client.get("/api/schema/").status_code == 403
    assert client.get("/api/docs/").status_code == 403


@pytest.mark.parametrize("role", ["officer", "approver"])
def test_the_commission_staff_read_the_schema_and_the_docs(users, role):
    client = client_for(users[role])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200 and "/api/records/" in schema.json()["paths"]
    page = client.get("/api/docs/")
    assert page.status_code == 200
    scan = PageScan()
    scan.feed(page.content.decode())
    assert scan.refused == []
    assert "?script=" in page.content.decode()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_token_reads_the_schema_as_a_script_does(officer):
    from casework.services.tokens import issue_token

    key, _token = issue_token(acting_user=officer)
    response = Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_the_docs_can_be_made_public(settings, db):
    settings.CHENGXIN_API_DOCS_PUBLIC = True
    assert Client().get("/api/schema/").status_code == 200
    assert Client().get("/api/docs/").status_code == 200


# ── the admin ─────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("role", ["liaison", "head", "civil_servant", "officer"])
def test_the_admin_is_refused_to_roles_without_configuration(request, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    for path in ("/admin/", "/admin/login/", "/admin/casework/user/"):
        response = client.get(path)
        assert response.status_code == 403, (path, response.status_code)
        assert "无权访问此页面" in response.content.decode()


# ── rate limit ────────────────────────────────────────────────────────────────────


@pytest.fixture
def low_limit(settings):
    settings.CHENGXIN_RATE_LIMIT = {**settings.CHENGXIN_RATE_LIMIT, "REQUESTS": 3, "WINDOW": 60}
    caches["default"].clear()
    yield
    caches["default"].clear()


def test_the_verify_page_answers_429_past_the_limit(low_limit):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert client.get("/verify/").status_code == 200
    response = client.get("/verify/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "访问过于频繁" in response.content.decode()
    # The public list counts against the same address; another address is not held up.
    assert client.get(reverse("public-records")).status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.8").get("/verify/").status_code == 200
    # Pages outside the public ones are not limited.
    assert client.get(reverse("home")).status_code == 200


# ── deployment checks ─────────────────────────────────────────────────────────────


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "Jx3#q9Lm@T7vWz!pR2sK8&nB5yHc*D4fG6hA1eU0oI-iY_tE+r",
        "CHENGXIN_PUBLIC_BASE_URL": "https://chengxin.example.gov.cn",
        "CHENGXIN_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "chengxin.example.gov.cn",
        "CHENGXIN_AUDIT_CHECKPOINT_KEY": secrets.token_urlsafe(32),  # required in production too
        "CHENGXIN_PII_KEY": secrets.token_urlsafe(32),  # so are the ID numbers' keys (test_sec_pipl.py)
        "CHENGXIN_PII_HASH_KEY": secrets.token_urlsafe(32),
        "CACHE_URL": "redis://127.0.0.1:6379/0",  # required in production too
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr
