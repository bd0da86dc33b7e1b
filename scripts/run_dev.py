#!/usr/bin/env python
"""Run the development web server, a Celery worker and Celery beat together (what `make run` ends with).

Each child runs in its own process group, and its output is printed with a prefix.
Ctrl-C (SIGINT), SIGTERM or SIGHUP stops all three: SIGTERM to each group, then SIGKILL after a grace
period (a second Ctrl-C kills at once). If one child exits, the others are stopped and the exit code is 1.

The worker uses the solo pool (one task at a time, one WeasyPrint FontConfiguration per process) and
none of mingle, gossip or heartbeat: the embedded filesystem broker has no broadcast to carry them.

Notices issued meanwhile print the address they can be verified at: CHENGXIN_PUBLIC_BASE_URL, which the
web server and the worker (it renders the PDFs) get as http://ADDR unless the environment sets it.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRACE_SECONDS = 15
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def commands(addr: str) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "config"]
    return {
        "web": [python, "manage.py", "runserver", addr],
        "worker": [
            *celery,
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--hostname=chengxin-dev@%h",
        ],
        "beat": [
            *celery,
            "beat",
            "--loglevel=info",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
        ],
    }


def public_base_url(addr: str) -> str:
    """The address runserver serves `addr` on, as a browser would open it: a bare port is 127.0.0.1's."""
    return f"http://{addr if ':' in addr else f'127.0.0.1:{addr}'}"


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM if this supervisor dies without cleaning up (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


class Supervisor:
    def __init__(self, addr: str) -> None:
        self.addr = addr
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.readers: list[threading.Thread] = []
        self.stop = threading.Event()
        self.interrupts = 0
        self.out_lock = threading.RLock()  # re-entrant: the signal handler may print
        self.width = 0

    def say(self, name: str, line: bytes) -> None:
        with self.out_lock:
            sys.stdout.buffer.write(f"{name:<{self.width}} | ".encode() + line)
            sys.stdout.buffer.flush()

    def on_signal(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGINT:
            self.interrupts += 1
            if self.interrupts > 1:
                self.say("run", b"second Ctrl-C: killing\n")
                self.signal_all(signal.SIGKILL)
        self.stop.set()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
        env.setdefault("CHENGXIN_PUBLIC_BASE_URL", public_base_url(self.addr))
        # `make run` is for development (README): runserver need not say so on each reload; and
        # the worker's warning about root (containers run as root) is about pickle, which it refuses.
        env.setdefault("DJANGO_RUNSERVER_HIDE_WARNING", "true")
        env.setdefault("PYTHONWARNINGS", "ignore:You're running the worker with superuser privileges")
        cmds = commands(self.addr)
        self.width = max(len(name) for name in cmds)
        for name, cmd in cmds.items():
            self.children[name] = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        for name, child in self.children.items():
            reader = threading.Thread(target=self.pump, args=(name, child), daemon=True)
            reader.start()
            self.readers.append(reader)
        self.say(
            "run",
            f"Chengxin on http://{self.addr}/ (admin /admin/, API docs /api/docs/) with a Celery worker and beat."
            " Ctrl-C stops all three.\n".encode(),
        )
        self.say(
            "run",
            f"Notices issued now print the verification address {env['CHENGXIN_PUBLIC_BASE_URL']}/verify/…"
            " (set CHENGXIN_PUBLIC_BASE_URL to change it).\n".encode(),
        )

    def pump(self, name: str, child: subprocess.Popen[bytes]) -> None:
        assert child.stdout is not None
        for line in iter(child.stdout.readline, b""):
            self.say(name, line if line.endswith(b"\n") else line + b"\n")

    def signal_all(self, signum: int, *, exited_too: bool = False) -> None:
        for child in self.children.values():
            if exited_too or child.poll() is None:
                try:
                    os.killpg(child.pid, signum)  # the group: runserver's autoreloader has a child of its own
                except (ProcessLookupError, PermissionError):
                    pass

    def wait(self) -> int:
        """Until a stop signal or a child's exit; then stop the rest. Returns the exit code."""
        code = 0
        while not self.stop.wait(0.2):
            dead = [
                (name, child.returncode) for name, child in self.children.items() if child.poll() is not None
            ]
            if dead:
                name, returncode = dead[0]
                self.say("run", f"{name} exited with code {returncode}: stopping the others\n".encode())
                code = 1
                break
        self.signal_all(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.signal_all(signal.SIGKILL)
                child.wait()
        # Anything the groups left behind (runserver's reloaded child) goes too.
        self.signal_all(signal.SIGKILL, exited_too=True)
        for reader in self.readers:
            reader.join(timeout=2)
        self.say("run", b"stopped\n")
        return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port for runserver")
    args = parser.parse_args()
    supervisor = Supervisor(args.addr)
    for signum in STOP_SIGNALS:
        signal.signal(signum, supervisor.on_signal)
    supervisor.start()
    return supervisor.wait()


if __name__ == "__main__":
    sys.exit(main())
