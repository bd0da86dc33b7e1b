"""Field shapes several models declare alike."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def user_link(verbose_name, *, required: bool = False) -> models.ForeignKey:
    """The user who did something to the object (drafted, decided, signed…): kept while
    anything names them (PROTECT), with no reverse accessor on the user. Empty until done,
    unless `required`."""
    optional = {} if required else {"null": True, "blank": True}
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        **optional,
    )


class ChoiceLabels:
    """`get_FOO_display()` through each field's choices read once per process, the label still
    translated at each call. Django's own builds a dict of every choice on each call, and
    hashing its lazy labels translates each of them: on a list of 25 cases showing three
    labels a row, that was a fifth of the page's Python."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


@cache
def _choice_labels(field: models.Field) -> dict:
    return {make_hashable(value): label for value, label in field.flatchoices}
