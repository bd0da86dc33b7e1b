#!/usr/bin/env python
"""Fuzz the API from its own schema: a fresh database with the demo data, a live server, schemathesis.

    .venv/bin/python scripts/schemathesis.py                       # a SQLite file in a temporary folder
    .venv/bin/python scripts/schemathesis.py --database-url postgres://postgres@127.0.0.1:5432/chengxin_st
                                                                    # creates that PostgreSQL database, drops it after

Steps: migrate, `seed_demo`, start `runserver --noreload` on a free loopback port, ask /api/auth/token/
for the demo officer's token, fetch /api/schema/ with it (the schema is for the commission's staff
only), then `schemathesis run` against that schema with a fixed seed and a bounded
number of examples per operation, checking that no response is a server error and that every response
(status code and body) is the one the schema describes. Prints the numbers; exits non-zero on any
failure. The server's log (tracebacks of any 500) is printed when something failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
DEMO_USER, DEMO_PASSWORD = "officer", "chengxin-demo"
DEMO_IDS = 80  # the demo's objects of every kind have ids in 1..80
# manage.py, plus a log handler: with DEBUG off Django only mails the traceback of a 500.
SERVE = (
    "import logging, sys; "
    "logging.basicConfig(level=logging.ERROR, format='%(asctime)s %(name)s %(message)s'); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', *sys.argv[1:]])"
)


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="chengxin-schemathesis."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        # Production's error handling (no debug pages), the way an API client meets it.
        "DEBUG": "False",
        # ...yet with the demo's data and its officer's token (casework.demo_guard).
        "CHENGXIN_DEMO_ACCOUNTS": "True",
        "CHENGXIN_VAR_DIR": str(work / "var"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CHENGXIN_TODAY", None)
    python = sys.executable
    server = None
    created_database = False
    try:
        if args.database_url:
            create_postgres_database(args.database_url)
            created_database = True
            env["DATABASE_URL"] = args.database_url
        else:
            env.pop("DATABASE_URL", None)
        database = redact(env.get("DATABASE_URL", f"sqlite:///{work / 'var' / 'chengxin.sqlite3'}"))
        say(f"database: {database}")
        run([python, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        started = time.monotonic()
        run([python, "manage.py", "seed_demo"], env, quiet=True)
        say(f"demo data seeded in {time.monotonic() - started:.0f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (work / "server.log").open("w")
        server = subprocess.Popen(
            [python, "-c", SERVE, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"{base}/accounts/login/", server)
        token = officer_token(base)
        say(f"server on {base}, token of the demo {DEMO_USER!r}")
        schema = work / "schema.json"
        schema.write_bytes(fetch_schema(base, token))

        report = work / "report"
        config = work / "schemathesis.toml"
        config.write_text(config_toml(thorough=args.thorough))
        command = [
            str(Path(python).with_name("schemathesis")),
            "--config-file",
            str(config),
            "run",
            str(schema),
            "--url",
            base,
            "--header",
            f"Authorization: Token {token}",
            "--checks",
            CHECKS,
            "--phases",
            args.phases,
            "--seed",
            str(args.seed),
            "--max-examples",
            str(args.max_examples),
            "--workers",
            "1",
            "--request-timeout",
            "60",
            "--suppress-health-check",
            "all",
            "--no-shrink" if args.no_shrink else "--continue-on-failure",
            "--report",
            "ndjson",
            "--report-dir",
            str(report),
            "--generation-database",
            "none",
            # Signing out revokes the one token every request of the run carries: the rest
            # would be 401s. tests/test_sec_tokens.py covers it.
            "--exclude-path",
            "/api/auth/logout/",
            *args.extra,
        ]
        say(
            "schemathesis "
            + " ".join(c if "Token" not in c else "Authorization: Token …" for c in command[2:])
        )
        started = time.monotonic()
        # In the temporary folder: schemathesis keeps a cache of its own in the working directory.
        result = subprocess.run(command, cwd=work, env={**env, "NO_COLOR": "1"})
        elapsed = time.monotonic() - started
        numbers = summarise(report)
        print_numbers(numbers, elapsed)
        failed = result.returncode != 0 or numbers["failed"]
        if failed:
            print_server_errors(work / "server.log")
        say("FAILED" if failed else "passed: 0 server errors, 0 responses off the schema")
        return 1 if failed else 0
    finally:
        if server is not None:
            stop(server)
        if created_database:
            drop_postgres_database(args.database_url)
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def config_toml(*, thorough: bool) -> str:
    """Ids mostly from the demo's range, so that steps meet real objects (a random id is a
    404, and a run of 404s tests little); every other integer half the time. Unless
    `thorough`, the coverage phase (a fixed set of cases per operation, not bounded by
    --max-examples) keeps to valid inputs and skips undocumented HTTP methods: invalid
    inputs are still sent by the fuzzing phase."""
    # The first ids four times over: of some kinds (objections, repairs) the demo has only a few.
    ids = ", ".join(str(i) for i in [*range(1, 13), *range(1, 13), *range(1, 13), *range(1, DEMO_IDS + 1)])
    lines = [
        "[dictionaries.demo-ids]",
        f"values = [{ids}]",
        "",
        "[parameters]",
        '"path.id" = { dictionary = "demo-ids", probability = 0.9 }',
        "",
        "[generation.dictionaries]",
        'integer = { dictionary = "demo-ids", probability = 0.5 }',
    ]
    if not thorough:
        lines += [
            "",
            "[phases.coverage]",
            "unexpected-methods = []",
            "",
            "[phases.coverage.generation]",
            'mode = "positive"',
        ]
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL database to create, use and drop (default: SQLite)"
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SCHEMATHESIS_SEED", "20261128")))
    parser.add_argument(
        "--max-examples", type=int, default=int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
    )
    parser.add_argument(
        "--phases", default=os.environ.get("SCHEMATHESIS_PHASES", "examples,coverage,fuzzing")
    )
    parser.add_argument("--no-shrink", action="store_true", help="faster, harder-to-read failures")
    parser.add_argument(
        "--thorough",
        action="store_true",
        help="the coverage phase in full (invalid inputs, undocumented methods): several times longer",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (database, logs, report)"
    )
    parser.add_argument("extra", nargs="*", help="more schemathesis options, after --")
    return parser.parse_args()


def say(message: str) -> None:
    print(f"[schemathesis] {message}", flush=True)


def run(command: list[str], env: dict, quiet: bool = False) -> None:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=quiet, text=True)
    if result.returncode != 0:
        if quiet:
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
        raise SystemExit(f"[schemathesis] {' '.join(command[1:3])} failed ({result.returncode})")


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"[schemathesis] the server stopped ({server.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"[schemathesis] {url} did not answer within {seconds:.0f} s")


def officer_token(base: str) -> str:
    body = json.dumps({"username": DEMO_USER, "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/auth/token/", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def fetch_schema(base: str, token: str) -> bytes:
    """The schema is refused to anonymous callers: ask for it as the demo officer."""
    request = urllib.request.Request(
        f"{base}/api/schema/?format=json",
        headers={"Authorization": f"Token {token}", "Accept": "application/vnd.oai.openapi+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True), name


def create_postgres_database(url: str) -> None:
    connection, name = _postgres_admin(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(url: str) -> None:
    connection, name = _postgres_admin(url)
    with connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def summarise(report: Path) -> dict:
    """Counts from schemathesis' ndjson event stream: test cases per phase, operations, and
    per check how many responses passed and failed it."""
    numbers: dict = {"phases": {}, "operations": set(), "checks": {}, "failed": 0, "errors": 0}
    for path in report.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            (kind, body), *_ = json.loads(line).items()
            if kind == "NonFatalError":
                numbers["errors"] += 1
            if kind != "ScenarioFinished" or not body.get("recorder"):
                continue
            recorder = body["recorder"]
            numbers["operations"].add(recorder["label"])
            phase = body["phase"]
            numbers["phases"][phase] = numbers["phases"].get(phase, 0) + len(recorder.get("cases") or {})
            for checks in (recorder.get("checks") or {}).values():
                for check in checks:
                    counts = numbers["checks"].setdefault(check["name"], {"passed": 0, "failed": 0})
                    passed = check["status"].lower() == "success"
                    counts["passed" if passed else "failed"] += 1
                    numbers["failed"] += not passed
    return numbers


def print_numbers(numbers: dict, elapsed: float) -> None:
    phases = ", ".join(f"{name} {count}" for name, count in sorted(numbers["phases"].items()))
    say(
        f"{sum(numbers['phases'].values())} test cases ({phases}) on {len(numbers['operations'])} "
        f"operations in {elapsed:.0f} s; {numbers['errors']} errors"
    )
    for name, counts in sorted(numbers["checks"].items()):
        say(f"  {name}: {counts['passed']} passed, {counts['failed']} failed")


def print_server_errors(log: Path) -> None:
    text = log.read_text(errors="replace") if log.exists() else ""
    blocks = [b for b in text.split("Traceback (most recent call last):")[1:]]
    if blocks:
        say(f"the server logged {len(blocks)} traceback(s); the first ones:")
        for block in blocks[:5]:
            print("Traceback (most recent call last):" + block[:4000])


if __name__ == "__main__":
    sys.exit(main())
