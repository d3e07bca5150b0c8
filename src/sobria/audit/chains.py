"""Reformulation and regeneration chains, found from prompt fingerprints alone (vectorised).

Events of one person are sorted by time and cut into sessions (a gap longer than the session gap
starts a new one). Two kinds of links join a request to an earlier one of the same session:

* a *retry*: a short prompt whose cue is "another try" (``r``) links to the request before it in the
  same conversation ("une autre version", "plus court"); a "continue" prompt (``c``) never links;
* a *content* link between a request and one of the ``lookback`` previous content requests:
  identical fingerprints (a regeneration), nearly identical text with no change of subject (a
  changed constraint), or the same specific words in other phrasing (a paraphrase). The same
  template filled for another client or subject is told apart by its content words: each of the two
  prompts has salient words the other lacks.

Links form a forest (each request points at one earlier request); a chain is a tree, identified by
its first request. See docs/waste.md for the rules, thresholds and their evaluation.
"""

from __future__ import annotations

import binascii
import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from sobria.audit.hex_columns import column_bytes
from sobria.audit.word_sets import WordStats, padded, pair_counts, parse_hex_words, word_sets
from sobria.events.fingerprint import MINHASH_HEX, NUM_HASHES, VERSION
from sobria.events.intent import REQUEST, VARIATION

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
BLOCK = 1 << 18     # content requests compared at once (whole people)
THREAD_COLUMNS = {"thread_turn": pl.Int64(), "thread_signal": pl.Utf8(), "semantic_fingerprint": pl.Utf8()}


@dataclass(frozen=True)
class ChainRules:
    session_gap_minutes: float = 15.0
    lookback: int = 4                 # content requests compared with each new one
    duplicate_similarity: float = 0.85   # above: the same text give or take a few characters
    near_similarity: float = 0.5         # above: the same text with a changed constraint
    paraphrase_words: float = 0.3        # shared content words (Jaccard) of a paraphrase
    paraphrase_min_shared: int = 2
    extension_min_shared: int = 4      # every word of the earlier prompt, and more: an extension
    extension_similarity: float = 0.3
    template_share: float = 0.08     # a salient word in this share of a person's requests is usual
    template_min_count: int = 5
    restatement_words: float = 0.55   # within a conversation: most content words the same
    restatement_min_shared: int = 3


@dataclass(frozen=True)
class Links:
    """Each linked request (``child``), the earlier one it repeats, the kind and the confidence."""

    child: IntArray
    parent: IntArray
    regeneration: BoolArray
    confidence: FloatArray


def prepared(events: pl.DataFrame, gap_minutes: float) -> pl.DataFrame:
    """Text requests with a valid fingerprint, sorted by person and time, with a row number, a
    session number, the cue, the MinHash payload and the content-word hashes (hexadecimal)."""
    fp = pl.col("prompt_fingerprint")
    version = fp.str.slice(0, 4)
    old = version == "mh1:"
    mh2 = (version == "mh2:") & (fp.str.slice(5, 1) == ":") & (fp.str.slice(6 + MINHASH_HEX, 1) == ":")
    mh3 = ((version == f"{VERSION}:") & (fp.str.slice(5, 1) == ":") & (fp.str.slice(7, 1) == ":")
           & (fp.str.slice(8 + MINHASH_HEX, 1) == ":"))
    payload = (pl.when(old).then(fp.str.slice(4)).when(mh2).then(fp.str.slice(6, MINHASH_HEX))
               .otherwise(fp.str.slice(8, MINHASH_HEX)))
    words = (pl.when(old).then(pl.lit("")).when(mh2).then(fp.str.slice(7 + MINHASH_HEX))
             .otherwise(fp.str.slice(9 + MINHASH_HEX)))
    flags = pl.when(mh3).then(fp.str.slice(6, 1).str.to_integer(base=16, strict=False)).otherwise(0)
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in THREAD_COLUMNS.items() if name not in events.columns]
    texts = (
        events.lazy().with_columns(missing)
        .filter(pl.col("person").is_not_null() & fp.is_not_null()
                & pl.col("operation").is_in(["chat", "completion"]) & pl.col("ts").is_not_null())
        .select("event_id", "person", "ts", "conversation_id", "thread_turn", "thread_signal", "semantic_fingerprint",
                pl.when(old).then(pl.lit("n")).otherwise(fp.str.slice(4, 1)).alias("cue"),
                payload.alias("minhash"), words.alias("words"), flags.fill_null(0).cast(pl.Int64).alias("flags"),
                (old | mh2 | mh3).alias("valid"))
        .filter(pl.col("valid") & (pl.col("minhash").str.len_bytes() == MINHASH_HEX)
                & (pl.col("words").str.len_bytes() % 4 == 0))
    ).collect()
    return (
        _by_person(texts).lazy()
        .with_columns(_session(gap_minutes).alias("session"))
        .with_columns(pl.coalesce(pl.col("conversation_id"), pl.lit("~session:") + pl.col("session").cast(pl.Utf8))
                      .alias("thread"))
        .with_row_index("row")
    ).collect()


