"""Reading files the same way for every adapter, in bounded memory: delimited text (CSV,
tab, semicolon), JSON Lines and xlsx workbooks; encoding, header checks and one-line errors
for files that cannot be read at all.

Every reader here holds at most one line, one CSV record or one xlsx row (plus the
workbook's shared strings) at a time, whatever the file holds: the limits below are the
only home of the sizes a file may have. A line or record beyond them is a quarantined row
naming its line; a header or an xlsx sheet beyond them is a one-line error naming the line
or the cell. No error message quotes the file's contents (a header is named by what it
lacks, never printed).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from array import array
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast
from xml.etree import ElementTree

from paybench.errors import InputError, echo

MAX_LINE_CHARS = 1 << 20
"""Characters one physical line of a text file may have (1,048,576). A longer line is
quarantined (or, as a header, refused) after being skipped in chunks, never read whole."""

MAX_RECORD_CHARS = 16 << 20
"""Characters one CSV record may span across lines inside quoted fields (16 MiB): beyond
it, the quote that opened the field is taken as unterminated."""

MAX_XLSX_ROWS = 1_048_576
"""Rows a sheet may have: Excel's own limit. A row numbered beyond it is an error."""

MAX_XLSX_COLUMNS = 16_384
"""Columns a sheet may have (A to XFD): Excel's own limit. A cell beyond it is an error
naming the cell (a reference like ZZZZZZZZZZ1 would otherwise ask for 10^14 cells)."""

MAX_XLSX_ELEMENT_BYTES = 1 << 20
"""Bytes of sheet XML read without an element starting or ending (1 MiB): one cell's text,
or one tag's attributes. Excel's own cell limit is 32,767 characters."""

MAX_XLSX_SHARED_TEXT_BYTES = 256 << 20
"""UTF-8 bytes of a workbook's shared-strings table (256 MiB), held while a sheet is read."""

MAX_XLSX_SHARED_STRINGS = 16_000_000
"""Entries of a workbook's shared-strings table."""

MAX_JSON_ARRAY_BYTES = 64 << 20
"""Bytes of a file holding one JSON array (64 MiB), which is parsed whole; larger files
are read as JSON Lines (one object a line), which streams."""

csv.field_size_limit(MAX_RECORD_CHARS + 1)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BINARY_MAGIC = {b"PK\x03\x04": "a zip archive", b"\x1f\x8b": "a gzip file", b"%PDF": "a PDF",
                 b"\xfd7zXZ": "an xz file", b"BZh": "a bzip2 file", b"\x7fELF": "a program",
                 b"\xd0\xcf\x11\xe0": "an old Office (xls/doc) file", b"SQLite format": "a database",
                 b"\x89PNG": "an image", b"\xff\xd8\xff": "an image", b"GIF8": "an image"}


