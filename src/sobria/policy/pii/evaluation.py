"""Precision and recall of a scanner on a labelled corpus (exact span and kind must match)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sobria.policy.pii.findings import PiiKind
from sobria.policy.pii.scanner import Scanner

PRECISION_TARGET = 0.98
RECALL_TARGET = 0.95


@dataclass(frozen=True)
class LabelledText:
    """One corpus record: a text and the spans a perfect detector would report."""

    id: str
    category: str
    text: str
    spans: frozenset[tuple[PiiKind, int, int]]


@dataclass(frozen=True)
class KindScore:
    """Counts for one kind, and the rates derived from them."""

    kind: PiiKind
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.precision >= PRECISION_TARGET and self.recall >= RECALL_TARGET


def read_corpus(path: Path) -> list[LabelledText]:
    """The records of a JSONL corpus file written by tests/data/pii/make_corpus.py."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            spans = frozenset((PiiKind(s["kind"]), s["start"], s["end"]) for s in rec["spans"])
            out.append(LabelledText(rec["id"], rec["category"], rec["text"], spans))
    return out


def evaluate(scanner: Scanner, corpus: Iterable[LabelledText]) -> dict[PiiKind, KindScore]:
    """Per-kind true/false positives and false negatives of ``scanner`` on ``corpus``."""
    counts = {k: [0, 0, 0] for k in PiiKind}
    for item in corpus:
        found = {(f.kind, f.start, f.end) for f in scanner.scan(item.text)}
        for kind, _, _ in found & item.spans:
            counts[kind][0] += 1
        for kind, _, _ in found - item.spans:
            counts[kind][1] += 1
        for kind, _, _ in item.spans - found:
            counts[kind][2] += 1
    return {k: KindScore(k, *c) for k, c in counts.items()}


def mistakes(scanner: Scanner, corpus: Sequence[LabelledText]) -> list[tuple[str, str, str]]:
    """(record id, 'missed' or 'spurious', the kind and text) for every error, to debug a corpus."""
    out = []
    for item in corpus:
        found = {(f.kind, f.start, f.end) for f in scanner.scan(item.text)}
        out += [(item.id, "missed", f"{k}: {item.text[s:e]!r}") for k, s, e in sorted(item.spans - found)]
        out += [(item.id, "spurious", f"{k}: {item.text[s:e]!r}") for k, s, e in sorted(found - item.spans)]
    return out


def targets_met(scores: Mapping[PiiKind, KindScore]) -> bool:
    """True when every kind meets both the precision and the recall target."""
    return all(score.meets_targets for score in scores.values())
