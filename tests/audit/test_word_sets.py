"""Word sets as flat arrays (``audit/word_sets.py``): exact counts on small cases, and the content
links and waste rows identical to the reference path (``benchmarks/content_links_reference.py``,
the Polars list operations used before) on generated, real and malformed frames."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from benchmarks import content_links_reference as reference
from benchmarks.eval_waste import real_sample

from sobria.analytics.synthetic import generate_events
from sobria.audit import chains, waste
from sobria.audit.chains import ChainRules, Links, content_links, person_codes, prepared
from sobria.audit.waste import detect_waste
from sobria.audit.word_sets import (
    LOW_BITS,
    WordSets,
    padded,
    pair_counts,
    pair_stats,
    parse_hex_words,
    word_sets,
)
from sobria.catalog import Catalog
from sobria.events.fingerprint import MAX_WORDS, SALIENT_BIT

RULES = ChainRules()


def sets_of(rows: list[list[int]], people: list[int] | None = None, share: float = 0.08,
            min_count: int = 5) -> WordSets:
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    raw = np.array([w for r in rows for w in r], dtype=np.int64)
    person = np.array(people if people is not None else [0] * len(rows), dtype=np.int64)
    return word_sets(offsets, raw, person, share, min_count)


def counts(sets: WordSets, prev: list[int], cur: list[int]) -> list[tuple[int, ...]]:
    stats = pair_counts(sets, padded(sets), np.array(prev, dtype=np.int64), np.array(cur, dtype=np.int64))
    return [tuple(int(c[i]) for c in stats.columns()) for i in range(len(prev))]


def test_hex_words_are_read_four_digits_a_word() -> None:
    offsets, values = parse_hex_words(pl.Series(["0001ffff", "", "8000"]))
    assert offsets.tolist() == [0, 2, 2, 3]
    assert values.tolist() == [1, 0xFFFF, 0x8000]


@pytest.mark.parametrize(("words", "expected"), [
    (["ABCD0001", "00a1"], ([0, 1, 2], [1, 0xA1])),        # upper case: not a word for extract_all
    (["x0001abc", "0002"], ([0, 1, 2], [1, 2])),           # a stray character shifts the reading
    (["ééabcd", "0003"], ([0, 1, 2], [0xABCD, 3])),        # non-ASCII (8 bytes, 6 characters)
    (["000", "0004"], ([0, 0, 1], [4])),                   # a length that is not a multiple of 4
])
def test_hex_words_other_than_lower_case_hexadecimal_read_as_the_regular_expression(
        words: list[str], expected: tuple[list[int], list[int]]) -> None:
    offsets, values = parse_hex_words(pl.Series(words))
    assert (offsets.tolist(), values.tolist()) == expected
    lists = pl.Series(words).str.extract_all("[0-9a-f]{4}").list.eval(pl.element().str.to_integer(base=16))
    assert values.tolist() == [v for row in lists.to_list() for v in row]


def test_word_sets_sort_mask_and_mark_copies_and_subject_words() -> None:
    sets = sets_of([[0x0003, 0x8002, 0x0001], [0x8002, 0x0002], []], people=[0, 0, 1])
    assert sets.offsets.tolist() == [0, 3, 5, 5]
    assert sets.words.tolist() == [1, 2, 3, 2, 2]
    assert sets.first.tolist() == [True, True, True, True, False]
    assert sets.subject.tolist() == [False, True, False, True, True]   # both copies of a salient value
    assert sets.row(1) == ([2, 2], {2})
    assert sets.row(2) == ([], set())


@pytest.mark.parametrize(("min_count", "subject"), [(5, False), (6, True)])
def test_a_salient_word_in_most_of_a_persons_requests_is_usual_not_a_subject(min_count: int, subject: bool) -> None:
    rows = [[0x8005, 0x0010 + i] for i in range(5)] + [[0x8005]]
    sets = sets_of(rows, people=[0] * 5 + [1], min_count=min_count)
    salient = sets.words == 5
    assert sets.subject[salient].tolist() == [subject] * 5 + [True]   # person 1 uses it once: a subject


def test_usual_share_is_of_the_persons_requests() -> None:
    rows = [[0x8005]] * 5 + [[0x0001]] * 95             # 5 uses in 100 requests: under 8 %
    assert sets_of(rows).subject[:5].tolist() == [True] * 5
    assert not sets_of(rows[:60]).subject[:5].any()     # 5 in 60: 8.3 %


@pytest.mark.parametrize(("a", "b", "subject_a", "subject_b", "expected"), [
    ([1, 2, 3], [2, 3, 4], {1}, {4}, (2, 1, 1, 1, 1, 0)),
    ([], [], set(), set(), (0, 0, 0, 0, 0, 0)),
    ([], [7], set(), {7}, (0, 0, 1, 0, 1, 0)),
    ([2, 2, 5], [2], {2}, {2}, (1, 2, 0, 0, 0, 1)),             # copies count in the lengths only
    ([1, 9], [1, 9], {9}, set(), (2, 0, 0, 0, 0, 0)),           # a subject word the other has, not as subject
    ([10, 11], [10, 11], {10, 11}, {10, 11}, (2, 0, 0, 0, 0, 2)),
])
def test_pair_counts_small_cases(a: list[int], b: list[int], subject_a: set[int], subject_b: set[int],
                                 expected: tuple[int, ...]) -> None:
    assert pair_stats(a, b, subject_a, subject_b) == expected
    salient = [[w | SALIENT_BIT if w in s else w for w in r] for r, s in ((a, subject_a), (b, subject_b))]
    assert counts(sets_of(salient, people=[0, 1]), [0], [1]) == [expected]


def test_a_full_sketch_cuts_both_at_its_largest_word_ties_kept() -> None:
    full = list(range(0, 2 * MAX_WORDS, 2))             # 24 words, the largest 46
    other = [1, 2, 46, 47, 300]                          # 46 ties the cutoff: kept; 47 and 300 are above it
    expected = (2, MAX_WORDS - 2, 1, 0, 0, 0)            # shared 2 and 46; 1 only in the other
    assert pair_stats(full, other, set(), set()) == expected
    assert counts(sets_of([full, other]), [0, 1], [1, 0]) == [expected, (2, 1, MAX_WORDS - 2, 0, 0, 0)]
    both = [list(range(MAX_WORDS)), list(range(1, MAX_WORDS + 1))]   # both full: the smaller top, 23
    assert counts(sets_of(both), [0], [1]) == [(MAX_WORDS - 1, 1, 0, 0, 0, 0)]
    assert pair_stats(*both, set(), set()) == (MAX_WORDS - 1, 1, 0, 0, 0, 0)


def test_top_bit_is_not_part_of_the_word() -> None:
    sets = sets_of([[LOW_BITS | SALIENT_BIT], [LOW_BITS]], people=[0, 1])
    assert counts(sets, [0], [1]) == [(1, 0, 0, 0, 0, 0)]


def random_rows(seed: int, count: int) -> tuple[list[list[int]], list[int]]:
    """Short and full sketches, a few too long, copies, empty rows, salient words, few people."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(count):
        size = int(rng.choice([0, 1, 3, 6, MAX_WORDS - 1, MAX_WORDS, MAX_WORDS + 5]))
        words = rng.integers(0, 64, size) | np.where(rng.random(size) < 0.3, SALIENT_BIT, 0)
        rows.append(words.tolist())
    return rows, rng.integers(0, 3, count).tolist()


