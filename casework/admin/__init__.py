"""Django admin for the configuration tables, one module per area."""

from . import calendar, records, site  # noqa: F401
