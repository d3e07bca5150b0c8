"""Variants of the revision score, judged by leave-one-sample-out cross-validation (not shipped).

Run from the repository root: ``OPENBLAS_NUM_THREADS=1 python benchmarks/revision_variants.py
[--section NAME]...`` (sections: ``ceiling``, ``variants``, ``nested``, ``bootstrap``, ``curve``;
default all, about 5 minutes on one core). Reads the five development samples only (as
``train_revision.py``; not ``sharegpt_test3``, the shipped model's held-out sample).

Every figure is a pair-level F1 of the detector (``detect_waste`` with the thread signals of a
model trained on the *other* samples), averaged over the five held-out samples, with / without
conversation ids:

* ``ceiling``: the signals set from the labels (a perfect pair classifier), per sample: what the
  detector's chains allow at best;
* ``variants``: logistic regressions with other L2 strengths, fewer features (those whose
  standardised weight moves across folds dropped), candidate features (``EXTRA``: the best word
  Jaccard with the last 3 turns, French and English constraint and correction lexicons, a short
  turn after a request, the Jaccard with the thread's first turn, the turn's position…),
  ``coherence`` (shipped since), other chain depths, pairs weighted by the size of their chain, and a
  small gradient-boosted tree ensemble (numpy); best threshold of ``THRESHOLDS``, the figure at
  0.40, and the pooled held-out log loss and AUC of the pair classifier (``previous_revision``
  from the labels);
* ``nested``: the threshold chosen by an inner leave-one-sample-out on the four training samples,
  then scored on the fifth (the cost of choosing a threshold on so few samples);
* ``bootstrap``: the previous procedure (22 features, L2 1, threshold 0.40) against the best
  variants and the shipped one (22 + ``coherence``, threshold 0.50), conversations resampled
  within each sample (1,000 draws, with ids): the difference of the mean F1 and its 95 % interval;
* ``curve``: held-out F1 (threshold 0.40) of the model trained on 1, 2, 3 or 4 of the other
  samples (every subset): does more data help?
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import polars as pl  # noqa: E402

import train_revision as tr  # noqa: E402
from eval_waste import REAL_DIR, co_chain_pairs, labelled_chains, predicted_chains  # noqa: E402
from sobria.events.fingerprint import _fold, _normalised  # noqa: E402
from sobria.events.intent import REQUEST, cue_and_flags  # noqa: E402
from sobria.events.revision import (  # noqa: E402
    EARLIER_TURNS,
    FEATURES,
    _content,
    _jaccard,
    pair_features,
    previous_request,
)

FloatArray = npt.NDArray[np.float64]
Model = Callable[[FloatArray], FloatArray]
PREFIXES = tr.DEV_PREFIXES
THRESHOLDS = tr.THRESHOLDS
CHAINED = FEATURES.index("previous_revision")
EXTRA = ("short", "short_after_request", "best3", "best3_gain", "constraint", "statement_fix", "same_for",
         "prev_retry", "starts_lower", "prev_short", "imperative_on_it", "new_topic_q",
         "first_jaccard", "log_turn", "skipped")
NAMES = (*FEATURES, *EXTRA)
SHIPPED = list(FEATURES)                           # the 22 of 2026-12-03 + ``coherence``
BASE = [f for f in FEATURES if f != "coherence"]   # the 22 of 2026-12-03
UNSTABLE = ("contained", "correction", "error", "refilled", "log_words", "pasted")
SELECTED = [*BASE, "statement_fix", "best3", "short_after_request", "constraint", "imperative_on_it"]
_CONSTRAINT = re.compile(
    r"\b(should|must|has to|have to|needs? to|i want|i need|i'?d like|i don'?t want|not interested|without|"
    r"instead|rather|only|more|less|fewer|shorter|longer|in the style|as if|in a way|too|also include|include|"
    r"exclude|avoid|limit|keep|make (it|them|this|sure)|written|format|tone|doit|devrait|je veux|je ne veux pas|"
    r"plutot|seulement|uniquement|plus|moins|trop|ton|style|en (\d+|anglais|francais))\b")
_FIX = re.compile(
    r"\b(not true|you skipped|you missed|you forgot|you didn'?t|you did not|is not|are not|isn'?t|aren'?t|"
    r"meaningless|almost|better but|the problem is|problem|not what|not the|no,|that'?s wrong|not correct|"
    r"c'?est faux|pas ca|pas bon|tu as oublie|il manque|ne marche|ne fonctionne|toujours|encore)\b")
_SAME_FOR = re.compile(r"\b(do the same|same (thing )?for|now (do|write|make) (one |it )?for|and for|what about|"
                       r"how about|meme chose pour|pareil pour|et pour)\b")
_IMPERATIVE_IT = re.compile(r"^(?:\w+[,.!]? ){0,3}(make|turn|give|put|write|rewrite|change|convert|translate|"
                            r"format|shorten|expand|summari[sz]e|fix|update|sort|fais|rends|mets|traduis|corrige)"
                            r" (it|this|that|them|these|the|ca|le|la|les|ce)\b")


def extra_features(turns: list[str], before: int, turn: int) -> tuple[float, ...]:
    """The candidate features ``EXTRA`` of ``turns[turn]`` following ``turns[before]``."""
    norm, norm_prev = _normalised(_fold(turns[turn])), _normalised(_fold(turns[before]))
    head = norm[:160]
    words, words_prev = norm.count(" ") + 1, norm_prev.count(" ") + 1
    flags = cue_and_flags(norm, salient=False)[1]
    prev_cue, prev_flags = cue_and_flags(norm_prev, salient=False)
    mine = _content(head if len(norm) > 600 else norm)
    with_prev = _jaccard(mine, _content(norm_prev[:600]))
    best3 = max(_jaccard(mine, _content(_normalised(_fold(turns[i]))[:600])) for i in range(max(0, turn - 3), turn))
    first = _jaccard(mine, _content(_normalised(_fold(turns[0]))[:600])) if before > 0 else 0.0
    short = float(words <= 8)
    return (short, short * float(bool(prev_flags & REQUEST)), best3, best3 - with_prev,
            float(_CONSTRAINT.search(head) is not None), float(_FIX.search(head) is not None),
            float(_SAME_FOR.search(head) is not None), float(prev_cue == "r"), float(turns[turn][:1].islower()),
            float(words_prev <= 8), float(_IMPERATIVE_IT.search(head) is not None),
            float("?" in head and with_prev < 0.1 and not flags & REQUEST),
            first, math.log1p(turn), float(turn - before > 1))


@dataclass
class Conv:
    sample: str
    key: str
    previous: dict[int, int] = field(default_factory=dict)
    positive: dict[int, bool] = field(default_factory=dict)
    rows: dict[int, FloatArray] = field(default_factory=dict)   # ``NAMES``, previous_revision 0


def load() -> dict[str, list[Conv]]:
    out = {}
    for prefix in PREFIXES:
        chain_of = dict(labelled_chains(pl.read_csv(REAL_DIR / f"{prefix}_labels.csv"))
                        .select("event_id", "chain_id").iter_rows())
        convs = []
        for line in (REAL_DIR / f"{prefix}_user_turns.jsonl").read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            turns, conv = raw["turns"], Conv(prefix, raw["conversation"])
            for turn in range(1, len(turns)):
                before = previous_request(turns[:turn + 1])
                if before is None:
                    continue
                conv.previous[turn] = before
                conv.rows[turn] = np.array([*pair_features(turns[before], turns[turn], False,
                                                           turns[max(0, before - EARLIER_TURNS):before],
                                                           turns[:turn]),
                                            *extra_features(turns, before, turn)])
                a, b = chain_of.get(f"{conv.key}#{before}"), chain_of.get(f"{conv.key}#{turn}")
                conv.positive[turn] = a is not None and a == b
            convs.append(conv)
        out[prefix] = convs
    return out


def columns(names: list[str]) -> list[int]:
    return [NAMES.index(n) for n in names]


def _root(parent: dict[int, int], turn: int) -> int:
    while parent.get(turn, turn) != turn:
        turn = parent[turn]
    return turn


def rows_of(convs: list[Conv], cols: list[int], cap: float = 0.0) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Training rows (``previous_revision`` from the labels), labels, weights (``cap`` > 0: a positive
    pair weighs the size of its labelled chain, ``cap`` at most)."""
    x, y, w = [], [], []
    for conv in convs:
        parent: dict[int, int] = {}
        for turn, before in conv.previous.items():
            if conv.positive[turn]:
                parent[_root(parent, turn)] = _root(parent, before)
        size = Counter(_root(parent, t) for t in [0, *conv.previous])
        for turn, features in conv.rows.items():
            row = features.copy()
            row[CHAINED] = float(conv.positive.get(conv.previous[turn], False))
            x.append(row[cols])
            y.append(float(conv.positive[turn]))
            w.append(min(cap, size[_root(parent, turn)]) if cap and conv.positive[turn] else 1.0)
    return np.array(x), np.array(y), np.array(w)


