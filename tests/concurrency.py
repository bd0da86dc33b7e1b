"""Steps run at once, each in a thread with a database connection of its own (PostgreSQL tests).

Every call's outcome is its return value or the exception it raised, in the order they ended:
the caller asserts which won. A thread closes its connections when done, so the test's flush
is not blocked by a session left open.
"""

import threading
import time

from django.db import connection, connections, transaction

LOCK_WAITERS = (
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


def lock_waiters() -> int:
    """How many sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # statistics are snapshotted per transaction
        cursor.execute(LOCK_WAITERS)
        return cursor.fetchone()[0]


def wait_for_lock_waiters(count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_waiters() >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} sessions ended up waiting for the lock")


def start(calls, *, together: bool = False) -> tuple[list[threading.Thread], list]:
    """Start each call in a thread; `together` holds them at a barrier until all have started."""
    outcomes: list = []
    guard = threading.Lock()
    barrier = threading.Barrier(len(calls)) if together else None

    def run(call):
        try:
            if barrier:
                barrier.wait()
            result = call()
        except Exception as exc:  # collected and asserted by the caller
            result = exc
        finally:
            connections.close_all()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    return threads, outcomes


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(30)


def at_once(calls, *, together: bool = False) -> list:
    """Run the calls in threads and wait for them all."""
    threads, outcomes = start(calls, together=together)
    join(threads)
    return outcomes


def in_thread(call):
    """One call in a thread of its own: its outcome (it cannot see this thread's uncommitted rows)."""
    [outcome] = at_once([call])
    return outcome


def race(rows, calls) -> list:
    """Hold the row lock of `rows` (a queryset) until every call queues on it, then release it:
    all of them have read the same state, and they race for real."""
    with transaction.atomic():
        list(rows.select_for_update())
        threads, outcomes = start(calls)
        wait_for_lock_waiters(len(calls))
    join(threads)
    return outcomes


def failures(outcomes: list) -> list[Exception]:
    return [o for o in outcomes if isinstance(o, Exception)]


def successes(outcomes: list) -> list:
    return [o for o in outcomes if not isinstance(o, Exception)]
