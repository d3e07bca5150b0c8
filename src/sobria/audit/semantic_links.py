"""Links from the optional semantic fingerprint (``events.semantic``): the same question asked
again in another conversation of the same session, in other words.

Measured on the real development samples (docs/waste.md, "Semantic fingerprint"): within one
conversation, the embeddings of a reformulation and of a follow-up on the same topic are as close
as each other (a threshold that finds a third of the reformulations also links a quarter of the
follow-ups), so the semantic fingerprint is used only between *different* conversations of a
session, where a close meaning means the person started again: a new chat for the same request.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from sobria.events.semantic import BITS, VERSION

IntArray = npt.NDArray[np.int64]
HEX = BITS // 4


def semantic_links(frame: pl.DataFrame, min_cosine: float, lookback: int) -> tuple[IntArray, IntArray]:
    """Child and parent rows of a ``chains.prepared`` frame: a request whose semantic fingerprint
    is within ``min_cosine`` of one of the ``lookback`` previous fingerprinted requests of its
    session, in another conversation."""
    fp = pl.col("semantic_fingerprint")
    rows = frame.filter(fp.str.starts_with(f"{VERSION}:") & (fp.str.len_bytes() == len(VERSION) + 1 + HEX)
                        & fp.str.slice(len(VERSION) + 1).str.contains(f"^[0-9a-f]{{{HEX}}}$"))
    empty = np.empty(0, dtype=np.int64)
    if rows.height < 2:
        return empty, empty
    raw = bytes.fromhex(rows.select(fp.str.slice(len(VERSION) + 1).str.join("")).item())
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8).reshape(-1, BITS // 8), axis=1)
    session, thread = rows["session"].to_numpy(), rows["thread"].to_numpy()
    row = rows["row"].to_numpy().astype(np.int64)
    max_differing = np.arccos(np.clip(min_cosine, -1.0, 1.0)) / np.pi * BITS
    children, parents = [], []
    for k in range(1, lookback + 1):
        cur = np.arange(k, rows.height)
        prev = cur - k
        keep = (session[cur] == session[prev]) & (thread[cur] != thread[prev])
        cur, prev = cur[keep], prev[keep]
        close = (bits[cur] != bits[prev]).sum(axis=1) <= max_differing
        children.append(row[cur[close]])
        parents.append(row[prev[close]])
    return np.concatenate(children), np.concatenate(parents)
