"""Demo data for Chengxin (`make run`, the README's demo accounts): the Dongguan organisation tree, about 200 civil
servants, one account per role and about 60 records in every lifecycle state, each record
made only through casework.services. Idempotent: a second run finds everything by its
natural key and writes nothing.

`manage.py seed_demo` lives in the workflows app and seeds through notices.demo, which drives
these cases with the notices each step calls for (casework does not know its notices), through
`seed_people`, `build_records` and a subclass of `Plan`; the command then runs the sweeps once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from .accounts import account_rows, build_users, grant_view_permissions
from .cases import Context, DemoError, Plan, build_records
from .organisations import build_organisations
from .people import build_people

__all__ = ["Context", "DemoError", "Plan", "Summary", "build_records", "seed_people"]


@dataclass
class Summary:
    organisations: int = 0  # units and their former names
    people: int = 0
    users: int = 0  # accounts and 回避 declarations
    permissions: int = 0  # view permissions added to role groups
    records: int = 0
    steps: int = 0  # steps run after registering the leads
    accounts: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any([self.organisations, self.people, self.users, self.permissions, self.records, self.steps])


def seed_people(summary: Summary) -> Context:
    """Organisations, people, accounts and role permissions, counted into `summary`."""
    with transaction.atomic():
        orgs, summary.organisations = build_organisations()
        people, summary.people = build_people(orgs)
        summary.permissions = grant_view_permissions()
        users, summary.users = build_users(orgs, people)
    summary.accounts = account_rows(users)
    return Context(users, orgs, people)
