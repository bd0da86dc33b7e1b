"""Selects written in one pass, for pages where Django's own is too slow.

Django's Select renders a template per option (two includes each), and a ModelChoiceField
builds a model instance per row: on the case list, 600 units and 200 officers cost more than
all its queries (docs/performance.md). `PlainSelect` writes a few fixed choices in one pass;
`RowSelect` reads a model select's options as plain (id, label) rows on every request (one
narrow query, so an added, renamed or removed row shows at once, in every process, with no
signal or version to keep) and reuses their rendering for as long as the rows are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

Rows = tuple[tuple[object, str], ...]


class PlainSelect(forms.Select):
    """A select of flat choices, the same HTML as Django's without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return _select(name, widget["attrs"], options)


class RowSelect(forms.Select):
    """The select of a ModelChoiceField whose options are `rows(queryset)`: (id, label) pairs
    in the order shown, read without model instances. Only the field's queryset is used, so
    validation (the field's own `queryset.get`) is unchanged."""

    def __init__(self, attrs=None, *, rows: Callable[[QuerySet], Iterable[tuple[object, str]]]):
        super().__init__(attrs)
        self.rows = rows

    def option_rows(self) -> Rows:
        """The options' rows, read once per form (a form deep-copies its widgets) and queryset."""
        queryset = self.choices.queryset
        if getattr(self, "_rows_of", None) is not queryset:
            self._rows_of = queryset
            self._rows = () if queryset is None else tuple(self.rows(queryset))
        return self._rows

    def render(self, name, value, attrs=None, renderer=None):
        empty_label = self.choices.field.empty_label
        chosen = "" if value is None else str(value)
        parts = []
        if empty_label is not None:
            selected = " selected" if chosen == "" else ""
            parts.append(f'<option value=""{selected}>{escape(empty_label)}</option>')
        options, ends = rendered_options(self.option_rows())
        end = ends.get(chosen)
        parts += [options] if end is None else [options[:end], " selected", options[end:]]
        attrs = self.build_attrs(self.attrs, attrs)
        return _select(name, attrs, mark_safe("".join(parts)))


@lru_cache(maxsize=16)
def rendered_options(rows: Rows) -> tuple[str, dict[str, int]]:
    """The <option>s of `rows`, escaped, and for each value where its option's `value`
    attribute ends (where " selected" goes)."""
    ends: dict[str, int] = {}
    parts: list[str] = []
    length = 0
    for value, label in rows:
        start = f'<option value="{escape(value)}"'
        ends.setdefault(str(value), length + len(start))
        option = f"{start}>{escape(label)}</option>"
        parts.append(option)
        length += len(option)
    return "".join(parts), ends


def _select(name: str, attrs: dict, options: str) -> SafeString:
    return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