# --------------------------------------------------------------------------- encoding
def detect_encoding(path: Path) -> str:
    """'utf-8-sig' or 'utf-16' (by byte-order mark); else 'utf-8' if the first 1 MiB
    decodes as UTF-8; else raise InputError: binary data is named as not a CSV, JSON or xlsx
    file, other text by its offending byte."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    if not head:
        raise InputError(f"{path.name}: file is empty")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    kind = next((what for magic, what in _BINARY_MAGIC.items() if head.startswith(magic)), None)
    if kind == "a zip archive" and _is_xlsx(path):
        raise InputError(f"{path.name}: an xlsx workbook named {path.suffix or 'without .xlsx'}; "
                         "rename it to .xlsx")
    if kind is not None or b"\x00" in head:
        raise InputError(f"{path.name}: not a CSV, JSON or xlsx file ({kind or 'binary data'})")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the 1 MiB boundary
            raise InputError(
                f"{path.name}: not UTF-8 text (byte 0x{head[exc.start]:02x} at offset {exc.start}); "
                "re-save the file as UTF-8"
            ) from None
    return "utf-8"


def first_json_record(path: Path) -> dict[str, Any] | None:
    """The first object of a JSON Lines or JSON array file (read from its first 64 KiB, on one
    line or several), or None when the file does not begin with one."""
    try:
        with path.open("rb") as handle:
            text = handle.read(1 << 16).decode("utf-8-sig", errors="replace").lstrip()
        if not text.startswith(("{", "[")):
            return None
        if text.startswith("["):
            text = text[1:].lstrip()
        obj, _ = json.JSONDecoder().raw_decode(text)
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def _is_xlsx(path: Path) -> bool:
    """Whether a zip archive is an Office Open XML workbook (it holds xl/workbook.xml;
    ECMA-376 Part 2's package layout)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


# --------------------------------------------------------------------------- lines
class OverlongLine(Exception):
    """A physical line longer than MAX_LINE_CHARS (skipped, not read)."""

    def __init__(self, number: int) -> None:
        super().__init__(f"line {number:,} is longer than {MAX_LINE_CHARS:,} characters")
        self.number = number


class _RecordTooLong(Exception):
    pass


class BoundedLines:
    """The physical lines of a text file (newlines kept), each at most MAX_LINE_CHARS: a
    longer line raises OverlongLine once (its rest is skipped in chunks) and reading goes on
    with the next. Tracks the line numbers of the lines taken since `mark()`, so a CSV record
    can be traced to its lines, and lines can be pushed back to be read again."""

    def __init__(self, handle: IO[str], number: int = 0) -> None:
        self.handle = handle
        self.number = number
        """The number of the last line read from the file (1 = the first)."""
        self.at_eof = False
        self.pending: list[tuple[int, str]] = []
        self.taken: list[tuple[int, str]] = []
        self.taken_chars = 0
        self.record_limit: int | None = None

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        if self.pending:
            number, line = self.pending.pop()
        else:
            line = self.handle.readline(MAX_LINE_CHARS + 1)
            if not line:
                self.at_eof = True
                raise StopIteration
            self.number += 1
            number = self.number
            if len(line) > MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                while True:  # skip the rest of the line without holding it
                    chunk = self.handle.readline(1 << 16)
                    if not chunk or chunk.endswith(("\n", "\r")):
                        break
                raise OverlongLine(number)
        self.taken.append((number, line))
        self.taken_chars += len(line)
        if self.record_limit is not None and self.taken_chars > self.record_limit:
            raise _RecordTooLong
        return line

    def mark(self) -> None:
        """Start tracking the lines of a new record."""
        self.taken, self.taken_chars = [], 0

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        """Read these lines again, in order, before the rest of the file."""
        self.pending.extend(reversed(lines))

    @property
    def exhausted(self) -> bool:
        """True when the file's end was reached and no pushed-back line remains."""
        return self.at_eof and not self.pending


def read_first_line(handle: IO[str], name: str) -> str:
    """The first line of an open text file (a header row): InputError when it is empty or
    longer than MAX_LINE_CHARS."""
    first = handle.readline(MAX_LINE_CHARS + 1)
    if len(first) > MAX_LINE_CHARS and not first.endswith(("\n", "\r")):
        raise InputError(f"{name}: line 1 (the header) is longer than {MAX_LINE_CHARS:,} characters; "
                         "not a CSV file with a header row")
    if not first.strip():
        raise InputError(f"{name}: first line is empty; expected a header row")
    return first


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _split_header(first: str, delimiter: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(first), delimiter=delimiter), [])]
    except csv.Error as exc:
        raise InputError(f"malformed header row ({exc})") from None


def read_header(path: Path) -> list[str]:
    """The first line's column names (comma, tab or semicolon separated), stripped."""
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        first = read_first_line(handle, path.name)
    try:
        return _split_header(first, _sniff_delimiter(first))
    except InputError as exc:
        raise InputError(f"{path.name}: {exc.message}") from None


# --------------------------------------------------------------------------- CSV
CsvRecord = tuple[int, list[str] | str, str]
"""(the file line a record starts on, its fields or the reason it is unusable, its raw text
cut to 1,000 characters)."""


