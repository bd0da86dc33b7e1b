"""How a channel's messages leave the building, chosen per channel by settings
(CHENGXIN["EXCHANGE"]["CHANNELS"][channel]["transport"]):

- `file`: a file drop — CSV and/or XLSX with exactly the column map's headers, and a JSON
  manifest listing each file with its row count and SHA-256; every file is written under a
  temporary name and renamed, the manifest last, so a reader that waits for manifests never
  sees a half-written file.
- `staging`: staging tables (前置库) in another database connection (DATABASES alias); the
  table is created if missing, one column per map column, rows upserted on the idempotency
  key so a re-sent event is one row.
- `service`: the Guangdong exchange service — an <ExchangeMessage> XML POSTed over HTTP(S)
  with a login token (re-login once when the token has expired).
- `hotline`: JSON over HTTP with the key in an Idempotency-Key header (12345 status updates).

A transport's `send(messages)` returns one Result per message, in order: a failure of one
does not fail the others (they are of different streams: the engine sends only each stream's
head). Exceptions a transport does not expect are failures of the whole batch (the engine
catches them). Only the standard library speaks HTTP here (urllib); answers are XML parsed
with defusedxml (no entity expansion from another system's reply).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import ElementTree as SafeET
from django.db import connections, transaction
from django.utils import timezone

from .province import columns
from .spreadsheets import write_csv, write_xlsx


@dataclass(frozen=True)
class Result:
    ok: bool
    acknowledgement: str = ""
    error: str = ""


class TransportError(Exception):
    pass


def _rows(messages) -> list[dict]:
    return [m.payload["row"] for m in messages]


def _headers() -> list[str]:
    return columns.current().headers


# ── file drop ──────────────────────────────────────────────────────────────────────────


class FileDrop:
    def __init__(self, *, folder, formats=("csv", "xlsx"), **_ignored):
        self.folder = Path(folder)
        self.formats = tuple(formats)

    def send(self, messages) -> list[Result]:
        self.folder.mkdir(parents=True, exist_ok=True)
        headers = _headers()
        rows = [[row.get(h, "") for h in headers] for row in _rows(messages)]
        # Names sort in delivery order (time, then the first message's id), so a reader that
        # takes the files by name applies a record's changes in order.
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S%f")
        base = f"province-{stamp}-{min(m.pk for m in messages):010d}-{uuid.uuid4().hex[:6]}"
        files = []
        for fmt in self.formats:
            data = write_csv(headers, rows) if fmt == "csv" else write_xlsx(headers, rows, title="CF")
            name = f"{base}.{fmt}"
            _write_atomically(self.folder / name, data)
            files.append({"name": name, "rows": len(rows), "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {
            "batch": base,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "map_version": columns.current().version,
            "headers": headers,
            "keys": [m.key for m in messages],
            "files": files,
        }
        manifest_name = f"{base}.manifest.json"
        _write_atomically(
            self.folder / manifest_name, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        )
        return [Result(True, acknowledgement=f"file:{manifest_name}") for _ in messages]


def _write_atomically(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(prefix=".partial-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# ── staging tables (前置库) ────────────────────────────────────────────────────────────


class StagingTable:
    def __init__(self, *, alias="staging", table="cx_province_cf", **_ignored):
        self.alias = alias
        self.table = table

    def send(self, messages) -> list[Result]:
        column_map = columns.current()
        connection = connections[self.alias]
        headers = column_map.headers
        quote = connection.ops.quote_name
        table = quote(self.table)
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {table} ("
                + ", ".join(
                    f"{quote(h)} TEXT PRIMARY KEY" if h == column_map.key_column else f"{quote(h)} TEXT"
                    for h in headers
                )
                + ")"
            )
            names = ", ".join(quote(h) for h in headers)
            marks = ", ".join(["%s"] * len(headers))
            updates = ", ".join(
                f"{quote(h)} = EXCLUDED.{quote(h)}" for h in headers if h != column_map.key_column
            )
            sql = (
                f"INSERT INTO {table} ({names}) VALUES ({marks}) "
                f"ON CONFLICT ({quote(column_map.key_column)}) DO UPDATE SET {updates}"
            )
            cursor.executemany(sql, [[row.get(h, "") for h in headers] for row in _rows(messages)])
        return [Result(True, acknowledgement=f"staging:{self.alias}.{self.table}") for _ in messages]


# ── the provincial exchange service ──────────────────────────────────────────────────


#: Login tokens by (login URL, user), kept across runs in the worker process: a run logs in
#: only when it has none or the service says it expired.
_TOKENS: dict[tuple[str, str], str] = {}


class ExchangeService:
    """POST <ExchangeMessage> to `url` with the token from `login_url`.

    The answer is XML: <Response><Code>0</Code><Message>…</Message><ReceiptId>…</ReceiptId>
    </Response>; Code 0 is success, TOKEN_EXPIRED (or HTTP 401) asks for a new login, any
    other code or an HTTP error is a failure the engine retries."""

    def __init__(
        self,
        *,
        url,
        login_url,
        username="",
        password="",
        sender="",
        receiver="",
        operator="",
        flow_uuid="",
        timeout=10,
        **_ignored,
    ):
        self.url, self.login_url = url, login_url
        self.username, self.password = username, password
        self.sender, self.receiver, self.operator = sender, receiver, operator
        self.flow_uuid = flow_uuid or str(uuid.uuid5(uuid.NAMESPACE_URL, url))
        self.timeout = timeout
        self._cache_key = (login_url, username)

    @property
    def _token(self) -> str | None:
        return _TOKENS.get(self._cache_key)

    @_token.setter
    def _token(self, token: str | None) -> None:
        if token is None:
            _TOKENS.pop(self._cache_key, None)
        else:
            _TOKENS[self._cache_key] = token

    def send(self, messages) -> list[Result]:
        results = []
        for message in messages:
            try:
                results.append(self._send_one(message))
            except (TransportError, OSError, http.client.HTTPException, SafeET.ParseError) as exc:
                results.append(Result(False, error=f"{type(exc).__name__}: {exc}"))
        return results

    def _send_one(self, message) -> Result:
        body = self.message_xml(message)
        for attempt in (1, 2):
            token = self._token or self._login()
            status, answer = _post(
                self.url, body, "application/xml; charset=utf-8", self.timeout, token=token
            )
            code, text, receipt = _parse_answer(answer) if answer else ("", "", "")
            if status == 401 or code == "TOKEN_EXPIRED":
                self._token = None
                if attempt == 1:
                    continue
            if status == 200 and code == "0":
                return Result(True, acknowledgement=receipt or text or "0")
            return Result(False, error=f"HTTP {status} {code} {text}".strip())
        return Result(False, error="token refused twice")

    def _login(self) -> str:
        body = json.dumps({"username": self.username, "password": self.password}).encode()
        status, answer = _post(self.login_url, body, "application/json", self.timeout)
        if status != 200:
            raise TransportError(f"login HTTP {status}")
        try:
            token = json.loads(answer)["token"]
        except (ValueError, KeyError) as exc:
            raise TransportError("login answer has no token") from exc
        self._token = token
        return token

    def message_xml(self, message) -> bytes:
        root = Element("ExchangeMessage")
        header = SubElement(root, "Header")
        for name, value in (
            ("Sender", self.sender),
            ("Receiver", self.receiver),
            ("FlowUUID", self.flow_uuid),
            # Stable per message: the service sees a re-send as the same item.
            ("ItemUUID", str(uuid.uuid5(uuid.NAMESPACE_URL, f"chengxin:{message.key}"))),
            ("SN", str(message.pk)),
            ("Operator", self.operator),
            ("IdempotencyKey", message.key),
            ("SentAt", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ):
            SubElement(header, name).text = value
        body = SubElement(root, "Body")
        row = message.payload["row"]
        for name in _headers():
            SubElement(body, name).text = row.get(name, "")
        return b'<?xml version="1.0" encoding="UTF-8"?>' + tostring(root, encoding="unicode").encode("utf-8")


def _parse_answer(answer: bytes) -> tuple[str, str, str]:
    root = SafeET.fromstring(answer)
    return (
        (root.findtext("Code") or "").strip(),
        (root.findtext("Message") or "").strip(),
        (root.findtext("ReceiptId") or "").strip(),
    )


def _post(url, body: bytes, content_type: str, timeout, *, token=None, headers=None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read() or b""


# ── the 12345 hotline ────────────────────────────────────────────────────────────────


class HotlineJson:
    def __init__(self, *, url, token="", timeout=10, **_ignored):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, messages) -> list[Result]:
        results = []
        for message in messages:
            body = json.dumps({"kind": message.kind, **message.payload}, ensure_ascii=False).encode("utf-8")
            try:
                status, answer = _post(
                    self.url,
                    body,
                    "application/json; charset=utf-8",
                    self.timeout,
                    token=self.token or None,
                    headers={"Idempotency-Key": message.key},
                )
            except (OSError, http.client.HTTPException) as exc:
                results.append(Result(False, error=f"{type(exc).__name__}: {exc}"))
                continue
            if 200 <= status < 300:
                results.append(Result(True, acknowledgement=answer.decode("utf-8", "replace")[:2000]))
            else:
                results.append(Result(False, error=f"HTTP {status} {answer[:500]!r}"))
        return results


TRANSPORTS = {"file": FileDrop, "staging": StagingTable, "service": ExchangeService, "hotline": HotlineJson}


def for_channel(config: dict):
    options = {k: v for k, v in config.items() if k != "transport"}
    return TRANSPORTS[config["transport"]](**options)
