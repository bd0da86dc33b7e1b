"""Reading and writing the spreadsheets people exchange: CSV (UTF-8 with or without BOM, or
GB18030 as Excel saves it on a Chinese Windows) and XLSX through openpyxl, streamed, so a
quarter's 130,000 hotline work orders never sit in memory at once.

Every cell comes back as text: an ID number typed into a number cell arrives as an int
(or a float when Excel has rounded it), a date as a datetime. `cell_text` turns each into
what a person would have typed; whether the value is valid is the importer's business.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read (not a spreadsheet, no header row…)."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    #: (row number as the spreadsheet shows it, {header: text}) for each non-empty row
    rows: Iterator[tuple[int, dict[str, str]]]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(data: bytes, *, file_name: str) -> Table:
    """The first sheet (or the CSV) as a header row and data rows; empty rows are skipped."""
    if file_name.lower().endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if file_name.lower().endswith(".json"):
        return _read_json(data)
    return _read_csv(data)


def count_rows(data: bytes, *, file_name: str) -> int:
    """How many data rows `read_table` will yield (the progress bar's 100%).

    A workbook saved by Excel, WPS or LibreOffice states its used range: reading that takes
    no pass over a sheet whose full parse costs 45 s at 100,000 rows. The range may hold
    empty rows, which the import skips; the engine sets the true count when it ends."""
    if file_name.lower().endswith(".xlsx") or data[:2] == b"PK":
        stated = _stated_rows(data)
        if stated is not None:
            return stated
    return sum(1 for _ in read_table(data, file_name=file_name).rows)


def _stated_rows(data: bytes) -> int | None:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # the import itself reports an unreadable file
        return None
    try:
        sheet = book.worksheets[0]
        if sheet.calculate_dimension() in ("A1:A1", None):
            return None
        return max(0, (sheet.max_row or 1) - 1)
    except ValueError:  # openpyxl: "Worksheet is unsized" — no range stated (write-only files)
        return None
    finally:
        book.close()


def _read_xlsx(data: bytes) -> Table:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise SpreadsheetError(_("无法读取该 Excel 文件：%(error)s") % {"error": error}) from error
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    headers = _headers(next(lines, None))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(lines, start=2):
            texts = [cell_text(v) for v in values]
            if any(texts):
                yield number, dict(zip(headers, texts + [""] * (len(headers) - len(texts)), strict=False))
        book.close()

    return Table(headers, rows())


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    lines = csv.reader(io.StringIO(text, newline=""))
    headers = _headers(next(lines, None))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, values in enumerate(lines, start=2):
            texts = [v.strip() for v in values]
            if any(texts):
                yield number, dict(zip(headers, texts + [""] * (len(headers) - len(texts)), strict=False))

    return Table(headers, rows())


def _read_json(data: bytes) -> Table:
    """A list of objects with the column names as keys (how the credit platform's exchange
    hands over the court lists): the headers are the keys in the order first met."""
    try:
        items = json.loads(_decode(data))
    except ValueError as error:
        raise SpreadsheetError(_("无法读取该 JSON 文件：%(error)s") % {"error": error}) from error
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise SpreadsheetError(_("JSON 文件应为对象数组，每个对象为一行。"))
    headers = _headers(list(dict.fromkeys(key for item in items for key in item)))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for number, item in enumerate(items, start=2):
            texts = {header: cell_text(item.get(header)) for header in headers}
            if any(texts.values()):
                yield number, texts

    return Table(headers, rows())


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(_("无法识别文件编码：请另存为 UTF-8 或 Excel 文件。")) from error


def _headers(values) -> list[str]:
    headers = [cell_text(v) for v in (values or ())]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise SpreadsheetError(_("文件没有表头行。"))
    return headers


def write_xlsx(
    headers: list[str], rows: Iterable[Iterable], *, title: str = "Sheet1", text_columns=()
) -> bytes:
    """A workbook of one sheet, written as it streams (write_only). Columns named in
    `text_columns` are formatted as text, so Excel keeps an 18-digit ID number whole when a
    person types into the template."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, header in enumerate(headers):
        if header in text_columns:
            sheet.column_dimensions[_column_letter(index)].number_format = "@"
        sheet.column_dimensions[_column_letter(index)].width = max(12, len(header) * 2 + 2)
    from openpyxl.cell import WriteOnlyCell

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """UTF-8 with a BOM, so Excel on a Chinese Windows opens it without mojibake."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
