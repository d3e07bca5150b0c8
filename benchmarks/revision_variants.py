"""Variants of the revision score, judged by leave-one-sample-out cross-validation (not shipped).

Run from the repository root: ``OPENBLAS_NUM_THREADS=1 python benchmarks/revision_variants.py
[--section NAME]... [--only A,B+C,D@L2]`` (sections: ``candidates``, ``ceiling``, ``errors``,
``variants``, ``nested``, ``bootstrap``, ``curve``, ``lookback``; default all, about 15 minutes on one
core).
Reads the seven development samples (as ``train_revision.py``: dev, dev2, test, dev3, test2,
test3, test4; the first labelling, ``*_labels.csv``, as reference); no held-out sample.

Every figure is a pair-level F1 of the detector (``detect_waste`` with the thread signals of a
model trained on the *other* samples), averaged over the seven held-out samples, with / without
conversation ids, with the worst sample's and each sample's (with ids):

* ``candidates`` (issue 17): the 18 features of 2026-12-04 (``EIGHTEEN``), the shipped 20, and the
  18 plus each of ``CANDIDATES`` (edits of the same deliverable, corrections stated as facts,
  pasted errors, the same template with another slot, a new deliverable…) or the ones named by
  ``--only`` (``a+b``: together; ``@10``: L2 10); with the mean over the thresholds 0.35–0.50
  (``band``: how much a result depends on the one threshold);
* ``ceiling``: the signals set from the labels (a perfect pair classifier), per sample: what the
  detector's chains allow at best;
* ``errors``: turn-level error analysis (counts by kind, no text) of the 23-feature model at 0.50,
  the 18-feature one at 0.40 and the shipped one at 0.45, each with its leave-one-sample-out signals;
* ``variants``: the 23-feature model of 2026-12-03 (``PREVIOUS``), the 18 of 2026-12-04, other L2
  strengths, fewer features (``STABLE``: the six ``LEGACY`` features whose standardised weight moved
  most across the fits dropped), positives weighted, candidate features one at a time (``EXTRA``:
  the best word Jaccard with the last 3 turns, French and English constraint and correction
  lexicons, a short turn after a request, the Jaccard with the thread's first turn…), other chain
  depths and a small gradient-boosted tree ensemble (numpy); best threshold of ``THRESHOLDS``, the
  figure at 0.40, and the pooled held-out log loss and AUC of the pair classifier
  (``previous_revision`` from the labels);
* ``nested``: the threshold chosen by an inner leave-one-sample-out on the six training samples
  (best mean, or best worst sample), then scored on the seventh (the cost of choosing a threshold on
  so few samples);
* ``bootstrap``: the previous model (18 features, threshold 0.40) against the shipped one and other
  procedures, conversations resampled within each sample (1,000 draws, with ids): the difference
  of the mean F1 and of the worst sample's, with their 95 % intervals;
* ``curve``: held-out F1 (threshold 0.40) of the shipped features trained on 1 … 6 of the other
  samples (every subset): does more data help?
* ``lookback``: parents further back than the previous request, the turn scored against the 1–3
  requests before it and linked to the best-scoring one (chains merged after the detector), and
  the same with the labelled parents (the most a lookback could add).
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
    Turns,
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
         "first_jaccard", "skipped")
# candidates of 2026-12-04 (issue 17, seven samples): edits of the same deliverable, corrections stated
# as facts, pasted errors, the same template with another slot, a new deliverable
CANDIDATES = ("edit_ref", "make_it", "now_or_another", "complaint_or_still", "error_trace", "slot_swap", "same_content",
              "prev_question", "edit_x_refers", "complaint_x_prev_request", "back_gain", "now_lead", "another_new",
              "complaint_no_still", "still", "negation_fix", "complaint_fr", "another_lead", "another_more")
# the six features of the model of 2026-12-03 dropped on 2026-12-04 (computed here as that model did)
LEGACY = ("contained", "log_words", "correction", "error", "pasted", "refilled")
NAMES = (*FEATURES, *EXTRA, *LEGACY, *CANDIDATES)
SHIPPED = list(FEATURES)                                  # the 20 shipped (issue 17): the 18 + 2 candidates
EIGHTEEN = list(FEATURES[:18])                            # the 18 of 2026-12-04 (17 stable + ``position``)
STABLE = [f for f in EIGHTEEN if f != "position"]         # the 17 whose weight was stable across the fits
PREVIOUS = [*STABLE, *LEGACY]                             # the 23 of 2026-12-03 (22 + ``coherence``)
BASE = [f for f in PREVIOUS if f != "coherence"]          # the 22 of 2026-12-03
_CORRECTION = re.compile(
    r"\b(wrong|error|mistake|incorrect|doesn'?t|does not|didn'?t|did not|isn'?t|aren'?t|wasn'?t|not working|"
    r"still|forgot|missing|gone|broken|faux|erreur|marche pas|oublie|manque)\b")
_ERROR = re.compile(
    r"(error|exception|traceback|failed|fails|not work|n'?t work|i'?m getting|i get |i got |getting this|still|"
    r"wrong|incorrect|not correct|not right|doesn'?t|didn'?t|isn'?t|that'?s not|you forgot|missing)")
_SYMBOL = re.compile(r"[^\w\s]|_")
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


_EDIT_VERB = (r"(add|change|update|modify|remove|replace|include|use|make|fix|adjust|rewrite|rephrase|reword|shorten|"
              r"expand|put|delete|convert|translate|format|turn|ajoute|change|modifie|enleve|supprime|utilise|mets|"
              r"remplace|corrige|reecris|raccourcis|traduis|transforme)")
_EDIT_REF = re.compile(
    r"^(?:\w+[,.!]? ){0,4}" + _EDIT_VERB + r"\b(?: \w+){0,6} (it|this|that|them|these|those|the (code|text|email|"
    r"mail|story|poem|script|list|answer|function|letter|article|post|essay|table|query|program|paragraph|title)|"
    r"your (answer|response|code|text)|le (code|texte|mail|titre)|la (reponse|liste|lettre)|ca|cela)\b"
    r"|\b(add|ajoute)\b.{1,60}\b(to (it|this|that|them|the)|dedans|au (texte|code|mail))\b")
_MAKE_IT = re.compile(
    r"\b(make|keep|write|do|rends|fais) (it|this|that|them|le|la|les|ca) (more|less|a bit|shorter|longer|simpler|"
    r"plus|moins|\w+er)\b|\binstead\b|\brather than\b|\bwithout\b|\bplutot\b|\bau lieu\b|\bsans\b")
_NEW_DELIVERABLE = re.compile(
    r"^(?:(?:ok(?:ay)?|great|thanks?|thank you|perfect|good|nice|cool|merci|parfait|super|bien)[,.!]* )*"
    r"(now|next|then|maintenant|ensuite)\b|\b(another|new|next|une autre|un autre|nouveau|nouvelle|suivant\w*)\b")
_COMPLAINT = re.compile(
    r"\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|won'?t|can'?t|cannot) (work\w*|compil\w*|run\w*|"
    r"correct|right|what i|show\w*|display\w*|chang\w*|load\w*|fix\w*|solv\w*)\b|\bstill\b|\b(wrong|incorrect|"
    r"mistake|bug|broken)\b|\bne (marche|fonctionne|compile|s'?affiche) (pas|plus)\b|\btoujours pas\b|"
    r"\bc'?est faux\b|\berreur\b|\bmarche pas\b")
_NOW_LEAD = re.compile(
    r"^(?:(?:ok(?:ay)?|great|thanks?|thank you|perfect|good|nice|cool|merci|parfait|super|bien)[,.!]* )*"
    r"(now|next|then|maintenant|ensuite)\b")
_ANOTHER = re.compile(r"\b(another|new|next|une autre|un autre|nouveau|nouvelle|suivant\w*)\b")
_ANOTHER_MORE = re.compile(r"\b(another|new|next|other|else|une autre|un autre|autres?|nouveau|nouvelle|suivant\w*|"
                           r"different topic|moving on|passons)\b")
_NEGATION_FIX = re.compile(
    r"\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|won'?t|can'?t|cannot) (work\w*|compil\w*|run\w*|"
    r"correct|right|what i|show\w*|display\w*|chang\w*|load\w*|fix\w*|solv\w*)\b")
_COMPLAINT_FR = re.compile(
    r"\bne (marche|fonctionne|compile|s'?affiche) (pas|plus)\b|\btoujours pas\b|\bc'?est faux\b|\berreur\b|"
    r"\bmarche pas\b|\bincorrect\w*\b|\bpas (bon|correct|juste)\b")
_TRACE = re.compile(
    r"Traceback \(most recent|\b[A-Z]\w*(Error|Exception)\b|\b(error|erreur|warning)\s*:|\bat \S+:\d+|"
    r"\bline \d+\b|npm ERR|\bfatal:|\bundefined\b|cannot find|is not defined|not found|Uncaught|\bErrno\b")


def candidate_features(turns: list[str], before: int, turn: int) -> tuple[float, ...]:
    """The ``CANDIDATES`` of ``turns[turn]`` following ``turns[before]`` (text-free numbers)."""
    norm, norm_prev = _normalised(_fold(turns[turn])), _normalised(_fold(turns[before]))
    head = norm[:160]
    mine = _content(head if len(norm) > 600 else norm)
    theirs = _content(norm_prev[:600])
    jaccard = _jaccard(mine, theirs)
    memo = Turns()
    now, then = memo.of(turns[turn]), memo.of(turns[before])
    edit_ref = _EDIT_REF.search(head) is not None
    complaint = _COMPLAINT.search(head) is not None
    back = max((_jaccard(mine, _content(_normalised(_fold(turns[i]))[:600]))
                for i in range(max(0, before - 4), before)), default=0.0)
    return (float(edit_ref), float(_MAKE_IT.search(head) is not None),
            float(_NEW_DELIVERABLE.search(head) is not None), float(complaint),
            float(_TRACE.search(turns[turn][:600]) is not None),
            float(jaccard >= 0.4 and 1 <= len(mine - theirs) <= 3 and 1 <= len(theirs - mine) <= 3),
            float(bool(mine) and mine == theirs), float(then.question),
            float(now.edit_request and now.refers), float(complaint and bool(then.flags & REQUEST)),
            max(0.0, back - jaccard), float(_NOW_LEAD.search(head) is not None),
            float(_ANOTHER.search(head) is not None),
            float(_COMPLAINT.search(head.replace("still", "")) is not None), float(" still " in f" {head} "),
            float(_NEGATION_FIX.search(head) is not None), float(_COMPLAINT_FR.search(head) is not None),
            float(_ANOTHER.search(" ".join(head.split()[:8])) is not None),
            float(_ANOTHER_MORE.search(head) is not None))


def extra_features(turns: list[str], before: int, turn: int) -> tuple[float, ...]:
    """The candidate features ``EXTRA`` and the dropped ones ``LEGACY`` of ``turns[turn]`` following
    ``turns[before]``."""
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
    memo = Turns()
    now, then = memo.of(turns[turn]), memo.of(turns[before])
    shared = len(now.mine & memo.content(turns[before]))
    new_salient = any(s not in then.salient for s in now.salient_head)
    text = turns[turn]
    return (short, short * float(bool(prev_flags & REQUEST)), best3, best3 - with_prev,
            float(_CONSTRAINT.search(head) is not None), float(_FIX.search(head) is not None),
            float(_SAME_FOR.search(head) is not None), float(prev_cue == "r"), float(turns[turn][:1].islower()),
            float(words_prev <= 8), float(_IMPERATIVE_IT.search(head) is not None),
            float("?" in head and with_prev < 0.1 and not flags & REQUEST),
            first, float(turn - before > 1),
            # LEGACY
            shared / len(now.mine) if now.mine else 0.0, math.log1p(now.words),
            float(_CORRECTION.search(head) is not None), float(_ERROR.search(head) is not None),
            float(text.count("\n") >= 4 or len(_SYMBOL.findall(text[:300])) > 40),
            float(new_salient and shared >= 2 and shared * 2 >= len(now.mine)))


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
                                            *extra_features(turns, before, turn),
                                            *candidate_features(turns, before, turn)])
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
            depth: int = 3, cap: float = 0.0, fixed: float | None = None) -> None:
    """One line: the threshold of ``THRESHOLDS`` with the best mean F1 (with and without ids
    averaged), its mean with / without ids, the worst held-out sample's F1 (with ids) and every
    sample's; the same at 0.40 and at ``fixed``; the pair classifier's pooled log loss and AUC."""
    cols = columns(names)
    per = {h: held_out(samples, [p for p in PREFIXES if p != h], h, trainer, cols, THRESHOLDS, depth, cap)
           for h in PREFIXES}
    mean = {t: float(np.mean([sum(per[h][t]) / 2 for h in PREFIXES])) for t in THRESHOLDS}
    best = max(THRESHOLDS, key=lambda t: (mean[t], -t))

    def row(t: float) -> str:
        with_ids = [per[h][t][0] for h in PREFIXES]
        return (f"{t:.2f}: {np.mean(with_ids):.3f} / {np.mean([per[h][t][1] for h in PREFIXES]):.3f} worst "
                f"{min(with_ids):.3f} [" + " ".join(f"{f:.3f}" for f in with_ids) + "]")
    loss, auc = classifier_quality(samples, trainer, cols, cap)
    band = float(np.mean([mean[t] for t in THRESHOLDS if 0.35 <= t <= 0.50]))
    print(f"{label:44} best {row(best)}; at {row(0.40)}" + (f"; at {row(fixed)}" if fixed else "")
          + f"; band 0.35-0.50 {band:.3f}"
          + f"; log loss {loss:.4f}, AUC {auc:.4f}", flush=True)


def logistic(l2: float) -> Trainer:
    return lambda x, y, w: fit_logistic(x, y, w, l2)


def boosted(trees: int, depth: int, rate: float) -> Trainer:
    return lambda x, y, w: fit_boosted(x, y, trees, depth, rate)


def positives_weighted(factor: float, l2: float = 1.0) -> Trainer:
    return lambda x, y, w: fit_logistic(x, y, w * np.where(y == 1, factor, 1.0), l2)


def with_products(names: list[str], pairs: list[tuple[str, str]], l2: float = 1.0) -> Trainer:
    """A logistic regression on ``names`` plus the products of the feature ``pairs``."""
    at = [(names.index(a), names.index(b)) for a, b in pairs]

    def extended(v: FloatArray) -> FloatArray:
        return np.hstack([v, np.stack([v[:, i] * v[:, j] for i, j in at], axis=1)])

    def train(x: FloatArray, y: FloatArray, w: FloatArray) -> Model:
        model = fit_logistic(extended(x), y, w, l2)
        return lambda v: model(extended(v))
    return train


def variants(samples: dict[str, list[Conv]]) -> None:
    print(f"leave-one-sample-out F1 with / without ids, mean of the {len(PREFIXES)} held-out samples; worst "
          "sample and each (with ids: " + ", ".join(tr.short(p) for p in PREFIXES) + ")")
    variant(samples, "previous model (23 features: 22 + coherence)", logistic(1.0), PREVIOUS, fixed=0.50)
    variant(samples, "18 of 2026-12-04 (17 stable + position)", logistic(1.0), EIGHTEEN)
    for l2 in (0.3, 3.0, 10.0, 30.0, 100.0):
        variant(samples, f"23 features, L2 {l2}", logistic(l2), PREVIOUS)
    variant(samples, "22 (no coherence)", logistic(1.0), BASE)
    variant(samples, "17 stable (23 minus LEGACY)", logistic(1.0), STABLE)
    for l2 in (3.0, 10.0):
        variant(samples, f"17 stable, L2 {l2}", logistic(l2), STABLE)
    for factor in (1.5, 2.0, 3.0):
        variant(samples, f"23, positives weighted x{factor}", positives_weighted(factor), PREVIOUS)
    for name in EXTRA:
        variant(samples, f"23 + {name}", logistic(1.0), [*PREVIOUS, name])
    variant(samples, "23 + position", logistic(1.0), [*PREVIOUS, "position"])
    variant(samples, "23 + all 14 candidates, L2 10", logistic(10.0), [*PREVIOUS, *EXTRA])
    variant(samples, "23 + short_after_request + position", logistic(1.0), [*PREVIOUS, "short_after_request",
                                                                          "position"])
    variant(samples, "17 stable + short_after_request", logistic(1.0), [*STABLE, "short_after_request"])
    small = ["cue_retry", "cue_continue", "jaccard", "previous_request", "previous_revision", "question",
             "edit_request", "pushback", "coherence", "marker_swap", "request", "pasted_both"]
    variant(samples, "12 features", logistic(1.0), small)
    for name in ("short_after_request", "imperative_on_it", "statement_fix", "constraint"):
        variant(samples, f"18 + {name}", logistic(1.0), [*EIGHTEEN, name])
    for pair in (("previous_revision", "edit_lead"), ("previous_request", "edit_lead"),
                 ("previous_revision", "question"), ("previous_request", "refers_back"),
                 ("previous_revision", "jaccard"), ("coherence", "jaccard"),
                 ("previous_revision", "position"), ("previous_request", "log_length_ratio")):
        variant(samples, f"18 + {pair[0]} x {pair[1]}", with_products(EIGHTEEN, [pair]), EIGHTEEN)
    for depth in (1, 2, 5):
        variant(samples, f"18, chain depth {depth}", logistic(1.0), EIGHTEEN, depth=depth)
    for trees, depth, rate in ((60, 2, 0.1), (100, 2, 0.05)):
        variant(samples, f"boosted trees {trees} x depth {depth}, rate {rate}, 18", boosted(trees, depth, rate),
                EIGHTEEN)


def candidates(samples: dict[str, list[Conv]]) -> None:
    """The shipped features plus each of ``CANDIDATES`` (issue 17), then the ones that helped together."""
    print("leave-one-sample-out F1 with / without ids over the seven samples; worst sample and each (with ids: "
          + ", ".join(tr.short(p) for p in PREFIXES) + ")")
    variant(samples, "18 of 2026-12-04", logistic(1.0), EIGHTEEN)
    variant(samples, "shipped (20: the 18 + new_deliverable + complaint)", logistic(1.0), SHIPPED)
    names = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(CANDIDATES)
    for name in names:
        l2 = float(name.split("@")[1]) if "@" in name else 1.0
        variant(samples, f"18 + {name}", logistic(l2), [*EIGHTEEN, *name.split("@")[0].split("+")])


def nested(samples: dict[str, list[Conv]]) -> None:
    print(f"nested: threshold by leave-one-sample-out on the {len(PREFIXES) - 1} training samples (best mean, or "
          f"best worst sample), scored on the held-out one")
    for label, names in (("previous model (23 features)", PREVIOUS), ("17 stable", STABLE),
                         ("18 (17 stable + position)", EIGHTEEN), ("shipped (20)", SHIPPED),
                         ("23 + short_after_request + position", [*PREVIOUS, "short_after_request", "position"])):
        cols = columns(names)
        for rule in ("mean", "worst"):
            out = []
            for outer in PREFIXES:
                inner = [p for p in PREFIXES if p != outer]
                got = {h: held_out(samples, [p for p in inner if p != h], h, logistic(1.0), cols, THRESHOLDS)
                       for h in inner}
                mean = {t: float(np.mean([sum(got[h][t]) for h in inner])) for t in THRESHOLDS}
                if rule == "mean":
                    threshold = max(THRESHOLDS, key=lambda t: (mean[t], -t))
                else:
                    threshold = max(THRESHOLDS, key=lambda t: (min(got[h][t][0] for h in inner), mean[t]))
                out.append((outer, threshold, held_out(samples, inner, outer, logistic(1.0), cols,
                                                       (threshold,))[threshold]))
            print(f"{label} ({rule}): {np.mean([o[2][0] for o in out]):.3f} / {np.mean([o[2][1] for o in out]):.3f}"
                  f", worst {min(o[2][0] for o in out):.3f} ("
                  + ", ".join(f"{tr.short(p)} at {t:.2f}: {a:.3f} / {b:.3f}" for p, t, (a, b) in out) + ")", flush=True)


def with_signals(events: pl.DataFrame, revision: dict[str, bool]) -> pl.DataFrame:
    """A sample's events with ``thread_turn`` and the thread signals ``revision`` (per event id)."""
    return events.with_columns(
        (pl.col("event_id").str.extract(r"#(\d+)$").cast(pl.Int64) + 1).alias("thread_turn"),
        pl.Series("thread_signal", ["revision" if revision.get(e, False) else "new" for e in events["event_id"]]))