def fit_logistic(x: FloatArray, y: FloatArray, w: FloatArray, l2: float = 1.0) -> Model:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0
    for _ in range(60):
        p = 1 / (1 + np.exp(-z @ beta))
        step = np.linalg.solve((z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty),
                               z.T @ (w * (p - y)) + penalty * beta)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    coef = beta[1:] / scale
    intercept = float(beta[0] - (coef * mean).sum())
    return lambda v: 1 / (1 + np.exp(-np.clip(intercept + v @ coef, -30, 30)))


def fit_boosted(x: FloatArray, y: FloatArray, trees: int, depth: int, rate: float,
                min_leaf: int = 20, l2: float = 1.0, bins: int = 16) -> Model:
    """Logistic gradient boosting of small regression trees (Newton leaves, quantile cuts)."""
    cuts = [np.unique(np.quantile(x[:, j], np.linspace(0, 1, bins + 1)[1:-1])) for j in range(x.shape[1])]
    base = float(np.log(y.mean() / (1 - y.mean())))
    score = np.full(len(y), base)
    forest: list[Any] = []

    def grow(idx: npt.NDArray[np.int64], g: FloatArray, h: FloatArray, level: int) -> Any:
        total_g, total_h = g[idx].sum(), h[idx].sum()
        best: tuple[float, int, float, Any] | None = None
        if level < depth and len(idx) >= 2 * min_leaf:
            for j, cut_list in enumerate(cuts):
                for cut in cut_list:
                    left = x[idx, j] <= cut
                    if min(left.sum(), len(idx) - left.sum()) < min_leaf:
                        continue
                    gl, hl = g[idx][left].sum(), h[idx][left].sum()
                    gr, hr = total_g - gl, total_h - hl
                    gain = gl ** 2 / (hl + l2) + gr ** 2 / (hr + l2) - total_g ** 2 / (total_h + l2)
                    if best is None or gain > best[0]:
                        best = (gain, j, float(cut), left)
        if best is None or best[0] <= 1e-9:
            return -rate * total_g / (total_h + l2)
        _, j, cut, left = best
        return (j, cut, grow(idx[left], g, h, level + 1), grow(idx[~left], g, h, level + 1))

    def predict(node: Any, v: FloatArray) -> FloatArray:
        if not isinstance(node, tuple):
            return np.full(len(v), node)
        j, cut, low, high = node
        out, left = np.empty(len(v)), v[:, j] <= cut
        out[left], out[~left] = predict(low, v[left]), predict(high, v[~left])
        return out
    for _ in range(trees):
        p = 1 / (1 + np.exp(-score))
        forest.append(grow(np.arange(len(y)), p - y, p * (1 - p), 0))
        score += predict(forest[-1], x)
    return lambda v: 1 / (1 + np.exp(-np.clip(base + sum(predict(t, v) for t in forest), -30, 30)))