def _by_person(frame: pl.DataFrame) -> pl.DataFrame:
    """Sorted by (hash of person, person, ts, event_id): the hash groups people fast. Input already
    in time order (partitions and the store give it so) needs only a stable sort on the hash, an
    integer, unless two people share a hash (then they interleave: the full sort is done)."""
    order = [pl.col("person").hash(), "person", "ts", "event_id"]
    ts, ids = pl.col("ts"), pl.col("event_id")
    timed = (ts > ts.shift(1)) | ((ts == ts.shift(1)) & (ids > ids.shift(1)))
    if frame.height < 2 or not frame.select(timed.fill_null(True).all()).item():
        return frame.sort(order)
    grouped = frame.sort(pl.col("person").hash(), maintain_order=True)
    changes = grouped.select((pl.col("person") != pl.col("person").shift(1)).fill_null(False).sum()).item()
    return grouped if changes == grouped["person"].n_unique() - 1 else frame.sort(order)


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


def _session(gap_minutes: float) -> pl.Expr:
    gap = pl.duration(seconds=int(gap_minutes * 60))
    new = ((pl.col("person") != pl.col("person").shift(1)) | (pl.col("ts") - pl.col("ts").shift(1) > gap))
    return new.fill_null(True).cum_sum()


def retry_links(frame: pl.DataFrame) -> tuple[IntArray, IntArray]:
    """Retry prompts and the previous request of their conversation in the same session, skipping
    "continue" prompts (a retry redoes the deliverable that they continued). Without a conversation
    id, the session stands for the conversation (``thread``)."""
    new_group = ((pl.col("session") != pl.col("session").shift(1))
                 | (pl.col("thread") != pl.col("thread").shift(1))).fill_null(True)
    # a retry: the prompt's own wording (cue ``r``), or the thread signal ``revision``, read with the
    # previous user turn at hand (``events.revision``: the gateway, imports that carry the messages)
    retry = (pl.col("cue") == "r") | (pl.col("thread_signal") == "revision").fill_null(False)
    ordered = (frame.select("row", "session", "thread", "cue", retry.alias("retry"))
               .sort(["session", "thread", "row"])
               .select("row", "cue", "retry", new_group.alias("new_group")))
    position = np.arange(ordered.height)
    group_start = np.maximum.accumulate(np.where(ordered["new_group"].to_numpy(), position, 0))
    cue = ordered["cue"].to_numpy()
    last_anchor = np.maximum.accumulate(np.where(cue != "c", position, -1))   # last non-"continue" so far
    before = np.concatenate([[-1], last_anchor[:-1]])
    hit = ordered["retry"].to_numpy() & (cue != "c") & (before >= group_start)
    rows = ordered["row"].to_numpy().astype(np.int64)
    return rows[hit], rows[before[hit]]


