"""The prompt fingerprint's cost per prompt, against the import's budget and a plain hash.

    python benchmarks/bench_fingerprint.py [--prompts 2000] [--rounds 7]

An import fingerprints every prompt it keeps text for, and the gateway every chat request: the
budget is 0.2 ms per prompt of the demo's length (a sixth of the import's per-event budget at
1 M events a minute). Prints the median per prompt over ``rounds`` batches of ``prompts``
near-identical e-mail requests, its ratio to that budget, and its ratio to BLAKE2b of the same
text (the cheapest exact fingerprint: what the lexical one costs on top of an exact match).
This replaces a timed unit test: the shared machine is noisy, so read the ratios and medians.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable

from sobria.events.fingerprint import fingerprint

BUDGET_S = 0.0002
MAIL = "Rédige un e-mail à Boulangeries Martin pour relancer notre proposition sur la sobriété numérique."


def per_prompt(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    """Median seconds per prompt over ``rounds`` batches."""
    batches = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        batches.append((time.perf_counter() - start) / len(texts))
    return statistics.median(batches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts = [f"{MAIL} Version {i}." for i in range(args.prompts)]
    lexical = per_prompt(fingerprint, texts, args.rounds)
    exact = per_prompt(lambda t: hashlib.blake2b(t.encode(), digest_size=16).digest(), texts, args.rounds)
    print(f"lexical fingerprint: {lexical * 1e6:.1f} µs per prompt (median of {args.rounds} x {args.prompts})")
    print(f"  ratio to the 0.2 ms budget: {lexical / BUDGET_S:.2f} ({'within' if lexical < BUDGET_S else 'OVER'})")
    print(f"  ratio to BLAKE2b of the same text ({exact * 1e6:.2f} µs): {lexical / exact:.0f}x")


if __name__ == "__main__":
    main()
