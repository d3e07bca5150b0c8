"""Links from the thread signals of chat requests (``events.thread``): a regeneration or an edit.

A chat client sends its whole thread with every request; an event that carries it has a turn
number (``thread_turn``: the user turns it carries) and a signal (``thread_signal``). In one
linear thread each turn number comes once; the same turn number again in the same conversation
means the person redid that turn: the same last user turn (same fingerprint, or the gateway's
``regeneration`` signal) is a regeneration, another text (``edit``) an edit-and-resend, a
reformulation. The redone request is the last one of the conversation at that turn, in the same
session. An edit of a thread's first turn starts another conversation id at the gateway (the id
hashes the opening): such a pair is left to the content links.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def thread_links(frame: pl.DataFrame) -> tuple[IntArray, IntArray, BoolArray]:
    """Child rows, parent rows and whether each link is a regeneration, for the rows of a
    ``chains.prepared`` frame whose turn number was already seen in their conversation."""
    group = ["session", "conversation_id", "thread_turn"]
    linked = (
        frame.lazy()
        .filter(pl.col("thread_turn").is_not_null() & pl.col("conversation_id").is_not_null())
        .sort("row")
        .with_columns(pl.col("row").shift(1).over(group).alias("parent"),
                      (pl.col("minhash") + pl.col("words")).shift(1).over(group).alias("parent_print"))
        .filter(pl.col("parent").is_not_null())
        .select("row", "parent",
                ((pl.col("thread_signal") == "regeneration")
                 | ((pl.col("thread_signal") != "edit").fill_null(True)
                    & (pl.col("minhash") + pl.col("words") == pl.col("parent_print")))).alias("regeneration"))
        .collect()
    )
    return (linked["row"].to_numpy().astype(np.int64), linked["parent"].to_numpy().astype(np.int64),
            linked["regeneration"].to_numpy().astype(bool))