def content_links(frame: pl.DataFrame, rules: ChainRules) -> Links:
    """Links between content requests (cue ``n``) and the previous few of the same session (only
    sessions with two content requests or more are looked at). The requests are compared in
    blocks of whole people (``BLOCK`` rows or so: nothing links across people), which bounds the
    memory and keeps the arrays small; the links come in the order of one pass (by lag, then row)."""
    cue_n = (frame["cue"] == "n").fill_null(False).to_numpy()
    session = frame["session"].to_numpy()
    compared = cue_n & (np.bincount(session[cue_n], minlength=int(session.max(initial=0)) + 1)[session] >= 2)
    content = (frame.select("row", "session", "thread", "flags", "person", "minhash", "words")
               .filter(pl.Series(compared)))
    person = person_codes(content["person"])
    signatures = _signatures(content)
    by_lag: list[list[tuple[IntArray, IntArray, BoolArray, FloatArray]]] = [[] for _ in range(rules.lookback)]
    for start, end in _blocks(person):
        block = content.slice(start, end - start)
        links = _block_links(block, signatures[start:end], person[start:end] - person[start], rules)
        for k, part in enumerate(links):
            by_lag[k].append(part)
    found = [part for parts in by_lag for part in parts if len(part[0])]
    if not found:
        empty = np.empty(0, dtype=np.int64)
        return Links(empty, empty, np.empty(0, dtype=bool), np.empty(0))
    child, parent, regen_all, conf_all = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return Links(child, parent, regen_all.astype(bool), conf_all)


def _blocks(person: IntArray) -> list[tuple[int, int]]:
    """Row ranges of about ``BLOCK`` rows that end where a person's rows end (person codes
    ascending: a ``prepared`` frame; otherwise one block)."""
    if len(person) == 0:
        return []
    starts = np.flatnonzero(np.diff(person)) + 1           # where a person's rows start
    if len(person) <= BLOCK or len(starts) == 0 or (np.diff(person) < 0).any():
        return [(0, len(person))]
    cuts = starts[np.minimum(np.searchsorted(starts, np.arange(BLOCK, len(person), BLOCK)), len(starts) - 1)]
    return list(itertools.pairwise([0, *np.unique(cuts).tolist(), len(person)]))


def _block_links(content: pl.DataFrame, signatures: npt.NDArray[np.uint32], person: IntArray,
                 rules: ChainRules) -> list[tuple[IntArray, IntArray, BoolArray, FloatArray]]:
    """Per lag 1 .. ``lookback`` (each one, empty or not): the links of the content requests of
    whole people."""
    rows = content["row"].to_numpy().astype(np.int64)
    session = content["session"].to_numpy()
    offsets, raw = parse_hex_words(content["words"])
    words = word_sets(offsets, raw, person, rules.template_share, rules.template_min_count)
    grid = padded(words)
    conversation = content["thread"].rank("dense").to_numpy()    # equal codes: the same thread
    flags = content["flags"].to_numpy().astype(np.int64)
    found = []
    for k in range(1, rules.lookback + 1):
        prev = np.flatnonzero(session[k:] == session[:-k]) if len(rows) > k else np.empty(0, dtype=np.int64)
        cur = prev + k
        if len(cur) == 0:
            empty = np.empty(0, dtype=np.int64)
            found.append((empty, empty, np.empty(0, dtype=bool), np.empty(0)))
            continue
        sim = _similarity(signatures, k, prev)
        same_conversation = conversation[cur] == conversation[prev]
        kinds = PairKinds(same_conversation, flags[prev], flags[cur])
        regen, linked, conf = _decide(sim, pair_counts(words, grid, prev, cur), kinds, rules)
        found.append((rows[cur[linked]], rows[prev[linked]], regen[linked], conf[linked]))
    return found


def person_codes(person: pl.Series) -> IntArray:
    """An integer per row, the same for the rows of one person: the run number when each person's
    rows are contiguous (a ``prepared`` frame), a dense rank otherwise."""
    runs = (person != person.shift(1)).fill_null(True)
    codes = runs.cum_sum().to_numpy().astype(np.int64) - 1
    if len(codes) and codes[-1] + 1 != person.n_unique():
        codes = person.rank("dense").to_numpy().astype(np.int64) - 1
    return codes