Trainer = Callable[[FloatArray, FloatArray, FloatArray], Model]


def signals(conv: Conv, model: Model, cols: list[int], threshold: float, depth: int) -> dict[str, bool]:
    """Per turn, the signal ``revision`` as ``thread_revision`` decides it (the model's own
    ``previous_revision``, ``depth`` turns back)."""
    if not conv.rows:
        return {}
    turns = list(conv.rows)
    rows = np.array([conv.rows[t] for t in turns])
    scored = []
    for chained in (0.0, 1.0):
        rows[:, CHAINED] = chained
        scored.append(dict(zip(turns, model(rows[:, cols]), strict=True)))
    memo: dict[tuple[int, int], bool] = {}

    def decide(turn: int, left: int) -> bool:
        if turn not in conv.previous:
            return False
        if (turn, left) not in memo:
            chained = left > 0 and decide(conv.previous[turn], left - 1)
            memo[(turn, left)] = bool(scored[int(chained)][turn] >= threshold)
        return memo[(turn, left)]
    return {f"{conv.key}#{t}": decide(t, depth) for t in conv.previous}


DETECTOR = tr.Detector()


def held_out(samples: dict[str, list[Conv]], train: list[str], held: str, trainer: Trainer, cols: list[int],
             thresholds: tuple[float, ...], depth: int = 3, cap: float = 0.0) -> dict[float, tuple[float, float]]:
    """Per threshold: the held-out sample's F1 with and without ids, the model trained on ``train``."""
    model = trainer(*rows_of([c for p in train for c in samples[p]], cols, cap))
    out = {}
    for threshold in thresholds:
        revision: dict[str, bool] = {}
        for conv in samples[held]:
            revision.update(signals(conv, model, cols, threshold, depth))
        out[threshold] = (tr.f1(DETECTOR.scores(held, True, revision)), tr.f1(DETECTOR.scores(held, False, revision)))
    return out


