"""The score sheet as an xlsx workbook, and edits made in it back into the standard file.

`export_standard` writes three sheets: 评分表 (the sheet staff print: one row per item, section
subtotals, bonus, total), 等级与否决 (grade ladder and vetoes) and 参数 (every editable number of
the rules, one a row). `import_edits` compares each cell with the current standard and turns
the differences into edits of the YAML *text*: only the span of each changed scalar is
replaced, so comments, key order and layout stay as they were.

Both directions are driven by one layout (`_sheets`): export writes it, import checks the
workbook against it. A cell is either a value of the standard (maps back), text generated from
the rules (must be left as it is: prose cannot be parsed back), or free for filling in
(自评分, 考核分: ignored). Every row carries its key in a hidden column, so rows can be matched
whatever happens to the visible cells, and rows added or removed are noticed.

The parts: `layout` (the sheets, both directions' one description), `values` (a standard's values
by target), `xlsx` (writing), and for importing: `importing`, `cells` (reading the workbook) and
`yaml_edit` (changing the YAML text).
"""
from __future__ import annotations

from assess.workflows.spreadsheet.cells import Edit
from assess.workflows.spreadsheet.importing import ImportResult, import_edits, write_import
from assess.workflows.spreadsheet.layout import Cell, Row, SheetSpec, Target, sheets
from assess.workflows.spreadsheet.values import model_value, standard_sha256
from assess.workflows.spreadsheet.xlsx import FIXED_TIME, META_SHEET, SCHEMA, export_standard, workbook_bytes

__all__ = [
    "FIXED_TIME", "META_SHEET", "SCHEMA", "Cell", "Edit", "ImportResult", "Row", "SheetSpec", "Target",
    "export_standard", "import_edits", "model_value", "sheets", "standard_sha256", "workbook_bytes", "write_import",
]
