"""A delimited text file (CSV, semicolon, tab, pipe) as Arrow record batches: the one reader of
delimited text into Arrow (the survey, LCA and payroll readers use it). Arrow's CSV reader
parses the file in C++; the record reader of :mod:`paybench.sources.tabular` is the exact
reference and reads whatever Arrow refuses or might read differently. A caller gets exactly the
records :func:`paybench.sources.tabular.csv_records` reads (numbered as
:func:`~paybench.sources.tabular.iter_rows` numbers them), with the same reasons; and, with
``raw_text=True``, the same raw text.

* The file is read in blocks of ``block_bytes``, each cut after the last line end that follows
  an even number of quote characters (where ``csv`` ends a record in well-formed text), and
  Arrow parses each block followed by a sentinel record: a block whose sentinel is not read as
  its last record (a quote left open; a stray quote that made the cut fall inside a record) is
  not used. Arrow parses as Python's ``csv`` module does (doubled quotes, quoted line breaks,
  text after a closing quote); it refuses (raises on) a record with another number of fields
  than the header and invalid UTF-8. A block holding a record that may be longer than
  :data:`~paybench.sources.tabular.MAX_LINE_CHARS` (which the record reader quarantines) or a
  carriage return not followed by a line feed inside a field is not used either; nor a block
  with no whole record (a record longer than a block).
* A block not used is read by the record reader, from its first record, which hands back to
  Arrow at the first end of a block of ``block_bytes`` (after a line feed) where it stands with
  no record open: a bad record costs the record reader's speed for about one block, not for the
  rest of the file. UTF-16 files, and files whose header line holds an odd number of quotes,
  are read by the record reader throughout.
* Records whose every field is blank (``str.strip``) are not rows, as in the record reader.
* ``raw_text=True``: :data:`RAW` holds every row's raw text as the record reader gives it (the
  record's lines without the last line break, cut to 1,000 characters). Where Arrow read, the
  text is the block's bytes between the record ends found when the block was cut, checked
  against Arrow's fields: as many records as Arrow read; a record without a quote must be its
  fields joined by the delimiter, one with quotes must read back (``csv``) as exactly Arrow's
  fields; any disagreement hands the block to the record reader.

Batches hold :data:`ROW_NUMBER`, :data:`ERROR` and :data:`RAW`, then every field as text
(``f0``, ``f1``, ... by header position), or only the columns asked for by name. Memory: a
block of the file, Arrow's reading of it, and a batch of up to ``batch_rows`` rows (a process
reading a 1,000,000-row survey file in 200,000-row batches peaks at about 330 MiB RSS, 127 MiB
of it its imports: docs/measurements.md).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from paybench.errors import InputError
from paybench.sources import tabular

PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                 "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
"""Every character Python's ``str.isspace`` is true for (what ``str.strip()`` removes), so
that Arrow's ``utf8_trim`` and SQL ``trim(x, chars)`` strip exactly as Python does."""

BLOCK_BYTES = 2 << 20
"""Bytes read from the file and parsed by Arrow at once, less the part-record at the block's
end (2 MiB: about 2,500 LCA rows of 97 columns, 36,000 survey rows; Arrow parses 1-4 MiB
blocks of the survey equally fast, 16 MiB ones slower); a record longer than a block is read
by the record reader. Read when a reader is made (`DelimitedBatches(block_bytes=None)`)."""

BATCH_ROWS = 20_000
"""Rows per batch handed out by default (Arrow's blocks are gathered up to it): about 16 MB
of an LCA file's text. Larger batches cut per-batch work a little and raise peak memory
(measured on a 200,000-row LCA file: 50,000-row batches 420 MB peak RSS for the reading
alone, 20,000-row batches 300 MB)."""

SLOW_BATCH_ROWS = 20_000
"""Records per batch where the record reader reads."""

RAW_CHARS = 1000
"""Characters of a record's raw text kept (code points, as Python slices)."""

ROW_NUMBER, ERROR, RAW = "row_number", "error", "raw"
"""The columns every batch has before the fields: the data row number from 1 (int64), why the
record cannot be used (NULL when it can), and its raw text: with ``raw_text=True`` every
row's, as the record reader gives it; otherwise only where the record reader made one (an
unreadable record's text; a record with another number of fields, its fields joined by ',')
and NULL where Arrow read (see :func:`raw_texts`)."""

