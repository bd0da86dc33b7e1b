"""A figure as the page shows it: its table, and its chart's data for static/js/charts.js
(read from a json_script tag: no inline script)."""

from __future__ import annotations

from dataclasses import dataclass

from oversight.statistics.figures import Table
from oversight.statistics.registry import FigureSpec
from oversight.statistics.scope import Scope


@dataclass(frozen=True)
class Shown:
    spec: FigureSpec
    table: Table

    @property
    def dom_id(self) -> str:
        return f"figure-{self.spec.name}"

    @property
    def chart(self) -> dict:
        rows = self.table.rows
        if self.spec.drawn and rows:
            rows = self.spec.drawn(rows)
        return {
            "type": self.spec.chart,
            "title": str(self.spec.title),
            "labels": [str(row[0]) for row in rows],
            "series": [
                {"name": str(self.table.headers[i]), "data": [row[i] for row in rows]}
                for i in self.spec.series
            ],
        }


def show(specs: tuple[FigureSpec, ...], *, user, scope: Scope) -> list[Shown]:
    return [Shown(spec, spec.table(user=user, scope=scope)) for spec in specs]
