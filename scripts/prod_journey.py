"""One browser journey through the production-like server of scripts/prod_smoke.sh (issue 13,
must-show 10): Debian's Chromium (headless, Playwright's sync API) opens the public records,
signs in as the unit liaison the smoke script created, opens the unit's page and signs out.

Every page must carry the Content-Security-Policy header, the browser must report no
violation of it on its console, the signed-in page must be `no-store`, and the session
cookie — Secure in production — must be kept over the plain-HTTP test address: Chromium
treats http://127.0.0.1 and http://localhost as secure contexts and keeps Secure cookies set
there (checked with Debian's Chromium 2026-12), so no test-only cookie setting is needed.

    python scripts/prod_journey.py http://127.0.0.1:18000 <username> <password>

Exit 0 when every step passed; otherwise the failed step and what the browser saw.
"""

from __future__ import annotations

import os
import sys
import time

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHENGXIN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def main(base: str, username: str, password: str) -> int:
    base = base.rstrip("/")
    violations: list[str] = []
    started = time.monotonic()

    def step(text: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} s] {text}", flush=True)

    def open_page(page, path: str, expect_status: int = 200):
        response = page.goto(base + path)
        assert response is not None, f"{path}: no response"
        assert response.status == expect_status, f"{path}: {response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "default-src 'self'" in policy, f"{path}: CSP is {policy!r}"
        return response

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(TIMEOUT_MS)
        context.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page = context.new_page()
        try:
            open_page(page, "/public/records/")
            assert page.locator("h1").count() >= 1, "the public records page has no heading"
            step("public records: 200, CSP header")

            open_page(page, "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", password)
            with page.expect_navigation():
                page.click("form[action='/accounts/login/'] button[type=submit]")
            assert "/accounts/login/" not in page.url, (
                f"still on the sign-in page: {page.locator('main').inner_text()}"
            )
            cookies = {cookie["name"]: cookie for cookie in context.cookies()}
            session = cookies.get("sessionid")
            assert session is not None, f"no session cookie kept: {sorted(cookies)}"
            assert session["secure"] and session["httpOnly"], session
            step(f"signed in as {username} → {page.url} (Secure, HttpOnly session cookie kept)")

            response = open_page(page, "/unit/")
            assert "no-store" in response.headers.get("cache-control", ""), response.headers.get(
                "cache-control"
            )
            assert "/unit/" in page.url, page.url
            step("unit page: 200, CSP header, Cache-Control no-store")

            with page.expect_navigation():
                page.click("form[action='/accounts/logout/'] button[type=submit]")
            page.goto(base + "/unit/")
            assert "/accounts/login/" in page.url, f"after signing out /unit/ is {page.url}"
            assert "sessionid" not in {cookie["name"] for cookie in context.cookies()}
            step("signed out: /unit/ leads to the sign-in page")

            assert not violations, "CSP violations on the console:\n" + "\n".join(violations)
            step("no Content-Security-Policy violation reported by Chromium")
        except AssertionError as failure:
            print(f"prod journey FAILED at {page.url}: {failure}", file=sys.stderr)
            return 1
        finally:
            context.close()
            browser.close()
    print(f"prod journey passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