def classifier_quality(samples: dict[str, list[Conv]], trainer: Trainer, cols: list[int],
                       cap: float = 0.0) -> tuple[float, float]:
    """Pooled held-out log loss and AUC of the pair classifier (leave one sample out)."""
    losses, scores, labels = [], [], []
    for held in PREFIXES:
        model = trainer(*rows_of([c for p in PREFIXES if p != held for c in samples[p]], cols, cap))
        x, y, _ = rows_of(samples[held], cols)
        p = np.clip(model(x), 1e-6, 1 - 1e-6)
        losses.append(float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))))
        scores += list(p)
        labels += list(y)
    s, lab = np.array(scores), np.array(labels)
    ranks = np.empty(len(s))
    ranks[np.argsort(s)] = np.arange(len(s))
    auc = (ranks[lab == 1].mean() - (lab.sum() - 1) / 2) / (lab == 0).sum()
    return float(np.mean(losses)), float(auc)


def variant(samples: dict[str, list[Conv]], label: str, trainer: Trainer, names: list[str],
            depth: int = 3, cap: float = 0.0) -> None:
    cols = columns(names)
    per = [held_out(samples, [p for p in PREFIXES if p != h], h, trainer, cols, THRESHOLDS, depth, cap)
           for h in PREFIXES]
    mean = {t: (float(np.mean([r[t][0] for r in per])), float(np.mean([r[t][1] for r in per]))) for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: (sum(mean[t]), -t))
    loss, auc = classifier_quality(samples, trainer, cols, cap)
    print(f"{label:44} best {best:.2f}: {mean[best][0]:.3f} / {mean[best][1]:.3f}; at 0.40: {mean[0.40][0]:.3f} / "
          f"{mean[0.40][1]:.3f}; log loss {loss:.4f}, AUC {auc:.4f}", flush=True)


def logistic(l2: float) -> Trainer:
    return lambda x, y, w: fit_logistic(x, y, w, l2)


def boosted(trees: int, depth: int, rate: float) -> Trainer:
    return lambda x, y, w: fit_boosted(x, y, trees, depth, rate)


