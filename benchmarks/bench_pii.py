"""Personal-data detection: quality on the labelled corpus and throughput on French prose.

    python benchmarks/bench_pii.py [--mb 20] [--seed 7]

Quality: per-kind precision, recall and F1 on tests/data/pii/corpus.jsonl (client names from
tests/data/pii/clients.csv). Throughput: MB (UTF-8) per second of one process scanning documents
of a few kilobytes made of the corpus's business prose and near misses, with personal data in
about one paragraph in twenty, the client list loaded. Prints whether the targets are met
(precision >= 0.98 and recall >= 0.95 for every kind, >= 20 MB/s).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from sobria.policy.pii import Scanner, load_client_names
from sobria.policy.pii.evaluation import LabelledText, evaluate, read_corpus, targets_met

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii"
THROUGHPUT_TARGET_MB_S = 20.0


def documents(corpus: list[LabelledText], megabytes: float, seed: int) -> list[str]:
    """Documents of 5 to 20 paragraphs until ``megabytes`` of UTF-8 text: ~85 % prose, ~10 % near
    misses, ~5 % paragraphs with personal data."""
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = {}
    for item in corpus:
        by_category.setdefault(item.category, []).append(item.text)
    docs: list[str] = []
    size = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        paragraphs = []
        for _ in range(rng.randint(5, 20)):
            draw = rng.random()
            category = "prose" if draw < 0.85 else "near_miss" if draw < 0.95 else "positive"
            paragraphs.append(rng.choice(by_category[category]))
        doc = "\n\n".join(paragraphs)
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def synthetic_clients(count: int, seed: int) -> list[str]:
    """``count`` made-up 'Prénom Nom' clients sharing a few common first names, as in a real CRM."""
    rng = random.Random(seed)
    first = ["Jean", "Marie", "Pierre", "Sophie", "Nicolas", "Camille", "Julien", "Claire", "Thomas", "Julie"]
    syllables = ["ber", "lan", "mar", "tin", "vil", "ron", "chal", "mon", "dre", "pel", "gau", "tier", "ros",
                 "sel", "bou", "quet", "gar", "nier", "cha", "vin"]
    return [f"{rng.choice(first)} {''.join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()}"
            for _ in range(count)]


def throughput_mb_s(scanner: Scanner, docs: list[str]) -> tuple[float, int]:
    total_bytes = sum(len(d.encode("utf-8")) for d in docs)
    found = 0
    start = time.perf_counter()
    for doc in docs:
        found += len(scanner.scan(doc))
    elapsed = time.perf_counter() - start
    return total_bytes / 1_000_000 / elapsed, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of prose to scan (default 20)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    corpus = read_corpus(DATA / "corpus.jsonl")
    build_start = time.perf_counter()
    names = load_client_names(DATA / "clients.csv")
    scanner = Scanner.build(names)
    build_ms = (time.perf_counter() - build_start) * 1000
    scores = evaluate(scanner, corpus)
    print(f"Corpus: {len(corpus)} records, {len(names)} clients (scanner built in {build_ms:.1f} ms)")
    print(f"{'kind':<12} {'TP':>5} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8} {'F1':>7}  target")
    for kind, s in scores.items():
        ok = "ok" if s.meets_targets else "MISSED"
        print(f"{kind.value:<12} {s.true_positives:>5} {s.false_positives:>4} {s.false_negatives:>4} "
              f"{s.precision:>10.4f} {s.recall:>8.4f} {s.f1:>7.4f}  {ok}")

    docs = documents(corpus, args.mb, args.seed)
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
    speed, found = throughput_mb_s(scanner, docs)
    speed_plain, _ = throughput_mb_s(Scanner.build(), docs)
    big_list = [*names, *synthetic_clients(2000, args.seed)]
    build_start = time.perf_counter()
    big_scanner = Scanner.build(big_list)
    big_build_ms = (time.perf_counter() - build_start) * 1000
    speed_big, _ = throughput_mb_s(big_scanner, docs)
    print(f"Throughput: {speed:.1f} MB/s with the corpus client list ({len(names)} clients), "
          f"{speed_plain:.1f} MB/s without a client list, {speed_big:.1f} MB/s with {len(big_list)} clients "
          f"(built in {big_build_ms:.0f} ms); {mb:.1f} MB in {len(docs)} documents, {found} findings, one process")
    quality_ok = targets_met(scores)
    speed_ok = speed >= THROUGHPUT_TARGET_MB_S
    print(f"Targets: quality {'met' if quality_ok else 'NOT met'} (precision >= 0.98, recall >= 0.95 per kind); "
          f"throughput {'met' if speed_ok else 'NOT met'} (>= {THROUGHPUT_TARGET_MB_S:.0f} MB/s)")


if __name__ == "__main__":
    main()
