"""Field shapes several models declare alike."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
