"""Train the revision score (``sobria.events.revision``) on the seven development samples, the
threshold chosen by leave-one-sample-out cross-validation.

Run from the repository root: ``OPENBLAS_NUM_THREADS=1 python benchmarks/train_revision.py [--write]``.

Examples: every pair of consecutive user turns (the turn a turn follows, skipping "continue" turns,
and the turn) of the development samples ``sharegpt``, ``sharegpt_dev2``, ``sharegpt_test``, ``sharegpt_dev3``,
``sharegpt_test2``, ``sharegpt_test3`` and ``sharegpt_test4`` (tests/data/waste; the first labelling
of the double-labelled ones, ``*_labels.csv``, as their reference; every one of them has been
evaluated once unseen and is development data: a next held-out sample is read by neither this
script nor ``revision_variants.py``); a pair is positive when the labels put both turns in one
chain. Model: L2-regularised logistic regression (Newton steps,
numpy), features standardised for the fit and the coefficients given back on the raw features;
``previous_revision`` is the labels' answer for training, the model's own at prediction (as
``thread_revision`` does).

Two cross-validations, both printed. **Leave one sample out** (the decision): the model is trained
on six samples and gives the thread signals of the seventh, all seven ways; the detector
(``detect_waste``) then runs on the held-out sample with those signals, and ``eval_waste``'s
pair-level F1 is averaged over the seven held-out samples (each sample weighs the same: the test of
a sample-level shift, as from the five samples to test3). **By conversation**: ``REPEATS``
repetitions of a ``FOLDS``-fold cross-validation (the conversations of the seven samples shuffled
by ``random.Random(seed)``, seed 0 … REPEATS-1, dealt into folds), pair counts summed over the
samples. The threshold shipped is the one of ``THRESHOLDS`` with the best leave-one-sample-out
mean F1, with and without conversation ids averaged; the model shipped is then fitted on all the
pairs. ``--write`` stores it in ``src/sobria/events/data/revision_model.json``. Also prints, per
feature, its mean over positive and negative pairs, its coefficient, and its standardised
coefficient in each leave-one-sample-out fit (a feature whose weight moves from fold to fold does
not generalise across samples).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = ROOT / "tests" / "data" / "waste"
DEV_PREFIXES = ("sharegpt", "sharegpt_dev2", "sharegpt_test", "sharegpt_dev3", "sharegpt_test2", "sharegpt_test3",
                "sharegpt_test4")
MODEL_FILE = ROOT / "src" / "sobria" / "events" / "data" / "revision_model.json"
L2 = 1.0
FOLDS = 5
REPEATS = 5
THRESHOLDS = tuple(round(0.20 + 0.05 * i, 2) for i in range(11))
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Conversation:
    """One conversation's pairs: per turn, the turn it follows, its features (``previous_revision``
    left at 0) and whether both are in one labelled chain."""

    sample: str
    key: str
    previous: dict[int, int]
    features: dict[int, FloatArray]
    positive: dict[int, bool]


def conversations(prefix: str) -> list[Conversation]:
    import polars as pl

    from eval_waste import labelled_chains
    from sobria.events.revision import EARLIER_TURNS, pair_features, previous_request

    chains = labelled_chains(pl.read_csv(REAL_DIR / f"{prefix}_labels.csv"))
    chain_of = dict(chains.select("event_id", "chain_id").iter_rows())
    out = []
    for line in (REAL_DIR / f"{prefix}_user_turns.jsonl").read_text(encoding="utf-8").splitlines():
        conv = json.loads(line)
        turns, key = conv["turns"], conv["conversation"]
        previous, features, positive = {}, {}, {}
        for turn in range(1, len(turns)):
            before = previous_request(turns[:turn + 1])
            if before is None:
                continue
            previous[turn] = before
            features[turn] = np.array(pair_features(turns[before], turns[turn], False,
                                                    turns[max(0, before - EARLIER_TURNS):before], turns[:turn]))
            a, b = chain_of.get(f"{key}#{before}"), chain_of.get(f"{key}#{turn}")
            positive[turn] = a is not None and a == b
        out.append(Conversation(prefix, key, previous, features, positive))
    return out


def training_rows(convs: list[Conversation]) -> tuple[FloatArray, FloatArray]:
    from sobria.events.revision import FEATURES

    chained = FEATURES.index("previous_revision")
    rows, labels = [], []
    for conv in convs:
        for turn, features in conv.features.items():
            row = features.copy()
            row[chained] = float(conv.positive.get(conv.previous[turn], False))
            rows.append(row)
            labels.append(float(conv.positive[turn]))
    return np.array(rows), np.array(labels)


def fit(x: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
    """Intercept and coefficients (raw features) of an L2 logistic regression."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], L2)
    penalty[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = w[1:] / scale
    return float(w[0] - (coef * mean).sum()), coef


def signals(conv: Conversation, model: tuple[float, FloatArray], threshold: float, depth: int) -> dict[str, bool]:
    """Per turn of ``conv``: the thread signal ``revision``, decided as ``thread_revision`` does
    (``previous_revision`` from the model's own decision, ``depth`` turns back at most), from the
    features computed once."""
    from sobria.events.revision import FEATURES

    chained_at = FEATURES.index("previous_revision")
    intercept, coef = model
    memo: dict[tuple[int, int], bool] = {}

    def decide(turn: int, left: int) -> bool:
        if turn not in conv.previous:
            return False
        if (turn, left) not in memo:
            chained = left > 0 and decide(conv.previous[turn], left - 1)
            row = conv.features[turn].copy()
            row[chained_at] = float(chained)
            z = intercept + float(coef @ row)
            memo[(turn, left)] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) >= threshold
        return memo[(turn, left)]
    return {f"{conv.key}#{turn}": decide(turn, depth) for turn in conv.previous}


