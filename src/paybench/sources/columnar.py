"""Columnar reading for adapters: a delimited text file as Arrow record batches, and
normalizers applied once per distinct value.

`CsvBatches` reads a CSV (comma, tab, semicolon or pipe separated) in blocks of
`BLOCK_BYTES` and yields `pyarrow.RecordBatch`es holding exactly the rows
`paybench.sources.tabular.iter_rows` yields, with the same row numbers, the same reasons for
records that cannot be read and the same raw text; only faster, and in bounded memory.

How: a block (whole lines) with no quote character, no NUL, no lone carriage return, no line
longer than `tabular.MAX_LINE_CHARS` and valid UTF-8 is split into lines and fields by Arrow
compute kernels (where a record is exactly one line and a field exactly the text between two
delimiters, so the result is the `csv` module's by construction). Any other block is read by
`tabular`'s own record reader (the one home of quoting, multi-line records, over-long lines
and stray quotes), from that block's first line until it stands at the end of a later block
with no record open; the fast path resumes there. UTF-16 files are read by `tabular`'s reader
throughout. A file that is not UTF-8 beyond its first MiB fails with the error the row
reader gives.

`map_values` and `map_rows` run a Python function once per distinct value (or combination of
values) of some columns and spread its results back over the rows (`pyarrow.compute.take`):
titles, codes, currencies x dates are normalized once each, not once per row.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from paybench.errors import InputError
from paybench.sources import tabular

BLOCK_BYTES = 16 << 20
"""Bytes of a file read and split at once (16 MiB, about 250,000 survey rows): the reader
holds about ten times this while a block is turned into columns."""

SLOW_BATCH_ROWS = 65_536
"""Records per batch where `tabular`'s record reader reads (quoted or malformed blocks)."""

ROW_NUMBER, ERROR, RAW = "row_number", "error", "raw"
"""The batch columns every `CsvBatches` batch has besides the named ones: the data row
number from 1 (int64), why the record cannot be used (NULL when it can), and the record's text
(its lines, without the final line break; cut to 1,000 characters only where `tabular` cuts it:
cut it to 1,000 characters where it is stored)."""

_HEADER_SCAN_BYTES = 4 * tabular.MAX_LINE_CHARS + 8
"""Bytes holding the longest header line `tabular.read_first_line` accepts (UTF-8)."""


