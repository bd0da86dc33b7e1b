"""Django admin for the configuration tables, one module per area."""

from . import calendar, records  # noqa: F401
