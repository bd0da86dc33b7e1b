"""Template helpers for the admin's own pages (templates/admin/)."""

from django import template
from django.contrib import admin
from django.utils.text import capfirst

register = template.Library()


@register.filter
def model_title(model: dict) -> str:
    """A model's name in the app list, as its ModelAdmin names it (workflows.admin renames
    viewflow's models there); the model's own plural name otherwise."""
    model_admin = admin.site._registry.get(model.get("model"))
    if model_admin is None:
        return model["name"]
    return capfirst(model_admin.opts.verbose_name_plural)