class CsvBatches:
    """The data rows of a delimited text file as Arrow record batches.

    `columns`: the columns wanted, matched case-insensitively against the header (a
    repeated name: its last column); each batch has `row_number` (int64), `error` and `raw`
    (strings, see `ROW_NUMBER`), then one string column per wanted column, named as given in
    `columns` (NULL on rows with an error). `block_bytes`: bytes read at once (default
    `BLOCK_BYTES`, read when the reader is made). Iterate once. `bytes_total` is the file's size
    and `bytes_done` the bytes read so far (for a progress bar); `rows` the rows yielded.

    Raises InputError as `tabular.iter_rows` does: when the file cannot be read at all (not
    text, not UTF-8, an empty or over-long header), when it lacks a wanted column (named), or,
    once read, when it holds no data row."""

    def __init__(self, path: Path, columns: Sequence[str], *, source: str,
                 block_bytes: int | None = None) -> None:
        self.path = path
        layout = tabular.open_csv(path)
        layout.handle.close()
        self.header, self.delimiter, self.encoding = layout.header, layout.delimiter, layout.encoding
        lower = tabular.column_index(path, self.header, list(columns), source=source)
        self.names = list(columns)
        self.positions = [lower[c.lower()] for c in columns]
        self.width = len(self.header)
        self.block_bytes = block_bytes or BLOCK_BYTES
        self.bytes_total = path.stat().st_size
        self.bytes_done = 0
        self.rows = 0
        self.schema = pa.schema([(ROW_NUMBER, pa.int64()), (ERROR, pa.string()), (RAW, pa.string())]
                                + [(name, pa.string()) for name in self.names])
        printable = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != self.delimiter)
        self._printable = "[" + "".join("\\" + c if not c.isalnum() else c for c in printable) + "]"

    # ------------------------------------------------------------------ iteration
    def __iter__(self) -> Iterator[pa.RecordBatch]:
        if self.encoding not in ("utf-8", "utf-8-sig"):  # UTF-16: the record reader throughout
            layout = tabular.open_csv(self.path)
            lines = tabular.BoundedLines(layout.handle, number=1)
            yield from self._slow(layout.handle, lines, None)
        else:
            yield from self._blocks()
        self.bytes_done = self.bytes_total
        if not self.rows:
            raise tabular.no_data_rows(self.path)

    def _blocks(self) -> Iterator[pa.RecordBatch]:
        with self.path.open("rb") as data:
            offset = self._data_start(data)
            line = 1  # lines before `offset` (the header)
            while True:
                data.seek(offset)
                block = data.read(self.block_bytes)
                if not block:
                    return
                whole = len(block) < self.block_bytes  # the file's last block
                cut = len(block) if whole else block.rfind(b"\n") + 1
                batch = self._fast(block[:cut]) if cut else None
                if batch is not None:
                    offset += cut
                    line += block.count(b"\n", 0, cut)
                    self.bytes_done = offset
                    if batch.num_rows:
                        yield batch
                    continue
                del block
                resume = yield from self._slow_from(offset, line)
                if resume is None:
                    return
                offset, line = resume

    def _data_start(self, data: BinaryIO) -> int:
        """The byte offset of the line after the header (after a UTF-8 byte-order mark)."""
        head = data.read(_HEADER_SCAN_BYTES)
        start = 3 if self.encoding == "utf-8-sig" else 0
        ends = [i for i in (head.find(b"\n", start), head.find(b"\r", start)) if i >= 0]
        if not ends:
            return len(head)
        end = min(ends)
        return end + (2 if head[end:end + 2] == b"\r\n" else 1)

    # ------------------------------------------------------------------ fast path
    def _fast(self, block: bytes) -> pa.RecordBatch | None:
        """The records of a block of whole lines, or None when the block needs `tabular`'s
        record reader (a quote, a NUL, a lone CR, an over-long line, invalid UTF-8)."""
        if b'"' in block or b"\x00" in block or block.count(b"\r") != block.count(b"\r\n"):
            return None
        bytes_ = np.frombuffer(block, dtype=np.uint8)
        starts = np.flatnonzero(bytes_ == 10) + 1
        offsets = np.concatenate([[0], starts]).astype(np.int64)
        if offsets[-1] != len(block):
            offsets = np.append(offsets, len(block))
        if int(np.diff(offsets).max()) > tabular.MAX_LINE_CHARS:  # bytes >= characters
            return None
        lines = pa.Array.from_buffers(pa.string(), len(offsets) - 1,  # blocks are far below 2 GiB
                                      [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(block)])
        try:
            lines.validate(full=True)
        except pa.ArrowInvalid:  # not UTF-8: the record reader names the byte
            return None
        lines = pc.utf8_rtrim(lines, characters="\r\n")
        lines = lines.filter(self._not_blank(lines))
        fields = pc.split_pattern(lines, pattern=self.delimiter)
        found = pc.list_value_length(fields)
        usable = pc.equal(found, self.width)
        error = map_values(pc.if_else(usable, pa.scalar(None, found.type), found),
                           lambda n: (tabular.field_count_reason(self.width, n),), [pa.string()])[0]
        fields = pc.if_else(usable, fields, pa.scalar(None, fields.type))
        columns = [pc.list_element(fields, position) for position in self.positions]
        numbers = pa.array(np.arange(self.rows + 1, self.rows + 1 + len(lines), dtype=np.int64))
        self.rows += len(lines)
        return pa.RecordBatch.from_arrays([numbers, error, lines, *columns], schema=self.schema)

    def _not_blank(self, lines: pa.Array) -> pa.Array:
        """False for the lines `tabular` skips: every field blank (`str.strip`). A line with a
        printable ASCII character other than the delimiter is not blank; the others are asked."""
        sure = pc.match_substring_regex(lines, self._printable)
        if pc.all(sure).as_py() is not False:
            return sure
        delimiter = self.delimiter
        blank = map_values(pc.if_else(sure, pa.scalar(None, pa.string()), lines),
                           lambda text: (not all(not f.strip() for f in text.split(delimiter)),),
                           [pa.bool_()])[0]
        return pc.fill_null(blank, True)

    # ------------------------------------------------------------------ record reader
    def _slow_from(self, offset: int, line: int) -> Generator[pa.RecordBatch, None, tuple[int, int] | None]:
        """Read with `tabular`'s record reader from the line starting at `offset` (line
        number `line` + 1); return where the fast path resumes ((offset, line) at the end of a
        block with no record open), or None at the end of the file."""
        raw = self.path.open("rb")
        raw.seek(offset)
        handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        lines = tabular.BoundedLines(handle, number=line)
        ends = _BlockEnds(self.path, offset, line, self.block_bytes)
        try:
            resume = yield from self._slow(handle, lines, ends)
        except InputError as exc:
            if "not UTF-8" not in exc.message:
                raise
            raise self._exact_decode_error() from None
        return resume

    def _slow(self, handle: IO[str], lines: tabular.BoundedLines,
              ends: _BlockEnds | None) -> Generator[pa.RecordBatch, None, tuple[int, int] | None]:
        """Batches of the records `tabular._records` reads from `handle`; the (offset, line)
        where it stopped at a block end with no record open (`ends`), or None at the end."""
        records = tabular._records(self.path, handle, self.delimiter, self.width, lines)
        rows: list[tuple[int, str | None, str, list[str] | None]] = []
        resume: tuple[int, int] | None = None
        try:
            for _line, fields, raw in records:
                self.rows += 1
                if isinstance(fields, str):
                    rows.append((self.rows, fields, raw, None))
                elif len(fields) != self.width:
                    rows.append((self.rows, tabular.field_count_reason(self.width, len(fields)), raw, None))
                else:
                    rows.append((self.rows, None, raw, fields))
                    if ends is not None and not lines.pending:
                        resume = ends.at(lines.number, handle)
                if len(rows) >= SLOW_BATCH_ROWS or resume is not None:
                    if resume is not None:
                        self.bytes_done = resume[0]
                    yield self._batch(rows)
                    rows = []
                if resume is not None:
                    return resume
        finally:
            records.close()
            handle.close()
        if rows:
            yield self._batch(rows)
        return None

    def _batch(self, rows: list[tuple[int, str | None, str, list[str] | None]]) -> pa.RecordBatch:
        columns: list[list[str | None]] = [[] for _ in self.positions]
        for _n, _e, _r, fields in rows:
            for values, position in zip(columns, self.positions, strict=True):
                values.append(None if fields is None else fields[position])
        arrays = [pa.array([r[0] for r in rows], pa.int64()), pa.array([r[1] for r in rows], pa.string()),
                  pa.array([r[2] for r in rows], pa.string()),
                  *(pa.array(values, pa.string()) for values in columns)]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def _exact_decode_error(self) -> InputError:
        """The not-UTF-8 error as the row reader words it (its byte offset counts from the
        file's start): read the file with it until it fails."""
        try:
            for _record in tabular.csv_records(self.path)[1]:
                pass
        except InputError as exc:
            return exc
        return InputError(f"{self.path.name}: not UTF-8 text; re-save as UTF-8")


