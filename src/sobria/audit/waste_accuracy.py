"""How far the waste detector's chains can be trusted on the data at hand: the precision and recall
measured on real conversations (``data/waste_accuracy.json``, from ``benchmarks/eval_waste.py`` on
the held-out sample), for the mode the data allows — with or without conversation ids, with or
without the thread signals of a source that carries the messages (docs/waste.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

import polars as pl

CHAIN_OPERATIONS = ("chat", "completion")


@dataclass(frozen=True)
class Accuracy:
    mode: str           # with|without _ids_ thread_signals|fingerprint_only
    precision: float
    recall: float
    f1: float
    source: str


def measured() -> dict[str, Accuracy]:
    """Every mode's measured figures, with their source."""
    raw = json.loads(resources.files("sobria.audit").joinpath("data/waste_accuracy.json").read_text("utf-8"))
    return {mode: Accuracy(mode, float(v["precision"]), float(v["recall"]), float(v["f1"]), str(raw["source"]))
            for mode, v in raw["modes"].items()}


def data_counts(events: pl.DataFrame) -> tuple[int, int, int]:
    """Chat requests with a fingerprint, those with a conversation id, those with a thread signal."""
    needed = {"operation", "prompt_fingerprint", "conversation_id"}
    if not needed <= set(events.columns):
        return 0, 0, 0
    chat = (pl.col("operation").is_in(CHAIN_OPERATIONS) & pl.col("prompt_fingerprint").is_not_null()).fill_null(False)
    signal = pl.col("thread_signal") if "thread_signal" in events.columns else pl.lit(None, pl.Utf8)
    chats, ids, signals = events.select(   # counted in place: no filtered copy of the events
        chat.sum().alias("chats"), (chat & pl.col("conversation_id").is_not_null()).sum().alias("ids"),
        (chat & signal.is_not_null()).sum().alias("signals")).row(0)
    return int(chats or 0), int(ids or 0), int(signals or 0)


def shares_of(counts: tuple[int, int, int]) -> tuple[float, float] | None:
    chats, ids, signals = counts
    return None if chats == 0 else (ids / chats, signals / chats)


def data_shares(events: pl.DataFrame) -> tuple[float, float] | None:
    """Share of the chat requests with a fingerprint that carry a conversation id, and a thread
    signal; None when there are none."""
    return shares_of(data_counts(events))


def expected(shares: tuple[float, float] | None) -> Accuracy | None:
    """The measured figures of the mode most of the data is in (a majority with ids, with signals)."""
    if shares is None:
        return None
    ids, signals = shares
    mode = ("with_ids" if ids >= 0.5 else "without_ids") + (
        "_thread_signals" if signals >= 0.5 else "_fingerprint_only")
    return measured()[mode]
