"""A fake provincial exchange service on 127.0.0.1 for the delivery tests (must-show 3).

POST /login answers a token that is good for a few requests (then TOKEN_EXPIRED, so the
client must log in again). POST /exchange takes an <ExchangeMessage>; a seeded share of
requests meets trouble: the connection closed before or after the message was taken, an
answer delayed past the client's timeout (taken, the answer lost), an HTTP 500 or an error
XML. The server is idempotent as a real receiver must be: `ledger` counts each idempotency
key once, in the order first taken per record (CF_WSH); `arrivals` counts every request.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from defusedxml import ElementTree

OK = "<Response><Code>0</Code><Message>ok</Message><ReceiptId>{receipt}</ReceiptId></Response>"
ERROR = "<Response><Code>E500</Code><Message>内部错误</Message></Response>"
EXPIRED = "<Response><Code>TOKEN_EXPIRED</Code><Message>token expired</Message></Response>"


class FakeProvince:
    def __init__(self, *, trouble: float = 0.3, seed: int = 11, delay: float = 1.0, token_uses: int = 5):
        self.trouble, self.delay, self.token_uses = trouble, delay, token_uses
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.tokens: dict[str, int] = {}
        self.logins = 0
        self.arrivals: Counter[str] = Counter()
        self.ledger: Counter[str] = Counter()
        self.order: dict[str, list[str]] = defaultdict(list)
        self.troubles: Counter[str] = Counter()
        self.bodies: dict[str, dict[str, str]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def take(self, xml: bytes) -> str:
        root = ElementTree.fromstring(xml)
        key = root.findtext("Header/IdempotencyKey")
        with self.lock:
            if not self.ledger[key]:
                self.ledger[key] += 1
                self.order[root.findtext("Body/CF_WSH")].append(key)
                self.bodies[key] = {child.tag: child.text or "" for child in root.find("Body")}
        return key

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: str, content_type="application/xml"):
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (a delayed answer)
                    pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/login":
                    with fake.lock:
                        fake.logins += 1
                        token = f"t{fake.logins}"
                        fake.tokens[token] = fake.token_uses
                    return self._answer(200, json.dumps({"token": token}), "application/json")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                with fake.lock:
                    left = fake.tokens.get(token, 0)
                    fake.tokens[token] = left - 1
                    roll = fake.rng.random()
                    kind = fake.rng.choice(["drop_before", "drop_after", "delay", "http_500", "error_xml"])
                if left <= 0:
                    return self._answer(200, EXPIRED)
                key = ElementTree.fromstring(body).findtext("Header/IdempotencyKey")
                with fake.lock:
                    fake.arrivals[key] += 1
                if roll < fake.trouble:
                    with fake.lock:
                        fake.troubles[kind] += 1
                    if kind == "drop_before":
                        self.close_connection = True
                        return  # nothing written: the client sees the connection closed
                    if kind == "http_500":
                        return self._answer(500, "<html>Internal Server Error</html>", "text/html")
                    if kind == "error_xml":
                        return self._answer(200, ERROR)
                    fake.take(body)  # taken, but the answer never reaches the client
                    if kind == "drop_after":
                        self.close_connection = True
                        return
                    time.sleep(fake.delay)
                    return self._answer(200, OK.format(receipt=key))
                fake.take(body)
                return self._answer(200, OK.format(receipt=key))

        return Handler