@pytest.mark.parametrize("seed", range(4))
def test_pair_counts_equal_the_set_operations_pair_by_pair(seed: int) -> None:
    rows, people = random_rows(seed, 120)
    sets = sets_of(rows, people, min_count=3)
    rng = np.random.default_rng(seed)
    prev, cur = rng.integers(0, len(rows), 400).tolist(), rng.integers(0, len(rows), 400).tolist()
    expected = []
    for p, c in zip(prev, cur, strict=True):
        (a, subject_a), (b, subject_b) = sets.row(p), sets.row(c)
        expected.append(pair_stats(a, b, subject_a, subject_b))
    assert counts(sets, prev, cur) == expected


def same_links(old: Links, new: Links) -> None:
    for name in ("child", "parent", "regeneration", "confidence"):
        assert np.array_equal(getattr(old, name), getattr(new, name)), name


@pytest.fixture(scope="module")
def generated(catalog: Catalog) -> pl.DataFrame:
    return generate_events(60_000, catalog)


def test_content_links_equal_the_reference_on_generated_events(generated: pl.DataFrame) -> None:
    frame = prepared(generated, 15.0)
    new = content_links(frame, RULES)
    assert len(new.child) > 5_000
    same_links(reference.content_links(frame, RULES), new)


@pytest.mark.parametrize("block", [1_000, 2_500])
def test_blocks_of_people_give_the_links_of_one_pass(generated: pl.DataFrame, block: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    frame = prepared(generated, 15.0)
    whole = content_links(frame, RULES)
    monkeypatch.setattr(chains, "BLOCK", block)
    same_links(whole, content_links(frame, RULES))


def test_blocks_end_where_a_persons_rows_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chains, "BLOCK", 4)
    person = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 3, 4])
    assert chains._blocks(person) == [(0, 5), (5, 10), (10, 12)]
    assert chains._blocks(np.zeros(9, dtype=np.int64)) == [(0, 9)]          # one person: one block
    assert chains._blocks(np.array([0, 1, 0, 2, 3, 4])) == [(0, 6)]         # not grouped: one block
    assert chains._blocks(np.zeros(0, dtype=np.int64)) == []


