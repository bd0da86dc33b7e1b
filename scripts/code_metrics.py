#!/usr/bin/env python3
"""Function length over the production code: the median and 90th percentile of def-body lengths.

    python scripts/code_metrics.py            # casework notices workflows portal config
    python scripts/code_metrics.py --longest 10

A body's length is the lines from its first statement to the end of its last one, the docstring
left out (blank lines and comments inside count: they are what a reader scrolls past). Every
def counts, nested ones and methods too. Migrations, demo data and tests are not production code.
"""

import argparse
import ast
import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("casework", "notices", "workflows", "portal", "config")
SKIPPED = {"migrations", "demo", "tests"}


def sources(root: Path, packages) -> list[Path]:
    files = (path for package in packages for path in sorted((root / package).rglob("*.py")))
    return [path for path in files if not SKIPPED & set(path.relative_to(root).parts)]


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(getattr(statement, "value", None), ast.Constant)


def body_length(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = function.body[1:] if len(function.body) > 1 and is_docstring(function.body[0]) else function.body
    return body[-1].end_lineno - body[0].lineno + 1


def lengths(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    return [(body_length(f), f"{path.relative_to(ROOT)}:{f.lineno} {f.name}") for f in functions]


def percentile(values: list[int], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", default=PACKAGES)
    parser.add_argument("--longest", type=int, default=0, help="also list the N longest functions")
    args = parser.parse_args(argv)
    found = [item for path in sources(ROOT, args.packages) for item in lengths(path)]
    values = [length for length, _ in found]
    print(f"functions: {len(values)}")
    print(f"median: {statistics.median(values):g} lines")
    print(f"p90: {percentile(values, 0.9):g} lines")
    for length, where in sorted(found, reverse=True)[: args.longest]:
        print(f"{length:5d}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
