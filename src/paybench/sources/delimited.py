"""A delimited text file (CSV, semicolon, tab) as Arrow record batches of its fields, read
by Arrow's CSV reader, with :mod:`paybench.sources.tabular`'s record reader as the exact
reference and fallback.

Arrow's reader parses a well-formed file in C++ (as Python's ``csv`` module does: doubled
quotes, quoted line breaks, text after a closing quote); the record reader (the one home of
over-long lines, stray quotes and their quarantine reasons) reads what Arrow refuses or might
read differently. A caller gets exactly the records
:func:`paybench.sources.tabular.csv_records` reads, with the same row numbers:

* Arrow refuses (raises on) a record with another number of fields than the header, a
  quote left open at the end, invalid UTF-8 and a record longer than a block; then the
  record reader takes over at the first record not yet handed out (it reads the records
  before it again, only to skip them): one stream of batches either way;
* what Arrow would read *differently* is never left to it: UTF-16 files and files whose
  header line holds an odd number of quotes are read by the record reader throughout, and
  a batch holding a record longer than :data:`~paybench.sources.tabular.MAX_LINE_CHARS`
  (which the record reader quarantines) hands over to the record reader from that batch;
* a quote left open at the end of the file, which Arrow reads as a field running to the end
  where the record reader quarantines the record's first line, is found by a sentinel record
  appended to what Arrow reads (a quote left open swallows it); the last batch is then read
  by the record reader;
* records whose every field is blank (``str.strip``) are not rows, as in the record reader.

Batches hold every field as text (``f0``, ``f1``, ... by header position) besides
:data:`ROW_NUMBER`, :data:`ERROR` and :data:`RAW`. Memory: one block of the file
(:data:`BLOCK_BYTES`) and its batch at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

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
"""Bytes Arrow parses at once (2 MiB: about 2,500 LCA rows of 97 columns; larger blocks
read no faster and hold several times their size while parsed ahead); a record
longer than a block is refused by Arrow and read by the record reader."""

BATCH_ROWS = 20_000
"""Rows per batch handed out (Arrow's blocks are gathered up to it): about 16 MB of an LCA
file's text. Larger batches cut per-batch work a little and raise peak memory (measured on
a 200,000-row LCA file: 50,000-row batches 420 MB peak RSS for the reading alone, 20,000-row
batches 300 MB)."""

SLOW_BATCH_ROWS = 20_000
"""Records per batch where the record reader reads."""

RAW_CHARS = 1000
"""Characters of a record's raw text kept (code points, as Python slices)."""

ROW_NUMBER, ERROR, RAW = "row_number", "error", "raw"
"""The columns every batch has before the fields: the data row number from 1 (int64), why the
record cannot be used (NULL when it can), and its raw text where the record reader made one
(NULL where Arrow read: see :func:`raw_texts`)."""


class _TooLong(Exception):
    """A batch holds a record the record reader may find too long."""


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
"""The text of each field of the sentinel record appended to what Arrow reads."""


class _WithSentinel(io.RawIOBase):
    """A file's bytes, then a line break and one sentinel record (no quote in it)."""

    def __init__(self, path: Path, sentinel: bytes) -> None:
        self.handle = path.open("rb")
        self.tail = sentinel

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self.handle.readinto(buffer)
        if count:
            return count
        count = min(len(buffer), len(self.tail))
        buffer[:count] = self.tail[:count]
        self.tail = self.tail[count:]
        return count

    def close(self) -> None:
        self.handle.close()
        super().close()


_Record = tuple[int, str | None, str | None, list[str] | None]
"""(row number, reason, raw text, fields) of a record the record reader read."""