def csv_records(path: Path) -> tuple[list[str], Generator[CsvRecord, None, None]]:
    """A delimited text file's header (names stripped) and its records, read in bounded
    memory. A record's lines are known, so what cannot be read is named by line and the
    reading goes on with the next line:
    - a line longer than MAX_LINE_CHARS is one unusable record;
    - a quote that opens a field and never closes (the record runs to the end of the file,
      or past MAX_RECORD_CHARS, or spans lines and has the wrong number of fields) makes
      its first line an unusable record, and the lines after it are read again as records.
    Blank lines are not records. InputError for a file that cannot be read at all."""
    layout = open_csv(path)
    return layout.header, _records(path, layout.handle, layout.delimiter, len(layout.header))


@dataclass
class CsvLayout:
    """A delimited text file opened and read up to its header: the open text handle
    (positioned after the header line), its encoding, delimiter and header (names stripped)."""

    handle: IO[str]
    encoding: str
    delimiter: str
    header: list[str]


def open_csv(path: Path) -> CsvLayout:
    """Open a delimited text file and read its header row (`csv_records`' first step);
    InputError, naming the file, when it cannot be read (the caller closes the handle)."""
    encoding = detect_encoding(path)
    handle = path.open(encoding=encoding, newline="")
    try:
        first = read_first_line(handle, path.name)
        delimiter = _sniff_delimiter(first)
        header = _split_header(first, delimiter)
    except InputError as exc:
        handle.close()
        raise InputError(exc.message if exc.message.startswith(path.name)
                         else f"{path.name}: {exc.message}") from None
    except UnicodeDecodeError as exc:
        handle.close()
        raise _not_utf8(path, exc) from None
    return CsvLayout(handle, encoding, delimiter, header)


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> InputError:
    return InputError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}); re-save as UTF-8")


def _raw(lines: list[tuple[int, str]]) -> str:
    text = ""
    for _number, line in lines:
        text += line
        if len(text) >= 1000:
            break
    return text.rstrip("\r\n")[:1000]


def _records(path: Path, handle: IO[str], delimiter: str, width: int,
             lines: BoundedLines | None = None) -> Generator[CsvRecord, None, None]:
    """The records after the header (`csv_records`); `lines`: the handle's lines when the
    caller starts them elsewhere than after line 1 or watches them (`delimited.DelimitedBatches`)."""
    lines = lines or BoundedLines(handle, number=1)
    lines.record_limit = MAX_RECORD_CHARS
    reader = csv.reader(lines, delimiter=delimiter)
    with handle:
        while True:
            lines.mark()
            try:
                fields = next(reader)
            except StopIteration:
                return
            except OverlongLine as exc:
                start = lines.taken[0][0] if lines.taken else exc.number
                yield start, str(exc), ""
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            except (_RecordTooLong, csv.Error) as exc:
                taken = lines.taken
                reason = (f"unterminated quote: the field quoted on line {taken[0][0]:,} does not close "
                          f"within {MAX_RECORD_CHARS:,} characters" if isinstance(exc, _RecordTooLong)
                          else f"malformed CSV on line {taken[-1][0]:,} ({exc})")
                yield taken[0][0], reason, _raw(taken[:1])
                lines.push_back(taken[1:])
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, exc) from None
            taken = lines.taken
            if not taken:
                return
            if fields and ((len(taken) > 1 and len(fields) != width) or (
                    lines.exhausted and "".join(t for _n, t in taken).count('"') % 2 == 1)):
                # a stray quote swallowed the lines after it: its own line is unusable, the
                # others are read again
                yield taken[0][0], (f"unterminated quote: the field quoted on line {taken[0][0]:,} "
                                    "does not close"), _raw(taken[:1])
                lines.push_back(taken[1:])
                reader = csv.reader(lines, delimiter=delimiter)
                continue
            if not fields or all(not f.strip() for f in fields):
                continue
            yield taken[0][0], fields, _raw(taken)


