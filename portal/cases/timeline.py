"""The case's timeline: its audit trail (casework.queries.record_audit_entries, already
scoped to the reader), oldest first, in words: who, in which role, did what, why, when.

The case page shows the latest `LATEST` entries (a long-running case gathers hundreds, and
rendering each costs the page more than its queries do) and links to the whole trail, read a
page at a time on its own page (`portal.cases.views.case_timeline`).

The commission's own readers also see the internal details the API shows only to them (the
IP address) and the changed fields; everyone else sees the step, the states and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext_lazy as _

from casework import queries
from casework.action_labels import action_label
from casework.kinds import kind_of_model
from casework.roles import Role

from . import changes


@dataclass
class Entry:
    when: object
    actor: str
    role: str
    action: str
    about: str
    change: str
    reason: str
    details: list[tuple[str, str]] = field(default_factory=list)  # internal: IP, changed fields
    ip: str = ""


#: How many of the latest entries the case page shows; also the full timeline's page size.
LATEST = 50


@dataclass
class Latest:
    """The latest entries, oldest first, and how many the whole trail holds for this reader."""

    entries: list[Entry]
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.entries)


def _state_label(model, state: str) -> str:
    declared = kind_of_model(model)  # a decision's state is its case's: not its own to label
    if declared and declared.state_path == "state" and state in declared.states.values:
        return str(declared.states(state).label)
    field = changes.model_field(model, "state")
    if not state or field is None or not field.choices:
        return state
    return str(dict(field.flatchoices).get(state, state))


def _role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _change(entry, model) -> str:
    before, after = _state_label(model, entry.from_state), _state_label(model, entry.to_state)
    if before and after and before != after:
        return f"{before} → {after}"
    return f"→ {after}" if after and not before else ""


#: Not a case object, but named like one whose own name says more than its kind (casework.kinds).
NAMED_FILES = frozenset({"attachment"})


def _about(entry, model, record, clean) -> str:
    if model is None or model is type(record):
        return ""
    kind, name, declared = str(model._meta.verbose_name), clean(entry.object_repr), kind_of_model(model)
    about = (
        "kind name" if model._meta.model_name in NAMED_FILES else getattr(declared, "timeline_about", "kind")
    )
    return {"name": name, "kind name": f"{kind} {name}"}.get(about, kind)


def trail(user, record) -> QuerySet:
    """The record's trail as this user may read it, unordered.

    `record` comes from record_get: one query for the whole trail."""
    return queries.visible_audit_entries(user).filter(record=record).select_related("content_type")


def latest(user, record, *, internal: bool, clean=str, known=(), limit: int = LATEST) -> Latest:
    """The latest `limit` entries and the trail's size, counted in the same query (a window
    over the reader's rows, evaluated before the LIMIT)."""
    rows = list(trail(user, record).annotate(trail_size=Window(Count("pk"))).order_by("-seq")[:limit])
    rows.reverse()
    total = rows[0].trail_size if rows else 0
    return Latest(in_words(rows, record, internal=internal, clean=clean, known=known), total)


def timeline(user, record, *, internal: bool, clean=str, known=()) -> list[Entry]:
    """The record's whole trail as this user may read it; `clean` scrubs free text they may
    not see; `known`: objects the page read already, named in the changed fields without a
    query."""
    rows = trail(user, record).order_by("seq")
    return in_words(rows, record, internal=internal, clean=clean, known=known)


def in_words(rows, record, *, internal: bool, clean=str, known=()) -> list[Entry]:
    """These audit entries of the record, in words."""
    entries = [(entry, entry.content_type.model_class()) for entry in rows]
    names = changes.Names()
    read = [
        record.subject_organisation,
        record.subject_person,
        record.assigned_officer,
        record.disclosure_rule,
    ]
    names.know([record, *read, *known])
    if internal:
        for entry, model in entries:
            changes.collect(model, entry.diff, names)
        names.load()
    return [
        Entry(
            when=entry.created_at,
            actor=entry.actor_name or str(_("系统")),
            role=_role_label(entry.actor_role),
            action=action_label(entry.action),
            about=_about(entry, model, record, clean),
            change=_change(entry, model),
            reason=clean(entry.reason),
            details=changes.describe(model, entry.diff, names, clean) if internal else [],
            ip=(entry.ip_address or "") if internal else "",
        )
        for entry, model in entries
    ]
