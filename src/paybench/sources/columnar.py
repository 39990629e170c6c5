"""Normalizers applied once per distinct value of a column (or combination of columns) of an
Arrow batch, their results spread back over the rows.

`map_values` and `map_rows` run a Python function once per distinct value (or combination of
values) of some columns and spread its results back over the rows (`pyarrow.compute.take`):
titles, codes, currencies x dates are normalized once each, not once per row. They read no
file: batches come from the readers (`paybench.sources.delimited` for delimited text).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


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