def variants(samples: dict[str, list[Conv]]) -> None:
    print("leave-one-sample-out mean F1 with / without ids (5 held-out samples)")
    for l2 in (0.3, 1.0, 3.0, 10.0, 30.0, 100.0):
        variant(samples, f"22 features, L2 {l2}", logistic(l2), BASE)
    variant(samples, "22 + coherence (shipped), L2 1", logistic(1.0), SHIPPED)
    variant(samples, "22 + coherence + first_jaccard + log_turn", logistic(1.0),
            [*SHIPPED, "first_jaccard", "log_turn"])
    variant(samples, "SELECTED + coherence, L2 1", logistic(1.0), [*SELECTED, "coherence"])
    stable = [f for f in BASE if f not in UNSTABLE]
    variant(samples, f"{len(stable)} stable features, L2 1", logistic(1.0), stable)
    variant(samples, f"{len(stable)} stable features, L2 10", logistic(10.0), stable)
    for name in EXTRA:
        variant(samples, f"22 + {name}", logistic(1.0), [*BASE, name])
    variant(samples, "22 + all 15 candidates, L2 1", logistic(1.0), [*BASE, *EXTRA])
    variant(samples, "22 + all 15 candidates, L2 10", logistic(10.0), [*BASE, *EXTRA])
    for l2 in (1.0, 3.0, 10.0):
        variant(samples, f"22 + 5 candidates (SELECTED), L2 {l2}", logistic(l2), SELECTED)
    variant(samples, "21 (no previous_revision), L2 1", logistic(1.0), [f for f in BASE if f != "previous_revision"])
    for depth in (0, 1, 2, 5):
        variant(samples, f"22 features, chain depth {depth}", logistic(1.0), BASE, depth=depth)
    for cap in (3.0, 100.0):
        variant(samples, f"SELECTED, positives weighted by chain size <= {cap:g}", logistic(1.0), SELECTED, cap=cap)
    for trees, depth, rate in ((60, 2, 0.1), (100, 2, 0.05), (60, 3, 0.1), (150, 1, 0.1)):
        for names, what in ((BASE, "22"), ([*SHIPPED, *EXTRA], "38")):
            variant(samples, f"boosted trees {trees} x depth {depth}, rate {rate}, {what}", boosted(trees, depth, rate),
                    names)


def nested(samples: dict[str, list[Conv]]) -> None:
    print("nested: threshold by leave-one-sample-out on the 4 training samples, scored on the 5th")
    for label, trainer, names, fixed in (("22 features, L2 1, threshold fixed 0.40", logistic(1.0), BASE, 0.40),
                                         ("22 features, L2 1, inner threshold", logistic(1.0), BASE, None),
                                         ("22 + coherence (shipped procedure)", logistic(1.0), SHIPPED, None),
                                         ("SELECTED, L2 3, inner threshold", logistic(3.0), SELECTED, None),
                                         ("22 + 15 candidates, L2 10, inner threshold", logistic(10.0),
                                          [*BASE, *EXTRA], None)):
        cols, out = columns(names), []
        for outer in PREFIXES:
            inner = [p for p in PREFIXES if p != outer]
            threshold = fixed
            if threshold is None:
                got = [held_out(samples, [p for p in inner if p != h], h, trainer, cols, THRESHOLDS) for h in inner]
                threshold = max(THRESHOLDS, key=lambda t: (float(np.mean([sum(g[t]) for g in got])), -t))
            out.append((outer, threshold, held_out(samples, inner, outer, trainer, cols, (threshold,))[threshold]))
        print(f"{label:44} {np.mean([o[2][0] for o in out]):.3f} / {np.mean([o[2][1] for o in out]):.3f}  ("
              + ", ".join(f"{tr.short(p)} at {t:.2f}: {a:.3f} / {b:.3f}" for p, t, (a, b) in out) + ")", flush=True)


def per_conversation(prefix: str, revision: dict[str, bool]) -> dict[str, FloatArray]:
    """With ids: per conversation, its (true pairs, predicted pairs, true predicted pairs)."""
    DETECTOR.scores(prefix, True, {})
    events, chains = DETECTOR.cache[(prefix, True)]
    assert isinstance(events, pl.DataFrame) and isinstance(chains, pl.DataFrame)
    from sobria.audit.waste import detect_waste
    events = events.with_columns(
        (pl.col("event_id").str.extract(r"#(\d+)$").cast(pl.Int64) + 1).alias("thread_turn"),
        pl.Series("thread_signal", ["revision" if revision.get(e, False) else "new" for e in events["event_id"]]))
    truth, found = co_chain_pairs(chains), co_chain_pairs(predicted_chains(detect_waste(events, DETECTOR.catalog)))
    out: dict[str, FloatArray] = defaultdict(lambda: np.zeros(3))
    for i, pairs in enumerate((truth, found, truth & found)):
        for a, _ in pairs:
            out[a.split("#")[0]][i] += 1
    return out


