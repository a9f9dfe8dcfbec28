"""Cells for the CSV files staff download: user text that a spreadsheet would run is quoted.

OWASP's "CSV injection": a cell starting with ``= + - @`` (or a tab or carriage return) is read
as a formula by Excel and LibreOffice. Such text gets a leading apostrophe; numbers stay numbers.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell: None as empty, formula-like text quoted, anything else as is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