def iter_rows(
    path: Path, required: list[str], *, source: str
) -> Iterator[tuple[int, dict[str, str], str]]:
    """Yield (data row number starting at 1, row dict, raw line text) for each data row,
    read in bounded memory (`csv_records`); a row that cannot be read is
    {"__error__": reason}, the reason naming its line.

    Raises InputError when the file is empty, has no data rows, is not UTF-8/UTF-16, or
    lacks a required column (the message names every missing column). Column names are
    matched case-insensitively and extra columns are ignored.
    """
    header, records = csv_records(path)
    try:
        lower = column_index(path, header, required, source=source)
    except InputError:
        records.close()
        raise
    number = 0
    for _line, fields, raw in records:
        number += 1
        if isinstance(fields, str):
            yield number, {"__error__": fields}, raw
        elif len(fields) != len(header):
            yield number, {"__error__": field_count_reason(len(header), len(fields))}, raw
        else:
            yield number, {name: fields[i] for name, i in lower.items()}, raw
    if not number:
        raise no_data_rows(path)


def column_index(path: Path, header: list[str], required: list[str], *, source: str) -> dict[str, int]:
    """Each lower-cased column name's position in `header` (the last one, when a name
    repeats); InputError naming every required column the header lacks (case-insensitive)."""
    lower = {name.lower(): i for i, name in enumerate(header)}
    missing = [c for c in required if c.lower() not in lower]
    if missing:
        raise InputError(f"{path.name}: not a {source} file: missing column(s) {', '.join(missing)}")
    return lower


def field_count_reason(width: int, found: int) -> str:
    """The quarantine reason of a record with `found` fields under a `width`-column header."""
    return f"expected {width} fields, found {found}"


def no_data_rows(path: Path) -> InputError:
    """The error of a file whose header is followed by no record."""
    return InputError(f"{path.name}: has a header but no data rows")


def text_lines(path: Path, encoding: str = "utf-8",
               errors: str = "strict") -> Iterator[tuple[int, str | OverlongLine]]:
    """(line number from 1, the line without its newline, or OverlongLine) for each line of
    a text file, in bounded memory; InputError when it is not UTF-8."""
    with path.open(encoding=encoding, errors=errors, newline="") as handle:
        lines = BoundedLines(handle)
        while True:
            try:
                line = next(lines)
            except StopIteration:
                return
            except OverlongLine as exc:
                yield exc.number, exc
                continue
            except UnicodeDecodeError as exc:
                raise _not_utf8(path, exc) from None
            lines.mark()
            yield lines.number, line.rstrip("\r\n")


