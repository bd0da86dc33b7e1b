"""The complainant's name and contact, as each reader may see them.

Only those who call the complainant back (TRIAGE_ROLES: the intake operator and the case
officer) read them in full; every other page, list, export and API answer shows them masked:
张三 → 张*, 李小明 → 李*明, 13812345678 → 138****5678, 0769-22221234 → 0769****1234."""

from __future__ import annotations

from casework.permissions import has_role

from .lifecycle import TRIAGE_ROLES


def may_see_contact(user) -> bool:
    return has_role(user, *TRIAGE_ROLES)


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_contact(contact: str) -> str:
    """Keeps what tells two numbers apart when calling (prefix and last four), hides the rest."""
    contact = (contact or "").strip()
    if len(contact) <= 4:
        return "*" * len(contact)
    if len(contact) <= 7:
        return "*" * (len(contact) - 4) + contact[-4:]
    head = 4 if not contact[:3].isdigit() or contact.startswith("0") else 3
    return contact[:head] + "*" * (len(contact) - head - 4) + contact[-4:]


def complainant_for(user, complaint) -> tuple[str, str]:
    """(name, contact) as `user` may read them."""
    if may_see_contact(user):
        return complaint.complainant_name, complaint.complainant_contact
    return mask_name(complaint.complainant_name), mask_contact(complaint.complainant_contact)
