"""Figures as a workbook: one sheet per figure, its table as the page shows it, so what is
downloaded is what was seen (the tests read it back and compare)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .figures import Table

#: Characters Excel refuses in a sheet's name.
_NOT_IN_SHEET_NAMES = re.compile(r"[\\/*?:\[\]]")


def sheet_name(title: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub("-", title)[:28] or "Sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def workbook(sheets: Iterable[tuple[str, Table]]) -> bytes:
    """(title, table) pairs → an .xlsx of as many sheets, headers in bold."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for title, table in sheets:
        sheet = book.create_sheet(title=sheet_name(str(title), taken))
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=str(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
