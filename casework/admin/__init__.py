"""Django admin for the configuration tables, one module per area."""

from . import calendar, permissions, records, second_factor, site  # noqa: F401
