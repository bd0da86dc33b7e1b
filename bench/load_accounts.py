"""The accounts of bench/load.py's virtual users, made in the seeded database (not a test, not
the demo's accounts: production refuses those).

    .venv/bin/python manage.py shell -c "from bench.load_accounts import main; main(30, 20, 'pw')"

Each officer is a copy of the demo's `officer` (its role groups and unit) with a confirmed
authenticator (a django-otp TOTP device whose key the load generator computes codes from, as
the app on a phone would); each liaison a copy of `liaison` or `liaison2` (their units in turn),
who needs no second factor. Prints one JSON line: {"officers": [[username, hex key], …],
"liaisons": [username, …]}. Running it again (--keep) reuses the accounts (the audit trail names
them: never deleted) with a new password hash and new authenticator keys.
"""

from __future__ import annotations

import json
import secrets

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import User

OFFICER, LIAISONS = "officer", ("liaison", "liaison2")


def main(officers: int, liaisons: int, password: str) -> None:
    with transaction.atomic():
        hashed = make_password(password)  # hashing is slow on purpose: once, not per account
        made = {
            "officers": [_officer(n, hashed) for n in range(officers)],
            "liaisons": [
                _copy(f"bench_liaison_{n:02d}", LIAISONS[n % 2], hashed).username for n in range(liaisons)
            ],
        }
    print(json.dumps(made))


def _officer(n: int, hashed: str) -> list[str]:
    user = _copy(f"bench_officer_{n:02d}", OFFICER, hashed)
    key = secrets.token_hex(20)
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="bench", key=key, confirmed=True)
    return [user.username, key]


def _copy(username: str, model: str, hashed: str) -> User:
    source = User.objects.get(username=model)
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "password": hashed,
            "first_name": f"压测{username[-2:]}",
            "organisation_id": source.organisation_id,
            "is_staff": source.is_staff,
            "is_active": True,
        },
    )
    user.groups.set(source.groups.all())
    return user
