"""The thread signal's cost per chat request (the revision score, ``events.revision``), on real threads.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_thread_signal.py [--rounds 7]

The gateway classifies every chat request of a conversation after its answer (``ThreadMemory``:
``thread_revision`` over the request's user turns, up to ``MOMENTUM_DEPTH`` + 1 pairs, each with
``coherence`` over the 12 turns before it). Requests: every prefix of the labelled real
conversations (tests/data/waste, ShareGPT user turns: one request per turn, as a client re-sends
its thread, in order). Prints the median per request over ``rounds`` passes of three paths, checks
that they give the same decisions, and their ratios to the reference: the reference (each pair
reads its turns anew, as before ``Turns``), one request alone (each turn read once per request: an
import's row) and the gateway's (a ``Turns`` cache kept across requests, as ``ThreadMemory`` keeps
one: a conversation's earlier turns, re-sent with each request, read once). Read ratios and
medians: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sobria.events.revision import (
    EARLIER_TURNS,
    MOMENTUM_DEPTH,
    RevisionModel,
    Turns,
    default_model,
    pair_features,
    previous_request,
    thread_revision,
)

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "waste"


def reference(user_turns: Sequence[str], model: RevisionModel, depth: int = MOMENTUM_DEPTH) -> bool:
    """``thread_revision`` with every pair reading its turns anew (the path before ``Turns``)."""
    previous = previous_request(user_turns)
    if previous is None:
        return False
    chained = depth > 0 and reference(user_turns[:previous + 1], model, depth - 1)
    earlier = user_turns[max(0, previous - EARLIER_TURNS):previous]
    return model.probability(pair_features(user_turns[previous], user_turns[-1], chained, earlier,
                                           user_turns[:-1])) >= model.threshold


def requests() -> list[list[str]]:
    """Every prefix (of two turns or more) of every labelled real conversation."""
    out = []
    for path in sorted(SAMPLES.glob("*_user_turns.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            turns = json.loads(line)["turns"]
            out.extend(turns[:k] for k in range(2, len(turns) + 1))
    return out


def kept() -> Callable[[Sequence[str], RevisionModel], bool]:
    """The gateway's path: one ``Turns`` cache for every request (a fresh one per pass)."""
    turns = Turns(keep=True)

    def decide(user_turns: Sequence[str], model: RevisionModel) -> bool:
        try:
            return thread_revision(user_turns, model, turns=turns)
        finally:
            turns.done()
    return decide


def per_request(make: Callable[[], Callable[[Sequence[str], RevisionModel], bool]], threads: list[list[str]],
                model: RevisionModel, rounds: int) -> float:
    """Median CPU seconds per request over ``rounds`` passes (``make``: the path, made anew per pass)."""
    passes = []
    for _ in range(rounds):
        fn = make()
        start = time.process_time()
        for thread in threads:
            fn(thread, model)
        passes.append((time.process_time() - start) / len(threads))
    return statistics.median(passes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    model, threads = default_model(), requests()
    gateway = kept()
    decisions = [reference(t, model) for t in threads]
    assert [thread_revision(t, model) for t in threads] == decisions, "decisions differ"
    assert [gateway(t, model) for t in threads] == decisions, "decisions differ"
    long = [t for t in threads if len(t) >= 12]
    print(f"{len(threads)} requests (thread prefixes of the real samples), {len(long)} of 12 turns or more; "
          f"load average {os.getloadavg()[0]:.2f}")
    for label, chosen in (("all requests", threads), ("12 turns or more", long)):
        before = per_request(lambda: reference, chosen, model, args.rounds)
        alone = per_request(lambda: thread_revision, chosen, model, args.rounds)
        cached = per_request(kept, chosen, model, args.rounds)
        print(f"{label}: reference {before * 1e6:.0f} us CPU per request; one request alone {alone * 1e6:.0f} us "
              f"(ratio {alone / before:.2f}); gateway, turns kept across requests {cached * 1e6:.0f} us "
              f"(ratio {cached / before:.2f})")


if __name__ == "__main__":
    main()
