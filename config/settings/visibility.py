"""PostgreSQL without JIT compilation for the application's connections.

The visibility filters are short indexed queries whose estimated cost is inflated by their
correlated sub-plans (costed per row, answered by index probes or once hashed): above
`jit_above_cost` PostgreSQL compiles them first, which took 0.5–7 s of a 0.1–2 s query on the
benchmark (docs/performance.md, "Visibility and indexes"). JIT pays off for long analytic
scans, which this application does not run on its request path.
"""

from .base import DATABASES

if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