def _signatures(content: pl.DataFrame) -> npt.NDArray[np.uint32]:
    """The (rows x 32) MinHash values, or when they are plain hexadecimal the same bytes read in
    the machine's byte order (no copy): only their equality is used."""
    try:
        return np.frombuffer(binascii.unhexlify(column_bytes(content["minhash"])[1]),
                             dtype=np.uint32).reshape(-1, NUM_HASHES)
    except (binascii.Error, ValueError):
        return minhash_matrix(content)


def _similarity(signatures: npt.NDArray[np.uint32], lag: int, prev: IntArray) -> FloatArray:
    """The share of equal MinHash values of the rows ``prev`` and ``prev + lag``."""
    equal = np.count_nonzero(signatures[:-lag] == signatures[lag:], axis=1)
    share: FloatArray = equal[prev] / NUM_HASHES
    return share


@dataclass(frozen=True)
class PairKinds:
    """Per compared pair: same conversation, and the flags (``events.intent``) of both prompts."""

    same_conversation: BoolArray
    flags_prev: IntArray
    flags_cur: IntArray


def _decide(sim: FloatArray, w: WordStats, kinds: PairKinds,
            rules: ChainRules) -> tuple[BoolArray, BoolArray, FloatArray]:
    """Per pair: is it a regeneration, is it linked at all, and how confident the link is. Within
    one conversation a prompt on the same topic is a follow-up, not a paraphrase: only a (near)
    copy, a restatement (most words the same) or another version of the same deliverable (both ask
    for one, with the same words) links there."""
    union = np.maximum(w.shared + w.only_prev + w.only_cur, 1)
    word_jaccard = w.shared / union
    same_words = (w.only_prev == 0) & (w.only_cur == 0)
    regeneration = (sim >= 1.0) & same_words
    other_subject = (w.salient_only_prev > 0) & (w.salient_only_cur > 0)
    substitution = (w.only_prev > 0) & (w.only_cur > 0)
    duplicate = (sim >= rules.duplicate_similarity) & ~other_subject
    near = (sim >= rules.near_similarity) & ~substitution
    same_subject = (w.salient_shared >= rules.paraphrase_min_shared) & ~other_subject
    same_template = substitution & (sim >= rules.near_similarity) & ~same_subject
    similar_words = (word_jaccard >= rules.paraphrase_words) & (w.shared >= rules.paraphrase_min_shared)
    paraphrase = (similar_words | same_subject) & ~same_template & ~other_subject & ~kinds.same_conversation
    extension = (w.only_prev == 0) & (w.shared >= rules.extension_min_shared) & (sim >= rules.extension_similarity)
    restatement = ((word_jaccard >= rules.restatement_words) & (w.shared >= rules.restatement_min_shared)
                   & ~other_subject & kinds.same_conversation)
    requests = ((kinds.flags_prev & REQUEST) > 0) & ((kinds.flags_cur & REQUEST) > 0)
    # a template filled again is another version when one word changed or the prompt asks for a
    # different take ("a unique support power"), another subject otherwise ("…help with his homework")
    variation = ((kinds.flags_cur & VARIATION) > 0) | (np.minimum(w.only_prev, w.only_cur) <= 1)
    version = requests & similar_words & ~other_subject & kinds.same_conversation & (~same_template | variation)
    linked = regeneration | duplicate | near | extension | paraphrase | restatement | version
    confidence = np.where(regeneration, 0.95, np.clip(0.5 + 0.5 * np.maximum(sim, word_jaccard), 0.0, 0.9))
    return regeneration, linked, confidence


def chain_roots(size: int, child: IntArray, parent: IntArray) -> IntArray:
    """Root (first request) of every row's chain; a row without a link is its own root."""
    up = np.arange(size, dtype=np.int64)
    up[child] = parent
    while True:
        nxt = up[up]
        if np.array_equal(nxt, up):
            return up
        up = nxt
