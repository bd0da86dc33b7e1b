"""The changed fields of an audit entry in words, for the commission's own timeline: each
field by its label (the model's verbose name), each value as a page shows it (a choice by
its label, 是/否, a person or user by name, a structure by its size), never the stored code.

People and objects named by id are read in one query per model for the whole timeline.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from notices import types

#: Keys of a diff that are not fields of the audited model.
LABELS = {
    "items": _("整改事项"),
    "persons": _("当事人"),
    "sanctions": _("处分"),
    "decisions": _("处理决定"),
    "corrections": _("更正内容"),
    "owner": _("所属事项"),
    "deadlines": _("期限"),
    "reminded_on": _("提醒日期"),
    "overdue_since": _("逾期起始日"),
    "number": _("序号"),
    "appeals": _("复审/复核/申诉"),
    "size": _("文件大小（字节）"),
}
#: Names of fields of other apps' models (viewflow's have no Chinese), by model name.
FOREIGN_LABELS = {"task": {"owner": _("办理人"), "status": _("状态")}}
#: Coded values of fields without choices: an attachment's purpose as the services write it.
VALUE_LABELS = {
    "purpose": {
        "evidence": _("证明材料"),
        "objection": _("异议材料"),
        "investigation": _("调查材料"),
        "other": _("其他材料"),
    }
}
#: Our own apps: their models' fields carry Chinese names.
OWN_APPS = frozenset({"casework", "notices", "workflows"})
#: How a file is stored (its name on disk, its MIME type): no part of the case.
STORAGE = frozenset({"stored_name", "content_type"})
#: Fields that hold a digest, not words: hex that can hold a run of digits shaped like a
#: telephone number, which masking would cut in two.
NOT_FREE_TEXT = frozenset({"sha256"})
#: Longest value shown; the rest is in the audit trail itself.
LONGEST = 80
#: "accountability:2": an object named by its model and id (an attachment's owner).
_OBJECT_REF = re.compile(r"^([a-z]+):(\d+)$")

Pair = tuple[object, object]


def model_field(model, name: str) -> models.Field | None:
    """The model's stored field `name` (a generic relation names no column of its own)."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete or field.many_to_many else None


def label(model, name: str) -> str:
    field = model_field(model, name)
    if field is not None and getattr(field, "verbose_name", None) and model._meta.app_label in OWN_APPS:
        return capfirst(str(field.verbose_name))
    model_name = model._meta.model_name if model is not None else ""
    named = FOREIGN_LABELS.get(model_name, {}).get(name) or LABELS.get(name)
    if named is None and model_name == "notice":  # a completed draft: the notice's own fields
        named = notice_field_labels().get(name)
    return str(named or _("其他"))


@cache
def notice_field_labels() -> dict[str, str]:
    """What each notice type calls the fields of its text (证据, 联系人 …)."""
    return {
        key: label for notice_type in reversed(types.all_types()) for key, label in notice_type.labels.items()
    }


def pairs(diff) -> Iterable[tuple[str, Pair]]:
    """(field, (before, after)) of every field whose value changed."""
    if not isinstance(diff, dict):
        return
    for name, change in diff.items():
        if name in STORAGE:
            continue
        if (
            isinstance(change, list | tuple)
            and len(change) == 2
            and any(v not in (None, "", []) for v in change)
        ):
            yield name, (change[0], change[1])


class Names:
    """Objects named by id in the diffs, read in one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, str], str] = {}

    def want(self, related: type, value) -> None:
        for pk in value if isinstance(value, list | tuple) else [value]:
            if isinstance(pk, int | str) and str(pk).isdigit():
                self.wanted[related].add(int(pk))

    def know(self, objects: Iterable) -> None:
        """Name objects the page has read already: `load` does not read them again."""
        for obj in objects:
            if obj is not None:
                self.found[(type(obj), str(obj.pk))] = _name_of(obj)

    def load(self) -> None:
        for related, pks in self.wanted.items():
            missing = {pk for pk in pks if (related, str(pk)) not in self.found}
            if not missing:
                continue
            for pk, obj in related._default_manager.in_bulk(missing).items():
                self.found[(related, str(pk))] = _name_of(obj)

    def name(self, related: type, pk) -> str:
        if not str(pk).isdigit():  # named by its code already (a measure: M01)
            return str(pk)
        return self.found.get((related, str(pk)), str(_("（已删除）")))


def _name_of(obj) -> str:
    full_name = getattr(obj, "get_full_name", None)
    return (full_name() if full_name else "") or str(obj)


def collect(model, diff, names: Names) -> None:
    """Note the ids a diff names, before `Names.load`."""
    for name, pair in pairs(diff):
        field = model_field(model, name)
        if field is not None and field.is_relation and field.related_model is not None:
            for value in pair:
                names.want(field.related_model, value)


def _object_ref(text: str) -> str | None:
    match = _OBJECT_REF.match(text)
    if match is None:
        return None
    for app_label in ("casework", "notices"):
        try:
            model = apps.get_model(app_label, match[1])
        except LookupError:
            continue
        return f"{model._meta.verbose_name} {match[2]}"
    return None


def value(model, name: str, raw, names: Names) -> str:
    if raw in (None, "", [], {}):
        return "—"
    field = model_field(model, name)
    if isinstance(raw, bool):
        return str(_("是") if raw else _("否"))
    if field is not None and field.is_relation and field.related_model is not None:
        pks = raw if isinstance(raw, list | tuple) else [raw]
        return "、".join(names.name(field.related_model, pk) for pk in pks)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(raw, str) and raw in VALUE_LABELS.get(name, {}):
        return str(VALUE_LABELS[name][raw])
    if name == "type_code" and model is not None and model._meta.model_name == "notice":
        return _notice_title(raw)
    if isinstance(raw, list):
        return str(_("%(count)d 项")) % {"count": len(raw)}
    if isinstance(raw, dict):
        return str(_("已更改"))
    text = str(raw)
    text = _object_ref(text) or text
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"


def _notice_title(code: str) -> str:
    try:
        return str(types.get(code).title)
    except KeyError:
        return code


def describe(model, diff, names: Names, clean: Callable[[str], str]) -> list[tuple[str, str]]:
    """(label, "before → after") of each changed field, in words."""
    return [
        (
            label(model, name),
            (str if name in NOT_FREE_TEXT else clean)(
                f"{value(model, name, before, names)} → {value(model, name, after, names)}"
            ),
        )
        for name, (before, after) in pairs(diff)
    ]