def per_conversation(prefix: str, revision: dict[str, bool]) -> dict[str, FloatArray]:
    """With ids: per conversation, its (true pairs, predicted pairs, true predicted pairs)."""
    DETECTOR.scores(prefix, True, {})
    events, chains = DETECTOR.cache[(prefix, True)]
    assert isinstance(events, pl.DataFrame) and isinstance(chains, pl.DataFrame)
    from sobria.audit.waste import detect_waste
    events = with_signals(events, revision)
    truth, found = co_chain_pairs(chains), co_chain_pairs(predicted_chains(detect_waste(events, DETECTOR.catalog)))
    out: dict[str, FloatArray] = defaultdict(lambda: np.zeros(3))
    for i, pairs in enumerate((truth, found, truth & found)):
        for a, _ in pairs:
            out[a.split("#")[0]][i] += 1
    return out


def bootstrap(samples: dict[str, list[Conv]]) -> None:
    procedures = {"previous model (18: 17 stable + position, 0.40)": (logistic(1.0), EIGHTEEN, 0.40),
                  "23 of 2026-12-03, L2 1, 0.50": (logistic(1.0), PREVIOUS, 0.50),
                  "23, L2 1, 0.40": (logistic(1.0), PREVIOUS, 0.40),
                  "17 stable, 0.40": (logistic(1.0), STABLE, 0.40),
                  "18, 0.45": (logistic(1.0), EIGHTEEN, 0.45),
                  "shipped (20, 0.40)": (logistic(1.0), SHIPPED, 0.40),
                  "shipped (20, 0.45)": (logistic(1.0), SHIPPED, 0.45)}
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

    def f1s(label: str, pick: dict[str, list[str]]) -> FloatArray:
        totals = [sum((counts[label][p][k] for k in pick[p]), np.zeros(3)) for p in PREFIXES]
        return np.array([2 * t[2] / (t[0] + t[1]) if t[0] + t[1] else 1.0 for t in totals])
    rng = np.random.default_rng(0)
    draws = [{p: [keys[p][i] for i in rng.integers(0, len(keys[p]), len(keys[p]))] for p in PREFIXES}
             for _ in range(1000)]
    first = next(iter(procedures))
    for label in procedures:
        line = f"{label:40} mean F1 with ids {f1s(label, keys).mean():.3f}, worst sample {f1s(label, keys).min():.3f}"
        if label != first:
            for what, reduce in (("mean", np.mean), ("worst", np.min)):
                diff = np.array([reduce(f1s(label, d)) - reduce(f1s(first, d)) for d in draws])
                low, high = np.quantile(diff, [0.025, 0.975])
                line += f"; {what} minus the previous model {diff.mean():+.3f} (95 % {low:+.3f} … {high:+.3f}, " \
                        f"above 0 in {(diff > 0).mean():.0%})"
        print(line, flush=True)