_HEADER_SCAN_BYTES = 4 * tabular.MAX_LINE_CHARS + 8
"""Bytes holding the longest header line `tabular.read_first_line` accepts (UTF-8)."""

_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
"""A text's lines with their line breaks, split as `tabular.BoundedLines` splits a file."""


class _HandOver(Exception):
    """A block Arrow read is not used: the record reader reads it."""


def field_name(position: int) -> str:
    """The batch column of the field at header position `position`."""
    return f"f{position}"


def strip(array: pa.Array) -> pa.Array:
    """Text stripped as Python's ``str.strip()`` strips it."""
    return pc.utf8_trim(array, characters=PY_WHITESPACE)


def raw_texts(batch: pa.RecordBatch | pa.Table, width: int, separator: str = ",") -> pa.Array:
    """Each row's raw text: its `width` fields joined by `separator`, cut to
    :data:`RAW_CHARS` characters; the batch's own RAW where it has one (records the record
    reader read, and unreadable ones)."""
    if width == 0:
        joined = pa.array([""] * batch.num_rows, pa.string())
    else:
        fields = [pc.fill_null(batch.column(field_name(i)), "") for i in range(width)]
        joined = pc.binary_join_element_wise(*fields, separator)
    joined = pc.utf8_slice_codeunits(joined, 0, RAW_CHARS)
    return pc.coalesce(batch.column(RAW), joined)


SENTINEL_FIELD = "\x1fpaybench end of file\x1f"
"""The text of each field of the sentinel record appended to each block Arrow reads."""


_Record = tuple[int, str | None, str | None, list[str] | None]
"""(row number, reason, raw text, fields) of a record the record reader read."""


def _joined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]


def _raw_of_lines(text: str) -> str:
    """The record reader's raw text of a record whose text (without its last line break) is
    `text` (`tabular._raw` over its lines)."""
    return tabular._raw([(0, line) for line in _LINES.findall(text)])


@dataclass
class _Split:
    """The whole records at the start of a block of a file (which starts where a record
    starts), split where ``csv`` splits well-formed text: at a line end (LF, CR LF, or a CR
    not followed by LF) after an even number of quote characters since the block's start.

    `cut`: the bytes they take (0: the block holds no whole record); `starts`: where each
    record that is not an empty line starts, then `cut` (record i is block[starts[i]:starts[i +
    1]], its line break and any empty lines after it included); `quoted`: whether each holds
    a quote character; `lines`: the line ends before `cut`."""

    cut: int
    starts: np.ndarray[Any, Any]
    quoted: np.ndarray[Any, Any]
    lines: int


def _split(block: bytes, at_end: bool) -> _Split:
    """`_Split` of a block; `at_end`: the block ends the file (its last bytes, after the last
    line end, are a record when they hold an even number of quotes)."""
    size = len(block)
    b = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(b == 10)
    cr = np.flatnonzero(b == 13)
    if len(cr):  # a CR ends a line unless a LF follows (a CR last in the block: only at the end)
        after = cr + 1
        lone = np.ones(len(cr), dtype=bool)
        inside = after < size
        lone[inside] = b[after[inside]] != 10
        if not at_end and cr[-1] == size - 1:
            lone[-1] = False
        ends = np.sort(np.concatenate([ends, cr[lone]]))
    quotes = np.flatnonzero(b == 34)
    bounds = (ends[np.searchsorted(quotes, ends) % 2 == 0] if len(quotes) else ends) + 1
    if at_end and size and (not len(bounds) or bounds[-1] < size):
        rest = int(bounds[-1]) if len(bounds) else 0
        if (len(quotes) - np.searchsorted(quotes, rest)) % 2 == 0:  # the last record, no line end
            bounds = np.append(bounds, size)
    if not len(bounds):
        return _Split(0, np.zeros(1, np.int64), np.zeros(0, bool), 0)
    starts = np.concatenate([[0], bounds[:-1]]).astype(np.int64)
    last = b[bounds - 1]  # a span's last byte: its line end (but for a last record without one)
    before = b[np.maximum(bounds - 2, 0)]
    breaks = ((last == 10) | (last == 13)).astype(np.int64) + (
        (last == 10) & (before == 13) & (bounds - 2 >= starts)).astype(np.int64)
    cut = int(bounds[-1])
    edges = np.append(starts[bounds - breaks > starts], cut)  # empty lines are no records
    return _Split(cut, edges, np.diff(np.searchsorted(quotes, edges)) > 0, int(np.searchsorted(ends, cut)))


