"""Required-field checks for notice data (scenario 24, for every type).

A key is a dotted path into the data (``subject.post``, ``remedy.route``); ``items[].deadline``
means "every element of the list ``items`` has a ``deadline``". A field is missing when it
is absent, None, blank text or an empty list or mapping; ``False`` and ``0`` are answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext as _

# Lists that may legitimately be empty once present (e.g. no items left open).
ALLOW_EMPTY = frozenset({"remaining_items"})


def lookup(data: Mapping, path: str):
    value = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def is_blank(value, *, allow_empty: bool = False) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value and not allow_empty
    return False


def _is_date_key(key: str) -> bool:
    leaf = key.rsplit(".", 1)[-1]
    return leaf.endswith(("_on", "_date", "_due", "_end", "_start")) or leaf.endswith("deadline")


def _bad_date(value) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return True
    return False


def _check_plain(notice_type, data: Mapping, key: str) -> list[tuple[str, str]]:
    value = lookup(data, key)
    label = notice_type.label(key)
    if is_blank(value, allow_empty=key in ALLOW_EMPTY):
        return [(key, _("缺少“%(label)s”") % {"label": label})]
    if _is_date_key(key) and _bad_date(value):
        return [(key, _("“%(label)s”不是有效日期（应为 YYYY-MM-DD）") % {"label": label})]
    return []


def _check_each(notice_type, data: Mapping, key: str) -> list[tuple[str, str]]:
    list_key, sub = key.split("[].", 1)
    elements = lookup(data, list_key)
    if not isinstance(elements, list):
        return []  # the list's own entry reports it
    problems = []
    for n, element in enumerate(elements, start=1):
        value = element.get(sub) if isinstance(element, Mapping) else None
        params = {"list": notice_type.label(list_key), "n": n, "label": notice_type.label(key)}
        if is_blank(value):
            problems.append((key, _("“%(list)s”第 %(n)s 项缺少“%(label)s”") % params))
        elif _is_date_key(sub) and _bad_date(value):
            problems.append((key, _("“%(list)s”第 %(n)s 项“%(label)s”不是有效日期") % params))
    return problems


def missing_fields(notice_type, data: Mapping) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for key in notice_type.required_for(data):
        check = _check_each if "[]." in key else _check_plain
        problems += check(notice_type, data, key)
    if notice_type.variants and data.get("variant") and data["variant"] not in notice_type.variants:
        problems.append(("variant", _("“%(label)s”取值无效") % {"label": notice_type.label("variant")}))
    return problems