# --------------------------------------------------------------------------- xlsx
def is_xlsx(path: Path) -> bool:
    """True when the file starts with the zip magic and is named .xlsx."""
    if path.suffix.lower() != ".xlsx":
        return False
    with path.open("rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def _xml_events(stream: IO[bytes], where: str) -> Iterator[tuple[str, ElementTree.Element]]:
    """(event, element) for 'start' and 'end' of each element of an XML stream, fed in
    64 KiB chunks. Each element is detached from its parent after its 'end' is handled, so
    the tree never holds more than the open elements. InputError when MAX_XLSX_ELEMENT_BYTES
    pass without an event (one cell's text, or one tag, beyond any real sheet's)."""
    parser: ElementTree.XMLPullParser[Any] = ElementTree.XMLPullParser(events=("start", "end"))
    stack: list[ElementTree.Element] = []
    quiet = 0
    while True:
        chunk = stream.read(1 << 16)
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        seen = False
        for pair in parser.read_events():
            seen = True
            event, elem = cast(tuple[str, ElementTree.Element], pair)
            if event == "start":
                stack.append(elem)
                yield event, elem
            else:
                stack.pop()
                yield event, elem
                if stack:
                    stack[-1].remove(elem)
        quiet = 0 if seen else quiet + len(chunk)
        if quiet > MAX_XLSX_ELEMENT_BYTES:
            raise InputError(f"{where}: one XML element holds more than {MAX_XLSX_ELEMENT_BYTES:,} bytes "
                             "(beyond any real cell)")
        if not chunk:
            return


class SharedStrings:
    """A workbook's shared-strings table held compactly (UTF-8 bytes and offsets), within
    MAX_XLSX_SHARED_STRINGS entries and MAX_XLSX_SHARED_TEXT_BYTES bytes."""

    def __init__(self) -> None:
        self.text = bytearray()
        self.ends = array("Q")

    def add(self, value: str, where: str) -> None:
        """Append an entry; InputError beyond the limits."""
        self.text += value.encode("utf-8")
        self.ends.append(len(self.text))
        if len(self.ends) > MAX_XLSX_SHARED_STRINGS or len(self.text) > MAX_XLSX_SHARED_TEXT_BYTES:
            raise InputError(f"{where}: the shared-strings table is larger than {MAX_XLSX_SHARED_STRINGS:,} "
                             f"entries or {MAX_XLSX_SHARED_TEXT_BYTES >> 20} MiB")

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        start = self.ends[index - 1] if index else 0
        return self.text[start:self.ends[index]].decode("utf-8")


def _shared_strings(book: zipfile.ZipFile, name: str, last: int | None = None) -> SharedStrings:
    """The shared strings (up to entry `last` when given)."""
    table = SharedStrings()
    if "xl/sharedStrings.xml" not in book.namelist():
        return table
    where = f"{name}: sharedStrings.xml"
    parts: list[str] = []
    depth_rph = 0
    with book.open("xl/sharedStrings.xml") as stream:
        for event, elem in _xml_events(stream, where):
            tag = elem.tag
            if tag == f"{_NS_MAIN}rPh":  # phonetic guide: not part of the text
                depth_rph += 1 if event == "start" else -1
            elif event == "end" and tag == f"{_NS_MAIN}t" and not depth_rph:
                parts.append(elem.text or "")
            elif event == "end" and tag == f"{_NS_MAIN}si":
                table.add("".join(parts), where)
                parts = []
                if last is not None and len(table) > last:
                    break
    return table


def _sheets(book: zipfile.ZipFile) -> list[ElementTree.Element]:
    """The workbook's sheet entries, in the workbook's order (KeyError when there is none)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{_NS_MAIN}sheets/{_NS_MAIN}sheet")
    if not sheets:
        raise KeyError("workbook has no sheet")
    return sheets


def _sheet_path(book: zipfile.ZipFile, sheet: str | None = None) -> str:
    """The zip member of the sheet named `sheet` (the first sheet when None); KeyError when the
    workbook has no such sheet."""
    entries = _sheets(book)
    chosen = entries[0] if sheet is None else next((e for e in entries if e.get("name") == sheet), None)
    if chosen is None:
        raise KeyError(f"no sheet named {sheet!r}")
    rel_id = chosen.get(f"{_NS_REL}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_NS_PKG}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target") or ""
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(f"sheet relationship {rel_id} not found")


def _column_of(ref: str, name: str) -> int:
    """The 1-based column of a cell reference ('C7' -> 3); InputError naming the cell when it
    is not a reference or lies beyond MAX_XLSX_COLUMNS."""
    letters = ""
    for char in ref:
        if not char.isalpha():
            break
        letters += char
    if not letters or not ref[len(letters):].isdigit() or not letters.isascii():
        raise InputError(f"{name}: cell reference {echo(ref, 24)} is not a cell reference")
    if len(letters) > 3:
        raise InputError(f"{name}: cell {echo(ref, 24)} lies beyond column XFD, "
                         f"the last of {MAX_XLSX_COLUMNS:,} an xlsx sheet may have")
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    if index > MAX_XLSX_COLUMNS:
        raise InputError(f"{name}: cell {echo(ref, 24)} lies beyond column XFD, "
                         f"the last of {MAX_XLSX_COLUMNS:,} an xlsx sheet may have")
    return index


def _number(text: str) -> int | float | str:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


XlsxRow = tuple[int, list[Any]]
"""(the sheet's row number from 1, the row's values from column A: str, int, float, bool or
None for an empty cell)."""


def xlsx_sheet_names(path: Path) -> list[str]:
    """The names of an xlsx workbook's sheets, in order (hidden ones too), read from its
    workbook part only. InputError for a file that is not a readable workbook."""
    try:
        with zipfile.ZipFile(path) as book:
            return [e.get("name") or "" for e in _sheets(book)]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(f"{path.name}: not a readable xlsx workbook ({type(exc).__name__})") from None


def xlsx_rows(path: Path, *, header_only: bool = False, sheet: str | None = None) -> Iterator[XlsxRow]:
    """The rows of an xlsx workbook's first sheet (or of the sheet named `sheet`), streamed in
    bounded memory: at most one row of MAX_XLSX_COLUMNS values and the shared strings are
    held; empty rows are not yielded. Dates are Excel serial day numbers, as stored.
    InputError naming the file and the cell for a cell or row beyond Excel's limits, and for
    a file that is not a readable workbook or has no sheet of that name. With `header_only`,
    only the first row is read (and only the shared strings it uses)."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as book:
            member = _sheet_path(book, sheet)
            shared: SharedStrings | None = None
            if not header_only:
                shared = _shared_strings(book, name)
            with book.open(member) as stream:
                yield from _sheet_rows(book, stream, name, shared, header_only)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, zipfile.LargeZipFile) as exc:
        raise InputError(f"{name}: not a readable xlsx workbook ({type(exc).__name__})") from None


