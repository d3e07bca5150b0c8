"""The content links as they were computed before ``audit/word_sets.py`` (commit 395b195): word
lists compared with Polars list operations per pair, the bottom-k cut by explode/group/join. Kept
here, not in ``src``, as the reference that ``bench_content_links.py`` times against and that
``tests/audit/test_word_sets.py`` checks the new path against (the links must be identical)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from sobria.audit.chains import ChainRules, Links, PairKinds, _decide
from sobria.audit.word_sets import WordStats
from sobria.events.fingerprint import MAX_WORDS, NUM_HASHES, SALIENT_BIT

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CHUNK = 250_000
LOW_BITS = SALIENT_BIT - 1


def content_links(frame: pl.DataFrame, rules: ChainRules) -> Links:
    """Links between content requests (cue ``n``) and the previous few of the same session (only
    sessions with two content requests or more are looked at)."""
    content = (frame.filter(pl.col("cue") == "n")
               .filter(pl.len().over("session") >= 2)
               .with_columns(pl.col("words").str.extract_all("[0-9a-f]{4}")
                             .list.eval(pl.element().str.to_integer(base=16).cast(pl.Int64))))
    rows = content["row"].to_numpy().astype(np.int64)
    session = content["session"].to_numpy()
    minhash = minhash_matrix(content)
    words = word_lists(content, rules)
    conversation = content["thread"].to_numpy()
    flags = content["flags"].to_numpy().astype(np.int64)
    found: list[tuple[IntArray, IntArray, BoolArray, FloatArray]] = []
    for k in range(1, rules.lookback + 1):
        if len(rows) <= k:
            break
        cur = np.arange(k, len(rows))
        prev = cur - k
        keep = session[cur] == session[prev]
        cur, prev = cur[keep], prev[keep]
        if len(cur) == 0:
            continue
        sim = _similarity(minhash, prev, cur)
        same_conversation = conversation[cur] == conversation[prev]
        kinds = PairKinds(same_conversation, flags[prev], flags[cur])
        regen, linked, conf = _decide(sim, _word_stats(words, prev, cur), kinds, rules)
        found.append((rows[cur[linked]], rows[prev[linked]], regen[linked], conf[linked]))
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return Links(empty, empty, np.empty(0, dtype=bool), np.empty(0))
    child, parent, regen_all, conf_all = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return Links(child, parent, regen_all.astype(bool), conf_all)


def minhash_matrix(frame: pl.DataFrame) -> npt.NDArray[np.uint32]:
    """The (rows x 32) MinHash values of a ``prepared`` frame."""
    if frame.height == 0:
        return np.empty((0, NUM_HASHES), dtype=np.uint32)
    joined = frame.select(pl.col("minhash").str.join("")).item()
    try:
        raw = bytes.fromhex(joined)
    except ValueError:   # some value is not hexadecimal: those rows get a signature that never matches
        bad = ~frame["minhash"].str.contains("^[0-9a-f]+$")
        raw = bytes.fromhex("".join(f"{i:08x}" * NUM_HASHES if b else v
                                    for i, (v, b) in enumerate(zip(frame["minhash"], bad, strict=True))))
    return np.frombuffer(raw, dtype=">u4").reshape(-1, NUM_HASHES).astype(np.uint32)


def _similarity(minhash: npt.NDArray[np.uint32], prev: IntArray, cur: IntArray) -> FloatArray:
    out = np.empty(len(cur))
    for start in range(0, len(cur), CHUNK):
        part = slice(start, start + CHUNK)
        out[part] = (minhash[prev[part]] == minhash[cur[part]]).mean(axis=1)
    return out


def word_lists(content: pl.DataFrame, rules: ChainRules) -> pl.DataFrame:
    """Per content request: its words (15-bit hashes) and its *subject* words, the salient ones
    that are not part of the person's usual vocabulary."""
    low = pl.element() & LOW_BITS
    base = content.select(
        "row", "person",
        pl.col("words").list.eval(low).alias("all"),
        pl.col("words").list.eval(pl.element().filter(pl.element() >= SALIENT_BIT) & LOW_BITS).alias("salient"))
    sizes = base.group_by("person").len("requests")
    usual = (
        base.select("person", pl.col("salient").alias("word")).explode("word").drop_nulls()
        .group_by("person", "word").len("uses").join(sizes, on="person")
        .filter((pl.col("uses") >= rules.template_min_count)
                & (pl.col("uses") >= rules.template_share * pl.col("requests")))
        .group_by("person").agg(pl.col("word").alias("usual"))
    )
    return (base.join(usual, on="person", how="left", maintain_order="left")
            .select("row", "all", pl.col("salient").list.set_difference(
                pl.col("usual").fill_null(pl.lit([], pl.List(pl.Int64)))).alias("subject")))


def _word_stats(words: pl.DataFrame, prev: IntArray, cur: IntArray) -> WordStats:
    pairs = pl.DataFrame({
        "a": words["all"].gather(prev), "b": words["all"].gather(cur),
        "sa": words["subject"].gather(prev), "sb": words["subject"].gather(cur),
    })
    stats = _stats(pairs)
    full = ((pairs["a"].list.len() >= MAX_WORDS) | (pairs["b"].list.len() >= MAX_WORDS)).to_numpy()
    if full.any():     # a full sketch only knows its words up to its largest hash: compare below it
        index = np.flatnonzero(full)
        cut = _stats(_below_cutoff(pairs[index]))
        for name, values in stats.items():
            values[index] = cut[name]
    return WordStats(**stats)


def _stats(pairs: pl.DataFrame) -> dict[str, IntArray]:
    a, b, sa, sb = pl.col("a"), pl.col("b"), pl.col("sa"), pl.col("sb")
    shared = a.list.set_intersection(b).list.len()   # the lists hold distinct words
    stats = pairs.lazy().select(
        shared.alias("shared"),
        (a.list.len() - shared).alias("only_prev"),
        (b.list.len() - shared).alias("only_cur"),
        sa.list.set_difference(b).list.len().alias("salient_only_prev"),
        sb.list.set_difference(a).list.len().alias("salient_only_cur"),
        sa.list.set_intersection(sb).list.len().alias("salient_shared"),
    ).collect()
    return {name: stats[name].to_numpy().astype(np.int64) for name in stats.columns}


def _below_cutoff(pairs: pl.DataFrame) -> pl.DataFrame:
    """The word lists of each pair cut at the smaller largest hash of a full list (bottom-k
    sketches: each list holds the ``MAX_WORDS`` smallest hashes of its prompt's words)."""
    def top(name: str) -> pl.Expr:
        return pl.when(pl.col(name).list.len() >= MAX_WORDS).then(pl.col(name).list.max()).otherwise(LOW_BITS)
    framed = pairs.with_row_index("pair").with_columns(pl.min_horizontal(top("a"), top("b")).alias("cutoff"))
    out = framed.select("pair")
    for name in ("a", "b", "sa", "sb"):
        kept = (framed.select("pair", "cutoff", name).explode(name)
                .filter(pl.col(name) <= pl.col("cutoff"))
                .group_by("pair").agg(pl.col(name)))
        out = out.join(kept, on="pair", how="left").with_columns(pl.col(name).fill_null(pl.lit([], pl.List(pl.Int64))))
    return out.sort("pair").drop("pair")
