"""Input fields shared by every API serializer.

An id is a number the database can hold: a larger one (or zero, or a negative one) is
refused as input with a 400 that names the field, and never reaches a query, where SQLite
would fail on it (OverflowError) and PostgreSQL would not: both databases answer alike.
The bounds are in the schema too (minimum/maximum), so a client can see them.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

#: The largest id a database integer column (BigAutoField) holds.
MAX_ID = 2**63 - 1
#: The longest free text an input field takes (facts, reasons, statements): DRF's CharField
#: has no limit of its own, and what is taken is stored, audited and rendered.
TEXT_MAX = settings.CHENGXIN_TEXT_INPUT_MAX


class IdField(serializers.IntegerField):
    """The id of an object (a record, a person, a user …): 1 … 2**63 − 1."""

    #: A form picks the object from a list: "请选择…" when it is missing (casework.api.messages).
    picks_an_object = True

    default_error_messages = {
        "invalid": _("请填写有效的编号（正整数）。"),
        "min_value": _("编号须为正整数。"),
        "max_value": _("编号超出范围，不存在该对象。"),
        "max_string_length": _("编号超出范围，不存在该对象。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def id_list(**kwargs) -> serializers.ListField:
    """A list of ids (body id lists such as `notices`, `investigators`, `measure_ids`)."""
    return serializers.ListField(child=IdField(), **kwargs)


@functools.cache
def _choice_labels(model, name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


class ChoiceLabelField(serializers.CharField):
    """A choice's label, `source="get_state_display"` as DRF has it, but read from one dict
    per field and language: Model.get_FOO_display hashes every lazy label of the field for
    each row (a millisecond a row of a list page)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        name = self.source.removeprefix("get_").removesuffix("_display")
        value = getattr(instance, name)
        if value is None:
            return None
        return _choice_labels(type(instance)._meta.concrete_model, name, get_language()).get(value, value)