def _sheet_rows(book: zipfile.ZipFile, stream: IO[bytes], name: str, shared: SharedStrings | None,
                header_only: bool) -> Iterator[XlsxRow]:
    row_number = 0
    cells: dict[int, tuple[str | None, str]] = {}
    column = 0
    kind: str | None = None
    value: str | None = None
    inline: list[str] = []
    depth_rph = 0
    for event, elem in _xml_events(stream, f"{name}: sheet"):
        tag = elem.tag
        if event == "start":
            if tag == f"{_NS_MAIN}row":
                given = elem.get("r")
                if given is not None and not given.isdigit():
                    raise InputError(f"{name}: row number {echo(given, 24)} is not a number")
                number = int(given) if given else row_number + 1
                if number > MAX_XLSX_ROWS:
                    raise InputError(f"{name}: row {echo(given, 24) if given else number} lies beyond "
                                     f"row {MAX_XLSX_ROWS:,}, the last an xlsx sheet may have")
                row_number, cells, column = number, {}, 0
            elif tag == f"{_NS_MAIN}c":
                ref = elem.get("r")
                column = _column_of(ref, name) if ref else column + 1
                if column > MAX_XLSX_COLUMNS:
                    raise InputError(f"{name}: row {row_number:,} has more than {MAX_XLSX_COLUMNS:,} cells")
                kind, value, inline = elem.get("t"), None, []
            elif tag == f"{_NS_MAIN}rPh":
                depth_rph += 1
            continue
        if tag == f"{_NS_MAIN}v":
            value = elem.text or ""
        elif tag == f"{_NS_MAIN}t" and not depth_rph:
            inline.append(elem.text or "")
        elif tag == f"{_NS_MAIN}rPh":
            depth_rph -= 1
        elif tag == f"{_NS_MAIN}c":
            if kind == "inlineStr":
                cells[column] = (kind, "".join(inline))
            elif value is not None:
                cells[column] = (kind, value)
        elif tag == f"{_NS_MAIN}row":
            if cells:
                if header_only and shared is None:
                    wanted = [int(v) for k, v in cells.values() if k == "s" and v.isdigit()]
                    shared = _shared_strings(book, name, max(wanted)) if wanted else SharedStrings()
                yield row_number, _values(cells, shared, name, row_number)
            if header_only:
                return


def _values(cells: dict[int, tuple[str | None, str]], shared: SharedStrings | None, name: str,
            row: int) -> list[Any]:
    values: list[Any] = [None] * max(cells)
    for column, (kind, text) in cells.items():
        cell: Any
        if kind == "s":
            if shared is None or not text.isdigit() or int(text) >= len(shared):
                raise InputError(f"{name}: row {row:,}: a cell names a shared string the workbook lacks")
            cell = shared[int(text)]
        elif kind in ("inlineStr", "str", "e", "d"):
            cell = text
        elif kind == "b":
            cell = text.strip() in ("1", "true")
        else:
            cell = _number(text)
        values[column - 1] = cell
    return values


def read_xlsx_header(path: Path) -> list[str]:
    """The first row of an xlsx workbook's first sheet, as stripped text, read without
    loading the sheet or the whole shared-strings table."""
    for _number, values in xlsx_rows(path, header_only=True):
        return ["" if v is None else str(v).strip() for v in values]
    return []
