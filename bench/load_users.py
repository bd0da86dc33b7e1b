"""The virtual users of bench/load.py: each a thread with its own session (cookies) and client
address, signed in with its own account, then repeating a weighted mix of requests for a
fixed time with no pause between them (a closed loop: throughput is what the server gives).

They reach gunicorn as the deployment's reverse proxy would pass a browser on: over plain HTTP
on loopback with `X-Forwarded-Proto: https` and `X-Forwarded-For: <the user's address>`
(CHENGXIN_TRUSTED_PROXIES=127.0.0.1), so the secure cookies, CSRF's origin check, the audit
trail's addresses and the public pages' rate limit (per client address) all work as deployed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random
import re
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

CASE_LINK = re.compile(r'href="/work/cases/(\d+)/"')
PUBLIC_LINK = re.compile(r'href="/public/records/([^/"?]+)/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def totp(key_hex: str, at: float | None = None) -> str:
    """RFC 6238 (30 s steps, 6 digits, SHA-1): what django-otp's TOTPDevice checks."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


@dataclass
class Tally:
    """Every request's (name, seconds, error or "") of one phase, from every thread."""

    rows: list[tuple[str, float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.rows.append((name, seconds, error))


class Client:
    """One browser behind the proxy: its cookies, its address."""

    def __init__(self, base: str, address: str) -> None:
        self.base, self.session = base, requests.Session()
        self.session.headers.update(
            {
                "Host": "127.0.0.1",  # the site's name, as the proxy passes it (not the bench's port)
                "X-Forwarded-For": address,
                "X-Forwarded-Proto": "https",
                "Origin": "https://127.0.0.1",
            }
        )

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Referer": f"https://127.0.0.1{path}", **kwargs.pop("headers", {})}
        answer = self.session.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        # The proxy speaks HTTPS to the browser, which sends its secure cookies back; on this
        # plain-HTTP loopback leg requests would keep them to itself.
        for cookie in self.session.cookies:
            cookie.secure = False
        return answer

    def post_form(self, path: str, data: dict) -> requests.Response:
        page = self.request("GET", path)
        token = CSRF_FIELD.search(page.text)
        return self.request(
            "POST", path, data={**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        )

    def sign_in(self, username: str, password: str, key: str | None) -> None:
        answer = self.post_form("/accounts/login/", {"username": username, "password": password})
        if answer.status_code != 302:
            raise RuntimeError(f"{username}: sign-in answered {answer.status_code}")
        if key is None:
            return
        answer = self.post_form("/accounts/second-factor/", {"token": totp(key)})
        if answer.status_code != 302 or "second-factor" in answer.headers.get("Location", ""):
            raise RuntimeError(f"{username}: second factor answered {answer.status_code}")


class VirtualUser:
    """Signs in, then runs its mix until `until` (time.monotonic()), adding to `tally`."""

    def __init__(self, base: str, number: int, world: dict) -> None:
        self.client = Client(base, f"10.77.{number // 250}.{number % 250 + 1}")
        self.public = Client(base, "")  # an anonymous citizen: a new address per request
        self.world, self.number = world, number
        self.random = random.Random(number)

    def run(self, until: float, tally: Tally) -> None:
        actions, weights = zip(*self.mix(), strict=True)
        self.tally = tally
        while time.monotonic() < until:
            self.random.choices(actions, weights)[0]()

    def timed(self, name: str, call, expected: set[int]) -> requests.Response | None:
        """One request, added to the tally: any other status than `expected` is an error."""
        started, answer = time.perf_counter(), None
        try:
            answer = call()
            error = "" if answer.status_code in expected else f"HTTP {answer.status_code}"
        except Exception as failure:  # a refused connection, a timeout: an error, counted
            error = type(failure).__name__
        self.tally.add(name, time.perf_counter() - started, error)
        return answer if not error else None

    def get(self, name: str, path):
        """An action: GET `path` (or what it returns) as this user; 200 expected."""
        return lambda: self.timed(
            name, lambda: self.client.request("GET", path() if callable(path) else path), {200}
        )

    def public_get(self, name: str, path):
        """An action: GET as an anonymous citizen, from an address of its own."""

        def call():
            address = f"10.78.{self.random.randrange(256)}.{self.random.randrange(1, 255)}"
            return self.public.request(
                "GET", path() if callable(path) else path, headers={"X-Forwarded-For": address}
            )

        return lambda: self.timed(name, call, {200})

    def pick(self, key: str) -> str:
        return str(self.random.choice(self.world[key]))

    def public_mix(self) -> list:
        return [
            (self.public_get("public list", "/public/records/"), 1),
            (self.public_get("public detail", lambda: f"/public/records/{self.pick('public')}/"), 1),
        ]


class Officer(VirtualUser):
    """The workbench, case pages, and a transition: a lead registered and its verification
    started, through the API under the page's session (CSRF token in the header)."""

    def mix(self) -> list:
        return [
            (self.get("/work/", "/work/"), 2),
            (self.get("/work/cases/", "/work/cases/"), 2),
            (self.get("/work/cases/?filters", self.filtered), 2),
            (self.get("case page", lambda: f"/work/cases/{self.pick('cases')}/"), 4),
            (self.transition, 1),
            *self.public_mix(),
        ]

    def filtered(self) -> str:
        return self.random.choice(
            [
                "/work/cases/?state=EFFECTIVE",
                "/work/cases/?q=%E6%95%B4%E6%94%B9",  # 整改
                "/work/cases/?category=PRM",
                "/work/cases/?page=2",
            ]
        )

    def transition(self) -> None:
        """Two POSTs, each timed: a lead registered (201), its verification started (200)."""
        headers = {"X-CSRFToken": self.client.session.cookies.get("csrftoken", "")}
        lead = {
            "subject_organisation": int(self.pick("units")),
            "source": "HOTLINE",
            # A lead told twice about the same subject is refused as a duplicate: each is new.
            "lead_content": f"压测线索 {uuid.uuid4().hex}：用户 {self.number} 反映的问题。",
            "received_on": dt.date.today().isoformat(),
        }
        post = self.client.request
        created = self.timed(
            "POST lead", lambda: post("POST", "/api/records/", json=lead, headers=headers), {201}
        )
        if created is not None:
            path = f"/api/records/{created.json()['id']}/start-verification/"
            self.timed("POST start-verification", lambda: post("POST", path, json={}, headers=headers), {200})


class Liaison(VirtualUser):
    """The unit portal, and the public pages."""

    def mix(self) -> list:
        return [(self.get("/unit/", "/unit/"), 4), *self.public_mix()]