class _BlockEnds:
    """The ends of the blocks after `offset` (each after a line feed), with the number of the
    last line before each: where `tabular`'s record reader may hand back to Arrow."""

    def __init__(self, path: Path, offset: int, line: int, block_bytes: int) -> None:
        self.data = path
        self.offset, self.line = offset, line
        self.block_bytes = block_bytes
        self.done = False
        self._advance()

    def _advance(self) -> None:
        """Move to the next block end (counting lines as `BoundedLines` does: LF, CR LF, CR)."""
        with self.data.open("rb") as data:
            data.seek(self.offset)
            while True:
                block = data.read(self.block_bytes)
                if len(block) < self.block_bytes:
                    self.done = True
                    return
                cut = block.rfind(b"\n") + 1
                part = block[:cut] if cut else block
                if not cut and part.endswith(b"\r"):  # a CR LF may straddle the read
                    part = part[:-1]
                self.offset += len(part)
                self.line += part.count(b"\n") + part.count(b"\r") - part.count(b"\r\n")
                if cut:
                    return
                data.seek(self.offset)

    def at(self, line: int, handle: Any) -> tuple[int, int] | None:
        """(offset, line) when the reader's last line, `line`, ends a block and its handle
        stands at that block's end; else None."""
        while not self.done and self.line < line:
            self._advance()
        if self.done or self.line != line:
            return None
        try:
            position = handle.tell()
        except (OSError, ValueError):
            return None
        return (self.offset, self.line) if position == self.offset else None


