"""The generic action forms (portal.cases) this user may open now on one object."""

from __future__ import annotations

from portal.cases.actions import Action, available_actions

#: Offered by this portal's own page (several files at once, with progress): not twice.
OWN_PAGES = {("items", "evidence")}


def actions_for(user, obj, *, only: str = "") -> list[Action]:
    """`only`: the one step to keep, when a row is about that step of the object."""
    return [
        a
        for a in available_actions(user, obj)
        if (a.kind, a.step) not in OWN_PAGES and (not only or a.step == only)
    ]
