"""Cells of the workbooks the site writes (a speech's bank, the reports, the roster template).

Names and texts come from users: a unit called ``=1+1`` or a concept ``@SUM(A1)``. A spreadsheet
program runs text that starts like a formula, so such text is stored as a text cell, and with
quotePrefix: without it Excel turns the cell into a formula as soon as someone edits it. Every
other text is a text cell too (openpyxl would store ``#N/A`` as an error value).
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import Cell

# A cell starting with one of these is a formula to a spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def set_cell(cell: Cell, value: Any) -> None:
    """Write ``value`` into ``cell``; text stays text, whatever it starts with (see above)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