class DelimitedBatches:
    """The data records of a delimited text file as Arrow batches (see the module doc).

    `columns`: the columns wanted, matched case-insensitively against the header (a repeated
    name: its last column); each batch then has them, named as given (NULL on rows with an
    error), instead of every field (``f0``, ``f1``, ...). `source` names the file's kind in
    the error for a missing column. `raw_text`: RAW holds every row's raw text (see
    :data:`RAW`). `block_bytes`: bytes Arrow parses at once (default :data:`BLOCK_BYTES`);
    `batch_rows`: rows per batch handed out (at least; a block is not split).

    Iterate once. `rows`: rows handed out so far; `arrow_rows`: those Arrow read (all, when it
    read the whole file); `bytes_total`: the file's size, `bytes_done`: bytes read so far (for
    a progress bar). InputError as `tabular.iter_rows` raises it: when the file cannot be read
    at all (not text, not UTF-8, an empty or over-long header...), when it lacks a wanted
    column (named), and, once read, when it has a header but no data rows.
    """

    def __init__(self, path: Path, columns: Sequence[str] | None = None, *, source: str = "delimited text",
                 raw_text: bool = False, block_bytes: int | None = None,
                 batch_rows: int = BATCH_ROWS) -> None:
        layout = tabular.open_csv(path)
        layout.handle.close()
        self.path = path
        self.header = layout.header
        self.width = len(self.header)
        self.delimiter, self.encoding = layout.delimiter, layout.encoding
        if columns is None:
            self.names = [field_name(i) for i in range(self.width)]
            self.positions = list(range(self.width))
        else:
            lower = tabular.column_index(path, self.header, list(columns), source=source)
            self.names = list(columns)
            self.positions = [lower[c.lower()] for c in columns]
        self.raw_text = raw_text
        self.block_bytes = block_bytes or BLOCK_BYTES
        self.batch_rows = batch_rows
        with path.open(encoding=self.encoding, errors="replace", newline="") as handle:
            first = tabular.read_first_line(handle, path.name)
        self.arrow_readable = self.encoding in ("utf-8", "utf-8-sig") and first.count('"') % 2 == 0
        leading = [(ROW_NUMBER, pa.int64()), (ERROR, pa.string()), (RAW, pa.string())]
        self.schema = pa.schema(leading + [(name, pa.string()) for name in self.names])
        """The schema of the batches handed out."""
        self._all_fields = pa.schema(leading + [(field_name(i), pa.string()) for i in range(self.width)])
        self.rows = 0
        self.arrow_rows = 0
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        held: list[pa.RecordBatch] = []
        count = 0
        for batch in self._batches():
            held.append(batch)
            count += batch.num_rows
            if count >= self.batch_rows:
                yield self._project(_joined(held))
                held, count = [], 0
        if held:
            yield self._project(_joined(held))
        self.bytes_done = self.bytes_total
        if not self.rows:
            raise tabular.no_data_rows(self.path)

    def _project(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch with the wanted columns, named as asked."""
        return pa.RecordBatch.from_arrays(
            [batch.column(0), batch.column(1), batch.column(2),
             *(batch.column(3 + position) for position in self.positions)], schema=self.schema)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        """Every field's batches, Arrow and the record reader taking turns."""
        if not self.arrow_readable:
            layout = tabular.open_csv(self.path)
            yield from self._records(layout.handle, tabular.BoundedLines(layout.handle, number=1), None)
            return
        start: tuple[int, int] | None = (self._data_start(), 1)
        while start is not None:
            handover = yield from self._arrow_from(*start)
            if handover is None:
                return
            start = yield from self._records_from(*handover)

    def _data_start(self) -> int:
        """The byte offset of the line after the header (after a UTF-8 byte-order mark)."""
        with self.path.open("rb") as data:
            head = data.read(_HEADER_SCAN_BYTES)
        start = 3 if self.encoding == "utf-8-sig" else 0
        ends = [i for i in (head.find(b"\n", start), head.find(b"\r", start)) if i >= 0]
        if not ends:
            return len(head)
        end = min(ends)
        return end + (2 if head[end:end + 2] == b"\r\n" else 1)

    # ------------------------------------------------------------------ Arrow
    def _arrow_from(self, offset: int, line: int) -> Generator[pa.RecordBatch, None, tuple[int, int] | None]:
        """Batches Arrow reads from `offset` (a record's start after line `line`), a block at
        a time; None when it read to the end, else where the record reader goes on (the
        start of the first block not handed out, and the lines before it)."""
        with self.path.open("rb") as data:
            data.seek(offset)
            tail = b""
            at_end = False
            while True:
                wanted = max(self.block_bytes - len(tail), 0)
                more = data.read(wanted) if wanted and not at_end else b""
                at_end = at_end or len(more) < wanted
                block = tail + more
                if not block:
                    return None
                split = _split(block, at_end)
                if not split.cut:  # no whole record in a block, or a quote left open at the end
                    return offset, line
                if len(split.starts) > 1:
                    try:
                        batch = self._checked(self._parse(block[:split.cut]), block, split)
                    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, _HandOver):  # Arrow refuses
                        return offset, line
                    if batch is not None:
                        yield batch
                offset += split.cut
                line += split.lines
                self.bytes_done = offset
                tail = block[split.cut:]
                if at_end and not tail:
                    return None

    def _parse(self, records: bytes) -> pa.RecordBatch:
        """Arrow's reading of a block of whole records: its records, or _HandOver when the
        sentinel record appended to them is not read as the last one (a quote left open)."""
        sentinel = ("\n" + self.delimiter.join([SENTINEL_FIELD] * self.width) + "\n").encode()
        data = records + sentinel
        names = [field_name(i) for i in range(self.width)]
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=len(data) + 1, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter, quote_char='"', double_quote=True,
                                             escape_char=False, newlines_in_values=True,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False, check_utf8=True))
        batch = _joined(table.to_batches()) if table.num_rows else None
        if batch is None or not self._ends_with_sentinel(batch):
            raise _HandOver
        return batch.slice(0, batch.num_rows - 1)

    def _checked(self, batch: pa.RecordBatch, block: bytes, split: _Split) -> pa.RecordBatch | None:
        """The records Arrow read from a block, numbered, with their raw texts (when asked
        for), without blank records; _HandOver when the record reader must read them."""
        if not batch.num_rows:
            return None
        longest = int(np.diff(split.starts).max())  # bytes, line breaks included: >= any line's characters
        if (longest > tabular.MAX_LINE_CHARS and self._too_long(batch)) or (
                b"\r" in block and self._lone_carriage_return(batch)):
            raise _HandOver
        n = batch.num_rows
        raw = self._raw_texts(batch, block, split) if self.raw_text else pa.nulls(n, pa.string())
        keep = self._not_blank(batch)
        if keep is not None:
            batch, raw = batch.filter(keep), raw.filter(keep)
        if not batch.num_rows:
            return None
        n = batch.num_rows
        numbers = pa.array(np.arange(self.rows + 1, self.rows + 1 + n, dtype=np.int64))
        self.rows += n
        self.arrow_rows += n
        return pa.RecordBatch.from_arrays([numbers, pa.nulls(n, pa.string()), raw, *batch.columns],
                                          schema=self._all_fields)

    def _raw_texts(self, batch: pa.RecordBatch, block: bytes, split: _Split) -> pa.Array:
        """The raw text of each record Arrow read from a block, taken from the block's bytes
        and checked against Arrow's fields (module doc); _HandOver when they disagree."""
        count = len(split.starts) - 1
        if count != batch.num_rows:
            raise _HandOver
        spans = pa.Array.from_buffers(pa.binary(), count, [None, pa.py_buffer(split.starts.astype(np.int32)),
                                                           pa.py_buffer(block)])
        try:
            text = pc.utf8_rtrim(spans.cast(pa.string()), characters="\r\n")
        except pa.ArrowInvalid:  # not UTF-8: Arrow read other records than these
            raise _HandOver from None
        quoted = split.quoted
        fields = [batch.column(i) for i in range(self.width)]
        joined = fields[0] if self.width == 1 else pc.binary_join_element_wise(*fields, self.delimiter)
        same = pc.equal(text, joined)
        if quoted.any():
            same = pc.or_(same, pa.array(quoted))
        if not pc.all(same).as_py():
            raise _HandOver
        if quoted.any():
            where = np.flatnonzero(quoted)
            picked = pa.array(where)
            rows = zip(text.take(picked).to_pylist(), *(f.take(picked).to_pylist() for f in fields),
                       strict=True)
            raws = []
            for record, *values in rows:
                try:
                    parsed = list(csv.reader(io.StringIO(record, newline=""), delimiter=self.delimiter))
                except csv.Error:
                    raise _HandOver from None
                if parsed != [values]:
                    raise _HandOver
                raws.append(_raw_of_lines(record))
            text = pc.replace_with_mask(text, pa.array(quoted), pa.array(raws, pa.string()))
        if len(text) and pc.max(pc.binary_length(text)).as_py() > RAW_CHARS:  # bytes >= characters
            text = pc.utf8_slice_codeunits(text, 0, RAW_CHARS)
        return text

    def _lone_carriage_return(self, batch: pa.RecordBatch) -> bool:
        """Whether a field holds a carriage return not followed by a line feed. Arrow (pyarrow
        26) drops the line feed of a quoted CRLF that its block boundary splits (found by
        hypothesis in tests/test_delimited.py: 'x\r\ny' read as 'x\ry'); such a batch, and
        any with a genuine lone CR, is left to the record reader, the exact reference."""
        for i in range(self.width):
            column = batch.column(i)
            if pc.any(pc.match_substring(column, "\r")).as_py() and pc.any(
                    pc.match_substring_regex(column, "\r([^\n]|$)")).as_py():
                return True
        return False

    def _ends_with_sentinel(self, batch: pa.RecordBatch) -> bool:
        last = batch.slice(batch.num_rows - 1, 1).to_pylist()[0]
        return all(last[field_name(i)] == SENTINEL_FIELD for i in range(self.width))

    def _too_long(self, batch: pa.RecordBatch) -> bool:
        """Whether a record's text may exceed MAX_LINE_CHARS (its bytes, plus a separator per
        field: never fewer than its characters), which the record reader quarantines."""
        total = pc.add(pc.binary_length(batch.column(0)), self.width)  # width >= 1: a header
        for i in range(1, self.width):
            total = pc.add(total, pc.binary_length(batch.column(i)))
        return bool(pc.any(pc.greater(total, tabular.MAX_LINE_CHARS)).as_py())

    def _not_blank(self, batch: pa.RecordBatch) -> pa.Array | None:
        """Which records are not blank (every field blank): None when none is (first asked of
        the first field, then of the others on the few rows left)."""
        candidate = pc.equal(strip(batch.column(0)), "")
        if not pc.any(candidate).as_py():
            return None
        rows = pc.indices_nonzero(candidate)
        blank = pa.array([True] * len(rows))
        for i in range(1, self.width):
            blank = pc.and_(blank, pc.equal(strip(pc.take(batch.column(i), rows)), ""))
        drop = pc.filter(rows, blank)
        if not len(drop):
            return None
        return pc.invert(pc.is_in(pa.array(range(batch.num_rows), pa.int64()),
                                  value_set=drop.cast(pa.int64())))

    # ------------------------------------------------------------------ record reader
    def _records_from(self, offset: int,
                      line: int) -> Generator[pa.RecordBatch, None, tuple[int, int] | None]:
        """Batches the record reader reads from `offset` (a record's start after line
        `line`); where Arrow goes on ((offset, line) at a block end with no record open), or
        None at the end."""
        raw = self.path.open("rb")
        raw.seek(offset)
        handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        lines = tabular.BoundedLines(handle, number=line)
        ends = _BlockEnds(self.path, offset, line, self.block_bytes)
        try:
            resume = yield from self._records(handle, lines, ends)
        except InputError as exc:
            if "not UTF-8" not in exc.message:
                raise
            raise self._exact_decode_error() from None
        return resume

    def _records(self, handle: IO[str], lines: tabular.BoundedLines,
                 ends: _BlockEnds | None) -> Generator[pa.RecordBatch, None, tuple[int, int] | None]:
        """Batches of the records `tabular._records` reads from `handle`; the (offset, line)
        where it stopped at a block end with no record open (`ends`), or None at the end."""
        records = tabular._records(self.path, handle, self.delimiter, self.width, lines)
        width = self.width
        rows: list[_Record] = []
        resume: tuple[int, int] | None = None
        try:
            for _line, fields, raw_text in records:
                number = self.rows + len(rows) + 1
                if isinstance(fields, str):
                    rows.append((number, fields, raw_text[:RAW_CHARS], None))
                elif len(fields) != width:
                    raw = raw_text if self.raw_text else ",".join(fields)[:RAW_CHARS]
                    rows.append((number, tabular.field_count_reason(width, len(fields)), raw, None))
                else:
                    rows.append((number, None, raw_text if self.raw_text else None, fields))
                    if ends is not None and not lines.pending:
                        resume = ends.at(lines.number, handle)
                if len(rows) >= SLOW_BATCH_ROWS or resume is not None:
                    yield self._python_batch(rows)
                    rows = []
                if resume is not None:
                    self.bytes_done = resume[0]
                    return resume
        finally:
            records.close()
            handle.close()
        if rows:
            yield self._python_batch(rows)
        return None

    def _python_batch(self, rows: list[_Record]) -> pa.RecordBatch:
        """A batch of records read by the record reader (every field)."""
        self.rows += len(rows)
        columns: list[list[str | None]] = [[] for _ in range(self.width)]
        for _n, _error, _raw, fields in rows:
            for i, values in enumerate(columns):
                values.append(None if fields is None else fields[i])
        arrays = [pa.array([r[0] for r in rows], pa.int64()), pa.array([r[1] for r in rows], pa.string()),
                  pa.array([r[2] for r in rows], pa.string()), *(pa.array(v, pa.string()) for v in columns)]
        return pa.RecordBatch.from_arrays(arrays, schema=self._all_fields)

    def _exact_decode_error(self) -> InputError:
        """The not-UTF-8 error as the record reader words it reading from the file's start
        (its byte offset counts from there): read the file with it until it fails."""
        try:
            for _record in tabular.csv_records(self.path)[1]:
                pass
        except InputError as exc:
            return exc
        return InputError(f"{self.path.name}: not UTF-8 text; re-save as UTF-8")