def test_no_session_with_two_content_requests_gives_no_link(generated: pl.DataFrame) -> None:
    frame = prepared(generated.head(50), 15.0)
    alone = frame.with_columns(pl.col("row").alias("session"))     # every request its own session
    links = content_links(alone, RULES)
    assert (len(links.child), len(links.parent), len(links.regeneration), len(links.confidence)) == (0, 0, 0, 0)
    same_links(reference.content_links(alone, RULES), links)


@pytest.mark.parametrize("conversations", [True, False])
def test_content_links_equal_the_reference_on_a_real_sample(conversations: bool) -> None:
    events, _ = real_sample(prefix="sharegpt_dev3", conversations=conversations)
    frame = prepared(events, 15.0)
    new = content_links(frame, RULES)
    assert len(new.child) > 10
    same_links(reference.content_links(frame, RULES), new)


@pytest.mark.parametrize("kinds", [2, 5])
def test_content_links_equal_the_reference_on_malformed_sketches(generated: pl.DataFrame, kinds: int) -> None:
    """Copies and too many words (read as hexadecimal at once); with upper-case and stray
    characters in the words (read by the regular expression), upper-case and non-hexadecimal
    MinHash payloads: each read as the reference reads it."""
    frame = prepared(generated.head(20_000), 15.0)
    rng = np.random.default_rng(7)
    words, minhash = frame["words"].to_list(), frame["minhash"].to_list()
    for i in rng.choice(frame.height, 3_000, replace=False).tolist():
        kind = i % kinds
        if kind == 0:
            words[i] = words[i][:8] * 2                      # a copy of the first two words
        elif kind == 1:
            words[i] = "".join(f"{v:04x}" for v in rng.integers(0, 0x10000, MAX_WORDS + 6))
        elif kind == 2:
            words[i] = words[i] + "00AB"
        elif kind == 3:
            minhash[i] = minhash[i].upper()
        else:
            words[i] = words[i].upper()
    odd = frame.with_columns(pl.Series("words", words), pl.Series("minhash", minhash))
    same_links(reference.content_links(odd, RULES), content_links(odd, RULES))
    bad_hex = odd.with_columns(pl.when(pl.col("row") % 97 == 0).then(pl.lit("g" * 256))
                               .otherwise(pl.col("minhash")).alias("minhash"))
    same_links(reference.content_links(bad_hex, RULES), content_links(bad_hex, RULES))


def test_detect_waste_rows_equal_the_reference(generated: pl.DataFrame, catalog: Catalog,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    new = detect_waste(generated, catalog)
    monkeypatch.setattr(waste, "content_links", reference.content_links)
    old = detect_waste(generated, catalog)
    assert new.height > 5_000
    assert new.equals(old)


def test_person_codes_when_a_persons_rows_are_not_contiguous() -> None:
    assert person_codes(pl.Series(["b", "b", "a", "c"])).tolist() == [0, 0, 1, 2]
    assert person_codes(pl.Series(["b", "a", "b"])).tolist() == [1, 0, 1]
    assert person_codes(pl.Series([], dtype=pl.Utf8)).tolist() == []
