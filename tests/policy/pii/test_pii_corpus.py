"""The labelled corpus: regenerated identically from its seed, and every kind meets its targets."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

from sobria.policy.pii import PiiKind, Scanner, load_client_names
from sobria.policy.pii.evaluation import PRECISION_TARGET, RECALL_TARGET, evaluate, mistakes, read_corpus

DATA = Path(__file__).resolve().parents[2] / "data" / "pii"


def test_the_committed_corpus_is_what_the_seeded_script_generates(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", DATA / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.generate(tmp_path) == 1668
    for name in ("corpus.jsonl", "clients.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_the_corpus_has_positives_near_misses_and_prose_for_every_kind() -> None:
    corpus = read_corpus(DATA / "corpus.jsonl")
    assert Counter(item.category for item in corpus) == {"positive": 800, "near_miss": 468, "prose": 400}
    per_kind = Counter(kind for item in corpus for kind, _, _ in item.spans)
    assert min(per_kind[k] for k in PiiKind) >= 99
    assert all(not item.spans for item in corpus if item.category != "positive")


def test_every_kind_meets_the_precision_and_recall_targets() -> None:
    corpus = read_corpus(DATA / "corpus.jsonl")
    scanner = Scanner.build(load_client_names(DATA / "clients.csv"))
    scores = evaluate(scanner, corpus)
    low = {k.value: (s.precision, s.recall) for k, s in scores.items()
           if s.precision < PRECISION_TARGET or s.recall < RECALL_TARGET}
    assert low == {}, mistakes(scanner, corpus)
    assert sum(s.false_positives for s in scores.values()) == 0
    assert sum(s.false_negatives for s in scores.values()) == 0