def curve(samples: dict[str, list[Conv]]) -> None:
    cols = columns(SHIPPED)
    for k in range(1, len(PREFIXES)):
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


def labelled_kind(conv: Conv, turn: int, parent: int) -> str:
    """What kind of labelled re-ask ``turn`` (its labelled parent ``parent``) is, read from the
    pair's features (text-free: wording flags, shared words, length), first match in this order."""
    row, at = conv.rows[turn], {n: i for i, n in enumerate(NAMES)}
    if conv.previous.get(turn) != parent and not conv.positive.get(turn):
        return "parent further back (the previous turn not in its chain)"
    if row[at["cue_retry"]]:
        return "explicit retry or complaint (the fingerprint's cue)"
    if any(row[at[n]] for n in ("pushback", "correction", "error", "statement_fix")):
        return "correction or complaint stated as a fact"
    if any(row[at[n]] for n in ("edit_request", "edit_lead", "imperative_on_it", "constraint")):
        return "edit of the deliverable, a constraint added"
    if row[at["jaccard"]] >= 0.25 or row[at["contained"]] >= 0.5:
        return "restatement (shares words)"
    if row[at["question"]]:
        return "question"
    if row[at["log_words"]] <= math.log1p(12):
        return "short fragment, no cue (context or constraint)"
    return "longer turn, few shared words (restated with context)"


