"""Table answers as people handle them: rows pasted from a spreadsheet, rows read back as text, and cells
as the app's table shows them."""

from __future__ import annotations

import csv
import io
from typing import Sequence

from .bank import Column
from .plan import MAX_TABLE_ROWS, AnswerError, number_value
from .text import excerpt

Row = dict[str, str]


def rows_from_pasted(text: str, column_ids: Sequence[str], labels: Sequence[str] = ()) -> list[Row]:
    """Return the rows of text copied from Excel or Google Sheets (tab-separated), cells in column order.

    A first line that repeats the column labels (all or the first few) is taken as a header and left out; blank lines are
    skipped; cells past the last column are joined into it with a space rather than dropped. A cell
    Excel quoted (one holding a line break or a tab) keeps its line breaks.
    Raises AnswerError when the text holds more than MAX_TABLE_ROWS rows, before reading them all.
    """
    if text.count("\n") > MAX_TABLE_ROWS * 4:  # a cheap look before the parser reads every line
        raise AnswerError(f"A table can have at most {MAX_TABLE_ROWS} rows. The pasted rows were not added.")
    lines = [line for line in csv.reader(io.StringIO(text.replace("\r\n", "\n")), delimiter="\t")
             if any(cell.strip() for cell in line)]
    wanted = [label.strip().casefold() for label in labels]
    first = [cell.strip().casefold() for cell in lines[0]] if lines else []
    while first and not first[-1]:
        first.pop()
    if first and first == wanted[:len(first)]:  # the column headings, copied with the cells
        lines = lines[1:]
    if len(lines) > MAX_TABLE_ROWS:
        raise AnswerError(f"A table can have at most {MAX_TABLE_ROWS} rows; {len(lines):,} were pasted. "
                          "The pasted rows were not added.")
    rows = []
    width = len(column_ids)
    for cells in lines:
        cells = [cell.strip() for cell in cells]
        if len(cells) > width:
            cells = cells[:width - 1] + [" ".join(c for c in cells[width - 1:] if c)]
        rows.append({column: cells[n] if n < len(cells) else "" for n, column in enumerate(column_ids)})
    return rows


def row_as_text(row: dict, column_ids: Sequence[str], labels: Sequence[str]) -> str:
    """Return one row as 'Label: value' parts joined by ' · ', leaving out empty cells."""
    return " · ".join(f"{label}: {row.get(column)}" for column, label in zip(column_ids, labels)
                      if str(row.get(column) or "").strip())


def cell_shown(column: Column, text: str) -> str:
    """A cell as the app's table shows it: a number column's 12000 as 12,000, every decimal kept (0.125 stays
    0.125, as the form to change it shows it); any other cell as saved."""
    number = number_value(text) if column.type == "number" else None
    return format(number, ",f") if number is not None else text


def row_name(columns: Sequence[Column], row: Row, index: int) -> str:
    """How a row is named where one is chosen: "Row 2: Principals" (its first filled cell, cut short)."""
    first = next((row[c.id] for c in columns if row.get(c.id)), "")
    return f"Row {index + 1}: {excerpt(first, 50)}" if first else f"Row {index + 1}"


def unique_labels(labels: Sequence[str]) -> list[str]:
    """Column headings as a table needs them: two columns of one label become "Label" and "Label (2)"."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
