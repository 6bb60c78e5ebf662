"""CSV files the one way: reading uploads (decoding, the header, `line N`, the report), writing safe cells.

An import reads its file in three steps, each shared here so every import refuses the same
files with the same words:

    text = csvfiles.decode(data)                 # bytes -> str, or CsvFileError
    report = MyReport()                          # a subclass of ImportReport
    rows = report.read(text, REQUIRED, OPTIONAL)  # [] and one error when the file is unusable
    for row in rows:                             # row.line: the line in the file (header = 1)
        ...  row.values["email"] ...             # every header column, lowercased; "" when absent
        report.error(row.line, "what is wrong")  # recorded as "line N: what is wrong"

- `decode(data)`: UTF-8 with or without a byte-order mark; UTF-16 (with or without its BOM) and
  anything else that is not UTF-8 (Windows-1252, Latin-1) is refused with a `CsvFileError`
  saying so and how to save the file.
- `read_rows(text, required, optional=())`: the `Row`s of the file. Header names are compared
  without case or surrounding spaces; a missing required column is refused naming it
  (`line 1: missing column: team (…)`), extra columns are allowed. Blank lines (every cell under
  the header empty) are skipped and not counted. `Row.line` is the physical line the row ends on
  as an editor shows it, right after blank lines and quoted line breaks. Cells beyond the header
  are in `Row.extra`. A quote never closed is refused on the line where the row starts
  (`line N: a quote (") opened on this line is never closed …`), never read as one field that
  swallows the rest of the file.
- `ImportReport`: rows read, `added`/`updated`/`unchanged` counts and `line N` errors; `ok`
  when there are none, `discard()` for all-or-nothing imports that keep nothing after an error.
  Subclass it for an import's own fields and `summary()`.

Every export writes its cells through `safe_cell(value)`: spreadsheet programs run a cell that
starts with = + - @ (or a tab or carriage return, which some strip before looking) as a formula,
so such text gets a leading `'` and opens as text. Numbers (int, float, Decimal) are written as
they are, so a negative figure stays a number; None is an empty cell.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

SAVE_AS = "Save it as 'CSV UTF-8' and try again."
# UTF-16 without a byte-order mark is told apart by its NUL bytes: a header in ASCII letters has
# one in every other byte, and no UTF-8 text file has them there.
_SNIFF_BYTES = 64
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvFileError(ValueError):
    """A file that cannot be read at all (encoding, empty, header, not CSV), with a message for people."""


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; UTF-16 and anything else refused with a message saying so."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise CsvFileError(f"The file is UTF-16, not UTF-8. {SAVE_AS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(f"The file is not UTF-8: byte {exc.start + 1} cannot be read "
                           f"(perhaps Windows-1252 or Latin-1). {SAVE_AS}") from None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if len(sample) < 2:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) * 2 >= len(even) or odd.count(0) * 2 >= len(odd)


def safe_cell(value: Any) -> Any:
    """`value` for a CSV cell: text a spreadsheet would run as a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Row(NamedTuple):
    """One data row: its line in the file (the header is line 1) and its cells by column name."""
    line: int
    values: dict[str, str]
    extra: list[str]


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def read_rows(text: str, required: Iterable[str], optional: Iterable[str] = ()) -> list[Row]:
    """The file's non-blank rows. Raises CsvFileError for an empty file, a missing column or bad CSV."""
    return list(iter_rows(io.StringIO(text, newline=""), required, optional))


def iter_rows(stream: Iterable[str], required: Iterable[str], optional: Iterable[str] = ()) -> Iterator[Row]:
    """`read_rows` one row at a time from lines of text (a file opened with newline=""), for files
    too large to hold: the header is checked at the first `next()`."""
    required, optional = tuple(required), tuple(optional)
    expected = ",".join(required) + (f"; {', '.join(optional)} optional" if optional else "")
    # strict: a quote never closed is an error at the end of the file; without it the csv module
    # quietly makes the rest of the file one field of the row where the quote opened.
    reader = csv.reader(stream, strict=True)
    row_start = 1
    try:
        header = next(reader, None)
        if not header:
            raise CsvFileError(f"The file is empty: it needs a header row naming {expected}.")
        names = [(h or "").replace("\ufeff", "").strip().lower() for h in header]
        missing = [c for c in required if c not in names]
        if missing:
            raise CsvFileError(f"line 1: missing {_plural(len(missing), 'column')}: {', '.join(missing)} "
                               f"(the header must name {expected}).")
        row_start = reader.line_num + 1
        for cells in reader:
            row_start = reader.line_num + 1
            if not any(cell.strip() for cell in cells[:len(names)]):
                continue  # a blank line, e.g. at the end of a spreadsheet export
            # reader.line_num is the physical line the row ended on: blank lines and quoted line
            # breaks make it differ from the count of rows, and people look for it in their editor.
            values = dict.fromkeys(names, "")
            values.update(zip(names, cells))
            yield Row(reader.line_num, values, cells[len(names):])
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise CsvFileError(f"line {row_start}: a quote (\") opened on this line is never closed, so the rest "
                               "of the file would be read as one field. Close the quote or remove it.") from None
        raise CsvFileError(f"line {reader.line_num}: the file is not readable as CSV: {exc}.") from None


@dataclass
class ImportReport:
    """What an import did (or, with errors, why it did nothing): counts and `line N: …` problems."""
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, message: str) -> None:
        self.errors.append(f"line {line}: {message}")

    def read(self, text: str, required: Iterable[str], optional: Iterable[str] = ()) -> list[Row]:
        """`read_rows`, counting the rows; a file that cannot be read is this report's one error."""
        try:
            rows = read_rows(text, required, optional)
        except CsvFileError as exc:
            self.errors.append(str(exc))
            return []
        self.rows = len(rows)
        return rows

    def discard(self) -> None:
        """Nothing was kept: the counts go back to zero (the errors stay)."""
        self.added = self.updated = self.unchanged = 0