def false_alarm_kind(conv: Conv, turn: int, signalled: bool) -> str:
    row, at = conv.rows[turn], {n: i for i, n in enumerate(NAMES)}
    if not signalled:
        return "fingerprint rules (cue or content link), no revision signal"
    if row[at["cue_retry"]]:
        return "signal: retry wording, a new request"
    if row[at["marker_swap"]] or row[at["refilled"]]:
        return "signal: same template, another subject"
    if row[at["jaccard"]] >= 0.3:
        return "signal: shared words, a follow-up"
    if row[at["pasted_both"]] or row[at["pasted"]]:
        return "signal: text or code pasted"
    if row[at["edit_request"]] or row[at["edit_lead"]]:
        return "signal: edit wording, a new feature or step"
    if row[at["pushback"]] or row[at["correction"]] or row[at["error"]]:
        return "signal: correction wording, not a re-ask"
    return "signal: other"


def errors(samples: dict[str, list[Conv]]) -> None:
    """Turn level, with ids, the detector with leave-one-sample-out signals: the labelled re-asks
    not put in their parent's chain, those that are, and the turns linked that are not labelled, by
    kind (``labelled_kind``, ``false_alarm_kind``), per held-out sample; for the previous model at
    0.50 and the shipped one at 0.40. Counts only: no text is printed."""
    from sobria.audit.waste import detect_waste
    for label, names, threshold in (("previous model (23 features, 0.50)", PREVIOUS, 0.50),
                                    ("18 features, 0.40", EIGHTEEN, 0.40),
                                    ("shipped (20 features, 0.45)", SHIPPED, 0.45)):
        cols = columns(names)
        tables: dict[str, Counter[tuple[str, str]]] = {"missed": Counter(), "found": Counter(), "false": Counter()}
        for held in PREFIXES:
            model = fit_logistic(*rows_of([c for p in PREFIXES if p != held for c in samples[p]], cols))
            revision: dict[str, bool] = {}
            for conv in samples[held]:
                revision.update(signals(conv, model, cols, threshold, 3))
            DETECTOR.scores(held, True, {})
            events, _ = DETECTOR.cache[(held, True)]
            assert isinstance(events, pl.DataFrame)
            flagged = detect_waste(with_signals(events, revision), DETECTOR.catalog)
            chain = dict(predicted_chains(flagged).select("event_id", "chain_id").iter_rows())
            parent = {(c, t): p for c, t, p in pl.read_csv(REAL_DIR / f"{held}_labels.csv")
                      .select("conversation", "turn", "parent_turn").iter_rows()}
            for conv in samples[held]:
                for turn in conv.rows:
                    event = f"{conv.key}#{turn}"
                    linked = chain.get(event, event) != event
                    if (conv.key, turn) in parent:
                        up = parent[(conv.key, turn)]
                        ok = linked and chain.get(f"{conv.key}#{up}") == chain[event]
                        tables["found" if ok else "missed"][(held, labelled_kind(conv, turn, up))] += 1
                    elif linked:
                        tables["false"][(held, false_alarm_kind(conv, turn, revision.get(event, False)))] += 1
        print(f"-- {label}: " + ", ".join(tr.short(p) for p in PREFIXES) + ", all")
        for name, title in (("missed", "labelled re-asks missed"), ("found", "labelled re-asks found"),
                            ("false", "turns linked, not labelled")):
            table = tables[name]
            print(f"  {title}:")
            kinds = sorted({k for _, k in table}, key=lambda k: -sum(table[(p, k)] for p in PREFIXES))
            for kind in [*kinds, "total"]:
                got = [sum(v for (p, k), v in table.items() if p == h and kind in (k, "total")) for h in PREFIXES]
                print(f"    {kind:60} " + " ".join(f"{g:4d}" for g in got) + f" {sum(got):5d}", flush=True)


