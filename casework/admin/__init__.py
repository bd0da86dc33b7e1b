"""Django admin for the configuration tables, one module per area."""

from . import calendar, permissions, records, site  # noqa: F401