class Detector:
    """``eval_waste``'s pair-level counts of the detector on the samples, given per-turn signals;
    the events (fingerprints) are built once per sample and mode."""

    def __init__(self) -> None:
        from sobria.catalog import load_catalog

        self.catalog = load_catalog()
        self.cache: dict[tuple[str, bool], tuple[object, object]] = {}

    def scores(self, prefix: str, ids: bool, revision: dict[str, bool]) -> tuple[int, int, int]:
        import polars as pl

        from eval_waste import real_sample, score
        from sobria.audit.waste import detect_waste

        if (prefix, ids) not in self.cache:
            self.cache[(prefix, ids)] = real_sample(prefix=prefix, conversations=ids)
        events, chains = self.cache[(prefix, ids)]
        assert isinstance(events, pl.DataFrame) and isinstance(chains, pl.DataFrame)
        events = events.with_columns(
            (pl.col("event_id").str.extract(r"#(\d+)$").cast(pl.Int64) + 1).alias("thread_turn"),
            pl.Series("thread_signal", ["revision" if revision.get(e, False) else "new" for e in events["event_id"]]))
        s = score(chains, detect_waste(events, self.catalog))
        return s.truth_pairs, s.predicted_pairs, s.true_pairs


def f1(counts: tuple[int, int, int]) -> float:
    truth, predicted, true = counts
    return 2 * true / (truth + predicted) if truth + predicted else 1.0


def cross_validated(samples: dict[str, list[Conversation]], seed: int, detector: Detector,
                    depth: int) -> dict[tuple[float, bool], dict[str, tuple[int, int, int]]]:
    """Per (threshold, with ids): per sample, the pair-level counts with out-of-fold signals."""
    keys = sorted((c.sample, c.key) for convs in samples.values() for c in convs)
    random.Random(seed).shuffle(keys)
    fold_of = {key: i % FOLDS for i, key in enumerate(keys)}
    everything = [c for convs in samples.values() for c in convs]
    models = [fit(*training_rows([c for c in everything if fold_of[(c.sample, c.key)] != k])) for k in range(FOLDS)]
    out: dict[tuple[float, bool], dict[str, tuple[int, int, int]]] = {}
    for threshold in THRESHOLDS:
        for prefix, convs in samples.items():
            revision: dict[str, bool] = {}
            for conv in convs:
                revision.update(signals(conv, models[fold_of[(conv.sample, conv.key)]], threshold, depth))
            for ids in (True, False):
                out.setdefault((threshold, ids), {})[prefix] = detector.scores(prefix, ids, revision)
    return out


def pooled(per_sample: dict[str, tuple[int, int, int]]) -> tuple[int, int, int]:
    truth, predicted, true = (sum(c[i] for c in per_sample.values()) for i in range(3))
    return truth, predicted, true