def _find(root: dict[str, str], x: str) -> str:
    while root.get(x, x) != x:
        x = root[x]
    return x


def _merged_f1(held: str, ids: bool, revision: dict[str, bool], links: list[tuple[str, str]]) -> float:
    """The held-out sample's pair-level F1 with the detector's chains merged along ``links``."""
    from sobria.audit.waste import detect_waste
    DETECTOR.scores(held, ids, {})
    events, truth = DETECTOR.cache[(held, ids)]
    assert isinstance(events, pl.DataFrame) and isinstance(truth, pl.DataFrame)
    chain = dict(predicted_chains(detect_waste(with_signals(events, revision), DETECTOR.catalog))
                 .select("event_id", "chain_id").iter_rows())
    root: dict[str, str] = {}
    for event in events["event_id"]:
        root[_find(root, event)] = _find(root, chain.get(event, event))
    for child, parent in links:
        root[_find(root, child)] = _find(root, parent)
    groups: dict[str, list[str]] = defaultdict(list)
    for event in events["event_id"]:
        groups[_find(root, event)].append(event)
    found = co_chain_pairs(pl.DataFrame([(e, r) for r, m in groups.items() if len(m) > 1 for e in m],
                                        schema={"event_id": pl.Utf8, "chain_id": pl.Utf8}, orient="row"))
    expected = co_chain_pairs(truth)
    return tr.f1((len(expected), len(found), len(expected & found)))


