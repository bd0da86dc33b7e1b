#!/usr/bin/env python
"""Load test (docs/performance.md, "Load (bench/load.py)"): Chengxin as deployed, on loopback,
under 1 and then 50 concurrent users. Not a test.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--single 30] [--keep] [--port 18500]

PostgreSQL (trust, user postgres; PG overrides postgres://postgres@127.0.0.1:5432) and Redis on
127.0.0.1:6379 (REDIS_URL overrides the host part) are needed. In order:

1. a database `chengxin_bench_load` (`--keep`: reused if it is there) migrated and seeded with the
   demo data (`manage.py seed_demo`, the command of `make run`, under the development settings
   with the bench's keys), then the virtual users' accounts (bench/load_accounts.py): officers
   with an authenticator, unit liaisons;
2. gunicorn with deploy/gunicorn.conf.py (its workers: 2 × cores + 1) and the production
   settings, as scripts/prod_smoke.sh starts them: the second factor required, the rate limit of
   the public pages counted in Redis, CHENGXIN_TRUSTED_PROXIES=127.0.0.1 (the generator plays the
   reverse proxy, bench/load_users.py);
3. every virtual user signs in (password, then a TOTP code for an officer), untimed; one user
   runs the mix for `--single` seconds, then `--users` users (3 in 5 officers) for `--duration`;
4. gunicorn stops, `manage.py verify_audit` walks the audit chain.

Prints requests/s, p50/p95/p99 and errors per phase and per request kind. Exit 1 on any
error or a broken audit chain. Nothing listens beyond 127.0.0.1; the database is dropped at
the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_users import CASE_LINK, PUBLIC_LINK, Client, Liaison, Officer, Tally  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DB = "chengxin_bench_load"
PASSWORD = "Bench#Load-2026"
# The bench's own keys, fixed so that --keep can reuse the seeded data (the ID numbers are
# encrypted with them); a throw-away database on loopback, never a deployment's.
KEYS = {
    "SECRET_KEY": "bench-load-secret-key-" + "k" * 40,
    "CHENGXIN_AUDIT_CHECKPOINT_KEY": "bench-load-checkpoint-key-" + "c" * 20,
    "CHENGXIN_PII_KEY": "bench-load-pii-key-" + "p" * 30,
    "CHENGXIN_PII_HASH_KEY": "bench-load-pii-hash-key-" + "h" * 30,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users of the second phase")
    parser.add_argument("--duration", type=float, default=60, help="seconds of the many-user phase")
    parser.add_argument("--single", type=float, default=30, help="seconds of the one-user phase")
    parser.add_argument("--port", type=int, default=18500 + os.getpid() % 400)
    parser.add_argument("--keep", action="store_true", help="reuse (and keep) the seeded database")
    return parser.parse_args()


def environment(port: int, var: str) -> dict:
    pg = os.environ.get("PG", "postgres://postgres@127.0.0.1:5432")
    redis = re.sub(
        r"/\d*$", "", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")
    )  # the server, no database
    return {
        **os.environ,
        **KEYS,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"{pg}/{DB}",
        "CELERY_BROKER_URL": f"{redis}/13",
        "CACHE_URL": f"{redis}/14",
        "CHENGXIN_PUBLIC_BASE_URL": "https://chengxin.example.gov.cn",
        "CHENGXIN_TRUSTED_PROXIES": "127.0.0.1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CHENGXIN_VAR_DIR": var,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(2 * (os.cpu_count() or 1) + 1),
    }


def manage(env: dict, *args: str, dev: bool = False) -> str:
    settings = (
        {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "CHENGXIN_DEMO_ACCOUNTS": "true"} if dev else {}
    )
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env={**env, **settings}, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(env: dict, sql: str) -> None:
    admin = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", "-q", admin, "-c", sql], check=True, capture_output=True)


def prepare(env: dict, users: int, keep: bool) -> dict:
    """The seeded database (reused with --keep) and the accounts: {"officers", "liaisons"}."""
    started = time.monotonic()
    exists = subprocess.run(
        ["psql", "-tAq", env["DATABASE_URL"], "-c", "SELECT 1 FROM casework_user WHERE username = 'officer'"],
        capture_output=True,
        text=True,
    )
    if not (keep and exists.stdout.strip() == "1"):
        psql(env, f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        psql(env, f'CREATE DATABASE "{DB}"')
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo", dev=True)
        print(f"database seeded with the demo data in {time.monotonic() - started:.0f} s", flush=True)
    else:  # a kept database gets the migrations added since
        manage(env, "migrate", "--noinput", "-v", "0")
    officers = max(1, users * 3 // 5) + 1  # the one-user phase signs in an officer of its own
    code = f"from bench.load_accounts import main; main({officers}, {users - users * 3 // 5}, {PASSWORD!r})"
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def serve(env: dict, var: str) -> subprocess.Popen:
    log = open(Path(var) / "gunicorn.log", "w")  # the process holds it until it ends
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            "deploy/gunicorn.conf.py",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://{env['GUNICORN_BIND']}"
    for _ in range(60):
        try:
            if Client(base, "127.0.0.1").request("GET", "/healthz").status_code == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(1)
    server.kill()
    raise SystemExit("gunicorn did not start:\n" + (Path(var) / "gunicorn.log").read_text()[-3000:])


def discover(base: str, officer) -> dict:
    """What the users open, read through the pages themselves: case ids from the case list,
    references from the public list, subject units from the API."""
    pages = [officer.client.request("GET", f"/work/cases/?page={n}").text for n in (1, 2)]
    cases = sorted({int(pk) for page in pages for pk in CASE_LINK.findall(page)})
    public = sorted(set(PUBLIC_LINK.findall(officer.client.request("GET", "/public/records/").text)))
    units = [row["id"] for row in officer.client.request("GET", "/api/organisations/").json()["results"]]
    if not (cases and public and units):
        raise SystemExit(
            f"nothing to open: {len(cases)} cases, {len(public)} public records, {len(units)} units"
        )
    return {"cases": cases, "public": public, "units": units}


def sign_in_all(base: str, accounts: dict, users: int, world: dict) -> list:
    """The users of both phases, signed in (a few at a time: sign-in hashes the password)."""
    made = [Officer(base, n, world) for n in range(len(accounts["officers"]))]
    made += [Liaison(base, 100 + n, world) for n in range(len(accounts["liaisons"]))]
    credentials = [(name, key) for name, key in accounts["officers"]] + [
        (n, None) for n in accounts["liaisons"]
    ]
    for start in range(0, len(made), 4):
        threads = [
            threading.Thread(target=user.client.sign_in, args=(name, PASSWORD, key))
            for user, (name, key) in zip(made[start : start + 4], credentials[start : start + 4], strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return made


def phase(users: list, seconds: float) -> tuple[Tally, float]:
    tally, until = Tally(), time.monotonic() + seconds
    threads = [threading.Thread(target=user.run, args=(until, tally)) for user in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    if len(seconds) < 2:
        return (seconds[0] * 1000,) * 3 if seconds else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def report(label: str, tally: Tally, elapsed: float) -> int:
    errors = [row for row in tally.rows if row[2]]
    p50, p95, p99 = percentiles([row[1] for row in tally.rows])
    print(
        f"\n{label}: {len(tally.rows)} requests in {elapsed:.1f} s = {len(tally.rows) / elapsed:.1f} req/s; "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms; errors {len(errors)}"
    )
    print(f"  {'request':<22} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name in sorted({row[0] for row in tally.rows}):
        rows = [row for row in tally.rows if row[0] == name]
        p50, p95, p99 = percentiles([row[1] for row in rows])
        failed = sum(1 for row in rows if row[2])
        print(f"  {name:<22} {len(rows):>6} {p50:>8.0f} {p95:>8.0f} {p99:>8.0f} {failed:>6}")
    for kind in sorted({f"{row[0]}: {row[2]}" for row in errors})[:10]:
        print(f"  error: {kind}")
    return len(errors)


def main() -> int:
    args = parse_args()
    var = tempfile.mkdtemp(prefix="chengxin-load.")
    env = environment(args.port, var)
    server = None
    try:
        accounts = prepare(env, args.users, args.keep)
        server = serve(env, var)
        base = f"http://{env['GUNICORN_BIND']}"
        print(f"gunicorn: {env['GUNICORN_WORKERS']} workers on {base}", flush=True)
        first = Officer(base, 999, {})
        first.client.sign_in(*accounts["officers"][0][:1], PASSWORD, accounts["officers"][0][1])
        first.world = world = discover(base, first)
        users = sign_in_all(base, {**accounts, "officers": accounts["officers"][1:]}, args.users, world)
        print(
            f"{len(users)} users signed in; {len(world['cases'])} case pages, {len(world['public'])} public records"
        )
        errors = report("1 user", *phase([first], args.single)) if args.single else 0
        errors += report(f"{args.users} users", *phase(users, args.duration))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    audit = manage(env, "verify_audit")
    print("\nverify_audit:", "; ".join(audit.strip().splitlines()))
    if not args.keep:
        psql(env, f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    shutil.rmtree(var, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