def _joined(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    if len(batches) == 1:
        return batches[0]
    return pa.Table.from_batches(batches).combine_chunks().to_batches()[0]


class DelimitedBatches:
    """The data records of a delimited text file as Arrow batches (see the module doc).

    Iterate once. `rows`: rows handed out so far; `arrow_rows`: the rows Arrow read (all when
    it read the whole file). InputError as `tabular.csv_records` raises it (not text, not
    UTF-8, an empty or over-long header...), and when the file has a header but no data rows.
    """

    def __init__(self, path: Path, *, block_bytes: int = BLOCK_BYTES, batch_rows: int = BATCH_ROWS) -> None:
        header, records = tabular.csv_records(path)
        records.close()
        self.path = path
        self.header = header
        self.width = len(header)
        self.block_bytes = block_bytes
        self.batch_rows = batch_rows
        self.encoding = tabular.detect_encoding(path)
        with path.open(encoding=self.encoding, errors="replace", newline="") as handle:
            first = tabular.read_first_line(handle, path.name)
        self.delimiter = tabular._sniff_delimiter(first)
        self.arrow_readable = self.encoding in ("utf-8", "utf-8-sig") and first.count('"') % 2 == 0
        self.schema = pa.schema([(ROW_NUMBER, pa.int64()), (ERROR, pa.string()), (RAW, pa.string())]
                                + [(field_name(i), pa.string()) for i in range(self.width)])
        self.rows = 0
        self.arrow_rows = 0

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        held: list[pa.RecordBatch] = []
        count = 0
        for batch in self._batches():
            held.append(batch)
            count += batch.num_rows
            if count >= self.batch_rows:
                yield _joined(held)
                held, count = [], 0
        if held:
            yield _joined(held)
        if not self.rows:
            raise InputError(f"{self.path.name}: has a header but no data rows")

    def _batches(self) -> Iterator[pa.RecordBatch]:
        if self.arrow_readable:
            yield from self._arrow_batches()
        if not self.arrow_readable or self.arrow_rows < 0:
            yield from self._record_batches(skip=self.rows)

    # ------------------------------------------------------------------ Arrow
    def _arrow_batches(self) -> Iterator[pa.RecordBatch]:
        """Batches read by Arrow; when Arrow raises, a record is too long or a quote is left
        open at the end, stop with arrow_rows = -1 so that the record reader goes on from the
        first row not handed out. Each batch is held until the next one is read (the last one
        must end with the sentinel record)."""
        names = [field_name(i) for i in range(self.width)]
        sentinel = "\n" + self.delimiter.join([SENTINEL_FIELD] * self.width) + "\n"
        self.arrow_rows = -1
        stream = _WithSentinel(self.path, sentinel.encode())
        try:
            reader = pacsv.open_csv(
                stream,
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=self.block_bytes,
                                               encoding="utf8"),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter, quote_char='"', double_quote=True,
                                                 escape_char=False, newlines_in_values=True,
                                                 ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     strings_can_be_null=False,
                                                     quoted_strings_can_be_null=False, check_utf8=True))
            held: pa.RecordBatch | None = None
            for batch in reader:
                if batch.num_rows == 0:
                    continue
                if held is not None:
                    yield from self._checked(held)
                held = batch
            if held is None or not self._ends_with_sentinel(held):
                return  # a quote left open swallowed the sentinel
            yield from self._checked(held.slice(0, held.num_rows - 1))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a record Arrow refuses
            return
        except _TooLong:
            return
        finally:
            stream.close()
        self.arrow_rows = self.rows

    def _checked(self, batch: pa.RecordBatch) -> Iterator[pa.RecordBatch]:
        if batch.num_rows and (self._too_long(batch) or self._lone_carriage_return(batch)):
            raise _TooLong
        batch = self._without_blank_records(batch)
        if batch.num_rows:
            yield self._numbered(batch)

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

    def _without_blank_records(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """The batch without the records whose every field is blank (first asked of the first
        field, then of the others on the few rows left)."""
        candidate = pc.equal(strip(batch.column(0)), "")
        if not pc.any(candidate).as_py():
            return batch
        rows = pc.indices_nonzero(candidate)
        blank = pa.array([True] * len(rows))
        for i in range(1, self.width):
            blank = pc.and_(blank, pc.equal(strip(pc.take(batch.column(i), rows)), ""))
        drop = pc.filter(rows, blank)
        if not len(drop):
            return batch
        keep = pc.invert(pc.is_in(pa.array(range(batch.num_rows), pa.int64()),
                                  value_set=drop.cast(pa.int64())))
        return batch.filter(keep)

    def _numbered(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        n = batch.num_rows
        numbers = pa.array(range(self.rows + 1, self.rows + 1 + n), pa.int64())
        self.rows += n
        nulls = pa.nulls(n, pa.string())
        return pa.RecordBatch.from_arrays([numbers, nulls, nulls, *batch.columns], schema=self.schema)

    # ------------------------------------------------------------------ record reader
    def _record_batches(self, skip: int) -> Iterator[pa.RecordBatch]:
        """Batches read by the record reader, after its first `skip` records."""
        _header, records = tabular.csv_records(self.path)
        width = self.width
        rows: list[_Record] = []
        number = 0
        try:
            for _line, fields, raw_text in records:
                number += 1
                if number <= skip:
                    continue
                if isinstance(fields, str):
                    rows.append((number, fields, raw_text[:RAW_CHARS], None))
                elif len(fields) != width:
                    rows.append((number, f"expected {width} fields, found {len(fields)}", None, fields))
                else:
                    rows.append((number, None, None, fields))
                if len(rows) >= SLOW_BATCH_ROWS:
                    yield self._python_batch(rows)
                    rows = []
        finally:
            records.close()
        if rows:
            yield self._python_batch(rows)

    def _python_batch(self, rows: list[_Record]) -> pa.RecordBatch:
        """A batch of records read by the record reader. A record with another number of
        fields keeps its raw text (its fields joined by ','), and no fields."""
        self.rows += len(rows)
        columns: list[list[str | None]] = [[] for _ in range(self.width)]
        raws: list[str | None] = []
        for _n, error, raw, fields in rows:
            if error is not None and fields is not None:  # a ragged record
                raw, fields = ",".join(fields)[:RAW_CHARS], None
            raws.append(raw)
            for i, values in enumerate(columns):
                values.append(None if fields is None else fields[i])
        arrays = [pa.array([r[0] for r in rows], pa.int64()), pa.array([r[1] for r in rows], pa.string()),
                  pa.array(raws, pa.string()), *(pa.array(values, pa.string()) for values in columns)]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)