def _lookback_links(conv: Conv, turns: list[str], model: Model, revision: dict[str, bool], k: int, bar: float,
                    labelled: dict[tuple[str, int], int] | None) -> list[tuple[str, str]]:
    """Per turn not linked to its previous request: a link to the best-scoring of the ``k``
    requests before that one (probability ``bar`` at least), or to its labelled parent (``labelled``)."""
    links = []
    for turn, before in conv.previous.items():
        if revision.get(f"{conv.key}#{turn}"):
            continue
        if labelled is not None:
            up = labelled.get((conv.key, turn))
            if up is not None and up != before:
                links.append((f"{conv.key}#{turn}", f"{conv.key}#{up}"))
            continue
        memo, best, where = Turns(), 0.0, -1
        for e in range(before - 1, max(-1, before - 1 - k), -1):
            row = np.array(pair_features(turns[e], turns[turn], False, turns[max(0, e - EARLIER_TURNS):e],
                                         turns[:turn], memo))
            probability = float(model(row[None, :])[0])
            if probability > best:
                best, where = probability, e
        if where >= 0 and best >= bar:
            links.append((f"{conv.key}#{turn}", f"{conv.key}#{where}"))
    return links


def lookback(samples: dict[str, list[Conv]]) -> None:
    """Parents further back than the previous request (issue 17): a turn the shipped model (held
    out, 0.45) does not link to its previous request is scored, by the same model, against each of
    the ``k`` requests before that one, and linked to the best if its probability reaches ``bar``;
    a link merges the two predicted chains (union, after ``detect_waste``: what a signal naming its
    parent turn would give the chains). ``ceiling``: the labelled parent instead (a perfect lookback)."""
    cols = columns(SHIPPED)
    texts = {(p, raw["conversation"]): raw["turns"] for p in PREFIXES
             for raw in map(json.loads, (REAL_DIR / f"{p}_user_turns.jsonl").read_text(encoding="utf-8").splitlines())}

    def run(k: int, bar: float, ceiling: bool = False) -> None:
        out = {}
        for held in PREFIXES:
            model = fit_logistic(*rows_of([c for p in PREFIXES if p != held for c in samples[p]], cols))
            revision: dict[str, bool] = {}
            for conv in samples[held]:
                revision.update(signals(conv, model, cols, 0.45, 3))
            labelled = ({(c, t): up for c, t, up in pl.read_csv(REAL_DIR / f"{held}_labels.csv")
                         .select("conversation", "turn", "parent_turn").iter_rows()} if ceiling else None)
            links = [link for conv in samples[held]
                     for link in _lookback_links(conv, texts[(held, conv.key)], model, revision, k, bar, labelled)]
            out[held] = [_merged_f1(held, ids, revision, links) for ids in (True, False)]
        print(("ceiling (labelled parents)" if ceiling else f"lookback {k}, bar {bar:.2f}") + ": "
              f"{np.mean([v[0] for v in out.values()]):.3f} / {np.mean([v[1] for v in out.values()]):.3f} ["
              + " ".join(f"{v[0]:.3f}" for v in out.values()) + "]", flush=True)
    run(0, 2.0)
    run(0, 2.0, ceiling=True)
    for k in (1, 2, 3):
        for bar in (0.5, 0.6, 0.7, 0.8):
            run(k, bar)

SECTIONS = {"candidates": candidates, "ceiling": ceiling, "errors": errors, "variants": variants, "nested": nested,
            "bootstrap": bootstrap, "curve": curve, "lookback": lookback}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--section", action="append", choices=sorted(SECTIONS))
    parser.add_argument("--only", help="candidates: the variants to run, comma-separated (a+b: two together)")
    args = parser.parse_args()
    samples = load()
    for name in args.section or SECTIONS:
        print(f"== {name}")
        SECTIONS[name](samples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
