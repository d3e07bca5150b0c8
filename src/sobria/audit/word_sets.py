"""The content-word sketches of many prompts as NumPy arrays, and their overlaps, many pairs at once.

Each prompt's fingerprint carries up to ``MAX_WORDS`` word hashes (``events.fingerprint``): 16 bits,
the top one marking a salient word. ``WordSets`` holds them for every compared request in flat
arrays instead of one Python or Polars list per request: the words of row ``r`` are
``words[offsets[r]:offsets[r + 1]]`` (salient bit off, sorted, copies kept), with per word whether
it is the first copy of its value in its row and whether it is a *subject* word of the row
(salient, and not part of the person's usual vocabulary).

``pair_counts`` counts the shared and unshared words of many pairs of rows at once. The rows are
laid out once as a padded matrix (``padded``: one row a request, ``MAX_WORDS`` columns at most) of
keys ``word << 2 | side | subject``, a copy or a padding cell holding a key that never matches; a
pair is its two rows' keys side by side, sorted along the row, so that a word both prompts hold is
two neighbouring keys with the same word. One NumPy sort per block of pairs, no Python loop over
pairs, no Python set. A row with more words than a sketch holds (not a fingerprint's: a malformed
value) is compared by ``pair_stats``, with Python sets, pair by pair.

The counts are those of set operations on the two lists (docs/waste.md, "Reformulation and
regeneration chains"): ``shared`` is the number of distinct common words, ``only_prev`` and
``only_cur`` the list lengths (copies counted) less ``shared``, the ``salient_*`` counts compare
the subject words of each prompt with the other's words or subject words; when either list is
full, both are first cut at the smaller largest hash of a full list (bottom-k sketches).
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from sobria.audit.hex_columns import column_bytes, lower_hex
from sobria.events.fingerprint import MAX_WORDS, SALIENT_BIT

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
LOW_BITS = SALIENT_BIT - 1
ROW_SHIFT = 16                # sort key of a word in its row: row << ROW_SHIFT | word
SENTINEL = 1 << 17            # pair keys above it never match (padding, copies, cut words)
SUBJECT, LATER = 1, 2         # pair key bits: word << 2 | LATER (the later prompt's) | SUBJECT
CHUNK = 1 << 18               # pairs compared at once (memory: CHUNK x 2 x width keys)
HEX_WORD = 4                  # hexadecimal digits per word hash


@dataclass(frozen=True)
class WordStats:
    """Per pair (earlier request ``prev``, later ``cur``): word counts of the two sketches."""

    shared: IntArray
    only_prev: IntArray
    only_cur: IntArray
    salient_only_prev: IntArray
    salient_only_cur: IntArray
    salient_shared: IntArray

    def columns(self) -> tuple[IntArray, ...]:
        return (self.shared, self.only_prev, self.only_cur, self.salient_only_prev, self.salient_only_cur,
                self.salient_shared)


@dataclass(frozen=True)
class WordSets:
    """The words of ``len(offsets) - 1`` rows, flat (see the module docstring)."""

    offsets: IntArray   # row r: words[offsets[r]:offsets[r + 1]]
    words: IntArray     # 15-bit hashes, ascending within a row
    first: BoolArray    # the first copy of its value in its row
    subject: BoolArray  # the value is a subject word of its row

    @property
    def rows(self) -> int:
        return len(self.offsets) - 1

    def row(self, r: int) -> tuple[list[int], set[int]]:
        """Row ``r``'s words (copies kept) and its subject words."""
        part = slice(self.offsets[r], self.offsets[r + 1])
        words = self.words[part]
        return words.tolist(), set(words[self.subject[part]].tolist())


def parse_hex_words(column: pl.Series) -> tuple[IntArray, IntArray]:
    """Offsets and raw 16-bit values of a column of word sketches (4 hexadecimal digits a word),
    as ``str.extract_all("[0-9a-f]{4}")`` reads them: a column holding anything but lower-case
    hexadecimal digits, or a value whose length is not a multiple of 4, is read by that expression."""
    offsets, data = column_bytes(column)
    if (offsets % HEX_WORD).any() or not lower_hex(data):
        lists = column.str.extract_all(f"[0-9a-f]{{{HEX_WORD}}}").fill_null([])
        counts = lists.list.len().to_numpy().astype(np.int64)
        flat = lists.explode().drop_nulls().str.to_integer(base=16).to_numpy().astype(np.int64)
        return np.concatenate([[0], np.cumsum(counts)]), flat
    values = np.frombuffer(binascii.unhexlify(data), dtype=">u2").astype(np.int64)
    return offsets // HEX_WORD, values