def left_out(samples: dict[str, list[Conversation]], detector: Detector,
             depth: int) -> tuple[dict[tuple[float, bool], dict[str, tuple[int, int, int]]], list[FloatArray]]:
    """Leave one sample out: per (threshold, with ids), per held-out sample, its pair-level counts
    with the signals of the model trained on the other samples; and each fit's standardised
    coefficients (coefficient times the feature's standard deviation over its training pairs)."""
    out: dict[tuple[float, bool], dict[str, tuple[int, int, int]]] = {}
    weights = []
    for held, convs in samples.items():
        x, y = training_rows([c for prefix, others in samples.items() if prefix != held for c in others])
        model = fit(x, y)
        weights.append(model[1] * x.std(axis=0))
        for threshold in THRESHOLDS:
            revision: dict[str, bool] = {}
            for conv in convs:
                revision.update(signals(conv, model, threshold, depth))
            for ids in (True, False):
                out.setdefault((threshold, ids), {})[held] = detector.scores(held, ids, revision)
    return out, weights


def short(prefix: str) -> str:
    return prefix.removeprefix("sharegpt_") if prefix != "sharegpt" else "dev"


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from sobria.events.revision import FEATURES, MOMENTUM_DEPTH

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="store the model in " + str(MODEL_FILE))
    args = parser.parse_args()
    samples = {prefix: conversations(prefix) for prefix in DEV_PREFIXES}
    x, y = training_rows([c for convs in samples.values() for c in convs])
    n_conv = sum(len(convs) for convs in samples.values())
    print(f"{len(y)} consecutive pairs of {n_conv} conversations, {int(y.sum())} in one chain")
    detector = Detector()
    loso, weights = left_out(samples, detector, MOMENTUM_DEPTH)
    runs = [cross_validated(samples, seed, detector, MOMENTUM_DEPTH) for seed in range(REPEATS)]
    held: dict[tuple[float, bool], float] = {}
    folded: dict[tuple[float, bool], float] = {}
    for threshold in THRESHOLDS:
        for ids in (True, False):
            held[(threshold, ids)] = float(np.mean([f1(c) for c in loso[(threshold, ids)].values()]))
            folded[(threshold, ids)] = float(np.mean([f1(pooled(run[(threshold, ids)])) for run in runs]))
        per = " ".join(f"{short(p)} {f1(loso[(threshold, True)][p]):.3f}/{f1(loso[(threshold, False)][p]):.3f}"
                       for p in DEV_PREFIXES)
        print(f"threshold {threshold:.2f}: leave-one-sample-out mean F1 {held[(threshold, True)]:.3f} with ids, "
              f"{held[(threshold, False)]:.3f} without ({per}); {REPEATS} x {FOLDS}-fold by conversation "
              f"{folded[(threshold, True)]:.3f} / {folded[(threshold, False)]:.3f}")
    chosen = max(THRESHOLDS, key=lambda t: (held[(t, True)] + held[(t, False)], -t))
    print(f"chosen threshold {chosen:.2f}: best leave-one-sample-out mean F1 (with and without ids averaged); "
          f"held-out counts (truth, predicted, true) with ids: "
          + ", ".join(f"{short(p)} {loso[(chosen, True)][p]}" for p in DEV_PREFIXES))
    intercept, coef = fit(x, y)
    spread = np.array(weights)
    print(f"{'feature':18} {'mean same chain':>16} {'mean other':>11} {'coefficient':>12}  "
          f"standardised, leave-one-sample-out fits ({', '.join(short(p) for p in DEV_PREFIXES)} held out)")
    for i, name in enumerate(FEATURES):
        print(f"{name:18} {x[y == 1, i].mean():16.3f} {x[y == 0, i].mean():11.3f} {coef[i]:12.3f}  "
              + " ".join(f"{w:6.2f}" for w in spread[:, i]) + f"  (sd {spread[:, i].std():.2f})")
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "source": f"benchmarks/train_revision.py on the development samples {' + '.join(DEV_PREFIXES)} "
                      f"({len(y)} consecutive user-turn pairs, {int(y.sum())} positive); L2 {L2}; threshold: best "
                      f"leave-one-sample-out mean pair-level F1 ({held[(chosen, True)]:.3f} with ids, "
                      f"{held[(chosen, False)]:.3f} without; {REPEATS} x {FOLDS}-fold by conversation: "
                      f"{folded[(chosen, True)]:.3f} / {folded[(chosen, False)]:.3f})",
            "intercept": round(intercept, 6),
            "coefficients": {name: round(float(c), 6) for name, c in zip(FEATURES, coef, strict=True)},
            "threshold": chosen,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"written {MODEL_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