class _BlockEnds:
    """The ends of the blocks after `offset` (each after a line feed), with the number of the
    last line before each: where `tabular`'s record reader may hand back to the fast path."""

    def __init__(self, path: Path, offset: int, line: int, block_bytes: int) -> None:
        self.data = path
        self.offset, self.line = offset, line
        self.block_bytes = block_bytes or BLOCK_BYTES
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
                tail_cr = not cut and part.endswith(b"\r")  # a CR LF may straddle the read
                if tail_cr:
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


# --------------------------------------------------------------------------- per distinct value
def map_values(column: pa.Array | pa.ChunkedArray, function: Callable[[Any], Sequence[Any]],
               types: Sequence[pa.DataType], cache: dict[Any, Sequence[Any]] | None = None,
               ) -> list[pa.Array]:
    """Apply `function` once per distinct non-null value of `column` and spread its results
    over the rows: one array per entry of `types` (the result tuple's types), NULL where the
    column is NULL. `cache` (value -> result) carries results across batches."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    values = encoded.dictionary.to_pylist()
    if cache is None:
        results = [function(v) for v in values]
    else:
        results = []
        for value in values:
            found = cache.get(value)
            if found is None:
                found = cache[value] = function(value)
            results.append(found)
    return [pc.take(pa.array([r[i] for r in results], type=kind), encoded.indices)
            for i, kind in enumerate(types)]


def map_rows(columns: Sequence[pa.Array], function: Callable[..., Sequence[Any]],
             types: Sequence[pa.DataType], mask: pa.Array | None = None,
             cache: dict[tuple[Any, ...], Sequence[Any]] | None = None) -> list[pa.Array]:
    """Apply `function(*values)` once per distinct combination of the `columns`' values on
    the rows where `mask` is true (all rows when None) and spread its results over them: one
    array per entry of `types`, NULL on the other rows. `cache` carries results across
    batches. Combinations are found by hashing (dictionary codes), never by sorting."""
    n = len(columns[0])
    if mask is None:
        where = np.arange(n, dtype=np.int64)
    else:
        where = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy(zero_copy_only=False)
    if not len(where):
        return [pa.nulls(n, type=kind) for kind in types]
    picked = pa.array(where)
    dictionaries: list[list[Any]] = []
    codes_per_column: list[np.ndarray[Any, Any]] = []
    key: np.ndarray[Any, Any] | None = None
    for column in columns:
        encoded = pc.dictionary_encode(column if mask is None else pc.take(column, picked))
        dictionary = [*encoded.dictionary.to_pylist(), None]
        codes = pc.fill_null(encoded.indices, len(dictionary) - 1).to_numpy(
            zero_copy_only=False).astype(np.int64)
        dictionaries.append(dictionary)
        codes_per_column.append(codes)
        # mixed-radix codes, made dense (by hashing) after each column so they never overflow
        combined = codes if key is None else key * len(dictionary) + codes
        key = pc.dictionary_encode(pa.array(combined)).indices.to_numpy(
            zero_copy_only=False).astype(np.int64)
    assert key is not None
    first = np.empty(int(key.max()) + 1, dtype=np.int64)
    first[key] = np.arange(len(key))  # a row of each combination (any: they hold the same values)
    results = []
    for index in first:
        values = tuple(d[int(c[index])] for d, c in zip(dictionaries, codes_per_column, strict=True))
        found = cache.get(values) if cache is not None else None
        if found is None:
            found = function(*values)
            if cache is not None:
                cache[values] = found
        results.append(found)
    slot = np.full(n, -1, dtype=np.int64)
    slot[where] = key  # dense: the combination's index in `results`
    indices = pa.array(slot, mask=slot < 0)
    return [pc.take(pa.array([r[i] for r in results], type=kind), indices)
            for i, kind in enumerate(types)]
