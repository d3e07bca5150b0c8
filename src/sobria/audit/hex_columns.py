"""Hexadecimal text columns (the MinHash payload, the word sketch) read as bytes in one piece.

A Polars string column is exported to Arrow (large strings: one data buffer, 64-bit offsets)
without copying each value into a Python string; the caller decodes the buffer at once
(``binascii.unhexlify``, a NumPy table). Nulls read as empty strings.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

IntArray = npt.NDArray[np.int64]
LOWER_HEX = b"0123456789abcdef"


def column_bytes(column: pl.Series) -> tuple[IntArray, memoryview]:
    """Per value its start in the returned buffer (and the end of the last one), and the values'
    UTF-8 bytes end to end (a view of the Arrow buffer)."""
    array = column.cast(pl.Utf8).to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(array, pa.ChunkedArray):
        array = pa.concat_arrays(array.chunks) if array.num_chunks else pa.array([], pa.large_utf8())
    if not pa.types.is_large_string(array.type):
        array = array.cast(pa.large_utf8())
    if len(array) == 0:
        return np.zeros(1, dtype=np.int64), memoryview(b"")
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = array.buffers()[2]
    body = memoryview(b"") if data is None else memoryview(data)[offsets[0]:offsets[-1]]
    return offsets - offsets[0], body


def lower_hex(data: memoryview) -> bool:
    """Only the digits 0-9 and a-f."""
    return not data.tobytes().translate(None, LOWER_HEX)
