"""Selects written in one pass, for pages where Django's own is too slow.

Django's Select renders a template per option (two includes each), and a ModelChoiceField
builds a model instance per row: on the case list, 600 units and 200 officers cost more than
all its queries (docs/performance.md). `PlainSelect` writes its choices in one pass
(`UnitField`: a unit filter's (id, name) pairs, read fresh on every request);
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
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

Rows = tuple[tuple[object, str], ...]


class PlainSelect(forms.Select):
    """A select written in one pass from its choices: the markup of Django's own, without a
    template, an option dict and its attributes per option. Not for grouped choices (none
    of its uses has any)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices
            for key in ("" if key is None else key,)
        )
        return _select(name, self.build_attrs(self.attrs, attrs), mark_safe(options))


class UnitField(forms.TypedChoiceField):
    """A unit picked from a long list (every unit: hundreds in a city); its cleaned value is
    the unit's id (None: any unit). The form sets the units with `offer`, once per request:
    (id, name) pairs, one query, no instances."""

    widget = PlainSelect

    def __init__(self, *, empty_label, **kwargs):
        self.empty_label = empty_label
        super().__init__(coerce=int, empty_value=None, required=False, choices=(), **kwargs)

    def offer(self, units: QuerySet) -> None:
        """The units of `units` (a queryset of Organisation, in the order to show) as options."""
        self.choices = [("", self.empty_label), *units.values_list("pk", "name")]


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