def word_sets(offsets: IntArray, raw: IntArray, person: IntArray, template_share: float,
              template_min_count: int) -> WordSets:
    """The sets of rows whose raw word hashes are ``raw[offsets[r]:offsets[r + 1]]``; ``person``:
    an integer code per row (0, 1, ...). A salient word found (copies counted) in at least
    ``template_share`` of a person's rows and in ``template_min_count`` of them is usual to the
    person: not a subject word."""
    sizes = np.diff(offsets)
    row = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    word = raw & LOW_BITS
    salient = raw >= SALIENT_BIT
    key = (row << ROW_SHIFT) | word
    if len(key) > 1 and not (key[1:] > key[:-1]).all():   # fingerprints keep them sorted, distinct
        order = np.argsort(key, kind="stable")
        key, word, salient, row = key[order], word[order], salient[order], row[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    subject = salient & ~_usual(person, row, word, salient, template_share, template_min_count)
    if not first.all():       # a value held twice: a subject word if one of its copies is
        group = np.cumsum(first) - 1
        subject = np.bincount(group, weights=subject, minlength=int(first.sum()))[group] > 0
    return WordSets(np.asarray(offsets, dtype=np.int64), word, first, subject)


def _usual(person: IntArray, row: IntArray, word: IntArray, salient: BoolArray, share: float,
           min_count: int) -> BoolArray:
    """Per word copy: a usual salient word of the person of its row (see ``word_sets``)."""
    usual = np.zeros(len(word), dtype=bool)
    where = np.flatnonzero(salient)
    if len(where) == 0:
        return usual
    owners = person[row[where]]
    pair = pl.Series("pair", (owners << ROW_SHIFT) | word[where]).to_frame()
    count = pair.select(pl.len().over("pair")).to_series().to_numpy()
    usual[where] = (count >= min_count) & (count >= share * np.bincount(person)[owners])
    return usual


@dataclass(frozen=True)
class Padded:
    """``WordSets`` as (rows x width) matrices of pair keys, ``width`` the longest row up to
    ``MAX_WORDS``, with what the bottom-k cut of a pair needs."""

    prev_keys: npt.NDArray[np.int32]   # pair keys of each row as the earlier prompt of a pair
    cur_keys: npt.NDArray[np.int32]    # ... and as the later one
    sizes: IntArray                    # words per row, copies counted
    subjects: IntArray                 # distinct subject words per row
    top: IntArray                      # the largest word of a full row, LOW_BITS otherwise
    long: BoolArray                    # rows longer than MAX_WORDS (compared by ``pair_stats``)
    ordered: IntArray                  # row << ROW_SHIFT | word of every word, ascending
    offsets: IntArray                  # as ``WordSets.offsets``
    subjects_before: IntArray          # distinct subject words before each word of ``ordered``


def padded(sets: WordSets) -> Padded:
    """The matrices of ``pair_counts``, laid out once for all pairs."""
    sizes = np.diff(sets.offsets)
    width = int(min(sizes.max(initial=0), MAX_WORDS))
    row = np.repeat(np.arange(sets.rows, dtype=np.int64), sizes)
    full = bool((sizes >= MAX_WORDS).any())    # else no pair is cut: ``ordered``, ``subjects_before`` unused
    ordered = (row << ROW_SHIFT) | sets.words if full else np.zeros(0, dtype=np.int64)
    subjects_before = np.concatenate([[0], np.cumsum(sets.first & sets.subject)]) if full else ordered
    cell = np.arange(len(sets.words), dtype=np.int64) + np.repeat(np.arange(sets.rows) * width - sets.offsets[:-1],
                                                                 sizes)   # in the flat matrix
    words, first, subject = sets.words.astype(np.int32), sets.first, sets.subject
    if (sizes > width).any():     # rows longer than a sketch, cut to the matrix (``pair_stats`` compares them)
        fits = cell < (row + 1) * width
        row, cell, words, first, subject = row[fits], cell[fits], words[fits], first[fits], subject[fits]
    flat = np.full(sets.rows * width, -1, dtype=np.int32)   # -1: padding or a copy
    flat[cell] = (words << 2) | subject if first.all() else np.where(first, (words << 2) | subject, -1)
    keys = flat.reshape(sets.rows, width)
    keyed = keys >= 0
    prev_fill = (SENTINEL + 4 * np.arange(width)).astype(np.int32)
    cur_fill = (SENTINEL + 4 * np.arange(width, 2 * width)).astype(np.int32)
    last = sets.words[np.maximum(sets.offsets[1:] - 1, 0)] if len(sets.words) else np.zeros(sets.rows, np.int64)
    return Padded(np.where(keyed, keys, prev_fill), np.where(keyed, keys | LATER, cur_fill), sizes,
                  np.bincount(row[first & subject], minlength=sets.rows).astype(np.int64),
                  np.where(sizes >= MAX_WORDS, last, LOW_BITS), sizes > MAX_WORDS, ordered, sets.offsets,
                  subjects_before)


def pair_counts(sets: WordSets, grid: Padded, prev: IntArray, cur: IntArray) -> WordStats:
    """The counts of the pairs of rows ``(prev[i], cur[i])``."""
    parts = [_counts(grid, prev[start:start + CHUNK], cur[start:start + CHUNK])
             for start in range(0, len(prev), CHUNK)] or [_counts(grid, prev, cur)]
    stats = WordStats(*(np.concatenate(column) for column in zip(*parts, strict=True)))
    if grid.long.any():
        for i in np.flatnonzero(grid.long[prev] | grid.long[cur]).tolist():
            (a, subject_a), (b, subject_b) = sets.row(int(prev[i])), sets.row(int(cur[i]))
            for column, value in zip(stats.columns(), pair_stats(a, b, subject_a, subject_b), strict=True):
                column[i] = value
    return stats


def _counts(grid: Padded, prev: IntArray, cur: IntArray) -> tuple[IntArray, ...]:
    keys = np.concatenate([grid.prev_keys[prev], grid.cur_keys[cur]], axis=1)
    keys.sort(axis=1)
    flat, span = keys.reshape(-1), keys.shape[1]
    # the same word in the earlier and in the later prompt: two neighbours that differ in the side
    # and subject bits only (not across two pairs: the last key of one and the first of the next)
    left = np.flatnonzero((flat[:-1] ^ flat[1:]) < 4)
    left = left[left % span != span - 1]
    pair = left // span
    cutoff = np.minimum(grid.top[prev], grid.top[cur])    # the range both sketches cover
    if cut := bool((cutoff < LOW_BITS).any()):
        below = (flat[left] >> 2) <= cutoff[pair]
        left, pair = left[below], pair[below]
    left_subject = (flat[left] & SUBJECT) > 0
    right_subject = (flat[left + 1] & SUBJECT) > 0
    len_prev, subjects_prev = _below(grid, prev, cutoff) if cut else (grid.sizes[prev], grid.subjects[prev])
    len_cur, subjects_cur = _below(grid, cur, cutoff) if cut else (grid.sizes[cur], grid.subjects[cur])
    size = len(prev)
    shared = np.bincount(pair, minlength=size)
    return (shared, len_prev - shared, len_cur - shared,
            subjects_prev - np.bincount(pair[left_subject], minlength=size),
            subjects_cur - np.bincount(pair[right_subject], minlength=size),
            np.bincount(pair[left_subject & right_subject], minlength=size))


def _below(grid: Padded, rows: IntArray, cutoff: IntArray) -> tuple[IntArray, IntArray]:
    """Per row: its words (copies counted) and distinct subject words up to the cutoff."""
    start = grid.offsets[rows]
    end = np.searchsorted(grid.ordered, (rows << ROW_SHIFT) | cutoff, side="right")
    return end - start, grid.subjects_before[end] - grid.subjects_before[start]


def pair_stats(a: Sequence[int], b: Sequence[int], subject_a: set[int],
               subject_b: set[int]) -> tuple[int, int, int, int, int, int]:
    """The counts of one pair, with Python sets: the words (copies counted) and the subject words of
    the earlier prompt ``a`` and of the later one ``b``, in the order of ``WordStats``."""
    top_a = max(a) if len(a) >= MAX_WORDS else LOW_BITS
    top_b = max(b) if len(b) >= MAX_WORDS else LOW_BITS
    cutoff = min(top_a, top_b)
    a, b = [w for w in a if w <= cutoff], [w for w in b if w <= cutoff]
    subject_a, subject_b = {w for w in subject_a if w <= cutoff}, {w for w in subject_b if w <= cutoff}
    shared = len(set(a) & set(b))
    return (shared, len(a) - shared, len(b) - shared, len(subject_a - set(b)), len(subject_b - set(a)),
            len(subject_a & subject_b))