def bootstrap(samples: dict[str, list[Conv]]) -> None:
    procedures = {"previous procedure (22, L2 1, 0.40)": (logistic(1.0), BASE, 0.40),
                  "22, L2 1, 0.50 (its best threshold)": (logistic(1.0), BASE, 0.50),
                  "22 + coherence, 0.40": (logistic(1.0), SHIPPED, 0.40),
                  "22 + coherence, 0.50 (shipped)": (logistic(1.0), SHIPPED, 0.50),
                  "SELECTED, L2 3, 0.55": (logistic(3.0), SELECTED, 0.55)}
    counts = {}
    for label, (trainer, names, threshold) in procedures.items():
        cols, counts[label] = columns(names), {}
        for held in PREFIXES:
            model = trainer(*rows_of([c for p in PREFIXES if p != held for c in samples[p]], cols))
            revision: dict[str, bool] = {}
            for conv in samples[held]:
                revision.update(signals(conv, model, cols, threshold, 3))
            counts[label][held] = per_conversation(held, revision)
    keys = {p: [c.key for c in samples[p]] for p in PREFIXES}

    def mean_f1(label: str, pick: dict[str, list[str]]) -> float:
        totals = [sum((counts[label][p][k] for k in pick[p]), np.zeros(3)) for p in PREFIXES]
        return float(np.mean([2 * t[2] / (t[0] + t[1]) if t[0] + t[1] else 1.0 for t in totals]))
    rng = np.random.default_rng(0)
    draws = [{p: [keys[p][i] for i in rng.integers(0, len(keys[p]), len(keys[p]))] for p in PREFIXES}
             for _ in range(1000)]
    first = next(iter(procedures))
    for label in procedures:
        line = f"{label:44} mean F1 with ids {mean_f1(label, keys):.3f}"
        if label != first:
            diff = np.array([mean_f1(label, d) - mean_f1(first, d) for d in draws])
            low, high = np.quantile(diff, [0.025, 0.975])
            line += f"; minus the previous procedure: {diff.mean():+.3f} (95 % {low:+.3f} … {high:+.3f}, above 0 in " \
                    f"{(diff > 0).mean():.0%} of draws)"
        print(line, flush=True)


def curve(samples: dict[str, list[Conv]]) -> None:
    cols = columns(BASE)
    for k in (1, 2, 3, 4):
        per = []
        for held in PREFIXES:
            others = [p for p in PREFIXES if p != held]
            per.append(float(np.mean([held_out(samples, list(sub), held, logistic(1.0), cols, (0.40,))[0.40][0]
                                      for sub in itertools.combinations(others, k)])))
        print(f"trained on {k} sample(s): mean held-out F1 with ids at 0.40 {np.mean(per):.3f} ("
              + ", ".join(f"{tr.short(p)} {f:.3f}" for p, f in zip(PREFIXES, per, strict=True)) + ")", flush=True)


def ceiling(samples: dict[str, list[Conv]]) -> None:
    for prefix in PREFIXES:
        revision = {f"{c.key}#{t}": c.positive[t] for c in samples[prefix] for t in c.previous}
        print(f"{tr.short(prefix)}: signals from the labels: F1 {tr.f1(DETECTOR.scores(prefix, True, revision)):.3f} "
              f"with ids, {tr.f1(DETECTOR.scores(prefix, False, revision)):.3f} without; no signals "
              f"{tr.f1(DETECTOR.scores(prefix, True, {})):.3f}", flush=True)


SECTIONS = {"ceiling": ceiling, "variants": variants, "nested": nested, "bootstrap": bootstrap, "curve": curve}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--section", action="append", choices=sorted(SECTIONS))
    args = parser.parse_args()
    samples = load()
    for name in args.section or SECTIONS:
        print(f"== {name}")
        SECTIONS[name](samples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
