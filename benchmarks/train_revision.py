"""Train the revision score (``sobria.events.revision``) on the development samples only.

Run from the repository root: ``python benchmarks/train_revision.py [--write]``.

Examples: every pair of consecutive user turns of the two development samples
(``tests/data/waste/sharegpt_*`` and ``sharegpt_dev2_*``; never the held-out test sample); a pair is
positive when the labels put both turns in one chain (the later turn asks again for what the
earlier chain asked). Model: L2-regularised logistic regression (Newton steps, numpy), features
standardised for the fit and the coefficients given back on the raw features. The threshold is the
lowest of 0.20 … 0.70 at which the detector's pair-level F1 on the two development samples with
conversation ids (``eval_waste``'s measure) stays within ``TOLERANCE`` of the rules alone: the
retry lexicon was written on these samples, so in-sample they favour it; on a sample the lexicon
had not seen, lower thresholds did better (docs/waste.md, "Revision score"). ``--write`` stores the model in
``src/sobria/events/data/revision_model.json``. Also prints, per feature, its mean over positive
and negative pairs (what separates a revision from a new request).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = ROOT / "tests" / "data" / "waste"
DEV_PREFIXES = ("sharegpt", "sharegpt_dev2")
MODEL_FILE = ROOT / "src" / "sobria" / "events" / "data" / "revision_model.json"
L2 = 1.0
TOLERANCE = 0.005
THRESHOLDS = tuple(round(0.20 + 0.05 * i, 2) for i in range(11))


def examples(prefix: str) -> tuple[list[tuple[str, str, bool]], list[int]]:
    """Consecutive user-turn pairs of a sample (the turn a turn follows, skipping "continue" turns,
    and the turn), whether that earlier turn was itself in one chain with the one it followed (the
    labels' answer: at prediction time, the model's own), and whether both are in one chain."""
    import polars as pl

    from eval_waste import labelled_chains
    from sobria.events.revision import previous_request

    chains = labelled_chains(pl.read_csv(REAL_DIR / f"{prefix}_labels.csv"))
    chain_of = dict(chains.select("event_id", "chain_id").iter_rows())
    pairs, labels = [], []
    for line in (REAL_DIR / f"{prefix}_user_turns.jsonl").read_text(encoding="utf-8").splitlines():
        conv = json.loads(line)
        turns = conv["turns"]
        positive: dict[int, bool] = {}
        for turn in range(1, len(turns)):
            b = chain_of.get(f"{conv['conversation']}#{turn}")
            previous = previous_request(turns[:turn + 1])
            if previous is None:
                continue
            a = chain_of.get(f"{conv['conversation']}#{previous}")
            positive[turn] = a is not None and a == b
            pairs.append((turns[previous], turns[turn], positive.get(previous, False)))
            labels.append(int(positive[turn]))
    return pairs, labels


def fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
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


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from sobria.events.revision import FEATURES, RevisionModel, pair_features

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="store the model in " + str(MODEL_FILE))
    args = parser.parse_args()
    pairs, labels = [], []
    for prefix in DEV_PREFIXES:
        p, lab = examples(prefix)
        pairs += p
        labels += lab
    x = np.array([pair_features(a, b, chained) for a, b, chained in pairs])
    y = np.array(labels, dtype=float)
    print(f"{len(y)} consecutive pairs, {int(y.sum())} in one chain")
    intercept, coef = fit(x, y)
    print(f"{'feature':18} {'mean same chain':>16} {'mean other':>11} {'coefficient':>12}")
    for i, name in enumerate(FEATURES):
        print(f"{name:18} {x[y == 1, i].mean():16.3f} {x[y == 0, i].mean():11.3f} {coef[i]:12.3f}")
    baseline = dev_f1(None)
    print(f"rules alone (no revision score): development pair-level F1 {baseline:.3f}")
    chosen = THRESHOLDS[-1]
    for threshold in reversed(THRESHOLDS):
        model = RevisionModel(intercept, tuple(float(c) for c in coef), threshold)
        f1 = dev_f1(model)
        print(f"threshold {threshold:.2f}: development pair-level F1 {f1:.3f} (with ids, both samples)")
        if f1 >= baseline - TOLERANCE:
            chosen = threshold
    print(f"chosen threshold {chosen:.2f}: the lowest within {TOLERANCE} of the rules alone")
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "source": "benchmarks/train_revision.py on the development samples sharegpt + sharegpt_dev2 "
                      f"({len(y)} consecutive user-turn pairs, {int(y.sum())} positive); L2 {L2}",
            "intercept": round(intercept, 6),
            "coefficients": {name: round(float(c), 6) for name, c in zip(FEATURES, coef, strict=True)},
            "threshold": chosen,
        }, indent=2) + "\n", encoding="utf-8")
        print(f"written {MODEL_FILE.relative_to(ROOT)}")
    return 0


def dev_f1(model: object) -> float:
    """Pair-level F1 of the detector on both development samples together (with ids)."""
    from eval_waste import Scores, real_sample, score
    from sobria.audit.waste import detect_waste
    from sobria.catalog import load_catalog

    catalog = load_catalog()
    total = Scores(0, 0, 0)
    for prefix in DEV_PREFIXES:
        events, chains = real_sample(prefix=prefix, revision=model)
        s = score(chains, detect_waste(events, catalog))
        total = Scores(total.truth_pairs + s.truth_pairs, total.predicted_pairs + s.predicted_pairs,
                       total.true_pairs + s.true_pairs)
    return total.f1


if __name__ == "__main__":
    raise SystemExit(main())
