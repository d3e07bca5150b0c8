"""A large group's events, generated (seeded) for the scale tests and ``benchmarks/bench_scale.py``.

Skewed like real usage: team sizes vary, a few people make most requests (Zipf-like activity,
1/rank^0.8, the heaviest users capped at ``HEAVIEST`` times the median person: in a large group a
power user makes tens of times a typical colleague's requests, not the few per cent of the whole
group's that the uncapped law gives its first rank — 3 % of 25,000 people's), light models
dominate, working hours; about one request in five repeats the person's previous prompt minutes
later (a regeneration or a reformulation of the same template), so that the waste
detector finds re-ask chains. Impacts are estimated with the catalogue, as an import does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sobria.catalog import Catalog
from sobria.events.fingerprint import fingerprint
from sobria.events.schema import conform
from sobria.impact import Estimator, estimate_frame

MODELS = (("openai", "gpt-4o-mini", 0.42), ("openai", "gpt-4o", 0.2), ("mistralai", "mistral-small-latest", 0.12),
          ("anthropic", "claude-sonnet-4-5", 0.1), ("mistralai", "mistral-large-latest", 0.08),
          ("openai", "gpt-4", 0.04), ("openai", "dall-e-3", 0.04))
TEAMS = ("conseil", "commercial", "support", "marketing", "rh", "direction", "finance", "juridique", "it", "achats")
TOOLS = ("chatgpt", "copilot", "gateway", "mistral-chat")
PURPOSES = ("internal", "external", "client", None)
TEMPLATES = 400
HEAVIEST = 50                      # cap of one person's activity, in multiples of the median person's
START_US = 1_735_689_600_000_000   # 2025-01-01T00:00:00Z
DAY_US = 86_400_000_000


def templates() -> list[str]:
    subjects = ("la facture", "le contrat", "la réunion", "le rapport", "la présentation", "le devis", "l'offre")
    return [fingerprint(f"Rédige un e-mail de relance pour le client {i} au sujet de {subjects[i % 7]} n°{i % 13}")
            for i in range(TEMPLATES)]


@dataclass(frozen=True)
class Slice:
    """Which part of a larger data set to make: its days (from 2025-01-01), people and first id."""

    days: tuple[int, int] = (0, 180)
    people: int | None = None        # default: one person per 400 events, 60 to 100,000
    first_id: int = 0


def generate_events(n: int, catalog: Catalog, months: int = 6, seed: int = 16, prints: list[str] | None = None,
                    part: Slice | None = None) -> pl.DataFrame:
    """``n`` events with impacts, with the store's columns (``ts_us``, ``batch_id``), sorted by time."""
    rng = np.random.default_rng(seed)
    where = part or Slice(days=(0, months * 30))
    people = where.people or int(np.clip(n // 400, 60, 100_000))
    weights = activity(people)
    person = rng.choice(people, n, p=weights / weights.sum())
    team_of = np.minimum(np.random.default_rng(people).geometric(0.22, people) - 1, len(TEAMS) - 1)  # fixed
    shares = np.array([m[2] for m in MODELS])
    model = rng.choice(len(MODELS), n, p=shares / shares.sum())
    day = rng.integers(where.days[0], where.days[1], n)
    ts = START_US + day * DAY_US + rng.integers(8 * 3600 * 1_000_000, 19 * 3600 * 1_000_000, n)
    repeat = rng.random(n) < 0.2          # re-asks: the person's template again, shortly after
    base = rng.integers(0, TEMPLATES, n)
    template = np.where(repeat, (person * 7) % TEMPLATES, base)
    ts = np.where(repeat, START_US + day * DAY_US + 9 * 3600 * 1_000_000 + (person % 600) * 60_000_000
                  + rng.integers(0, 240_000_000, n), ts)
    image = np.array([m[1] == "dall-e-3" for m in MODELS])[model]
    fps = pl.Series(prints if prints is not None else templates(), dtype=pl.Utf8)
    frame = conform(pl.DataFrame({
        "event_id": "ev" + pl.Series(np.arange(where.first_id, where.first_id + n)).cast(pl.Utf8).str.zfill(10),
        "ts": pl.Series(ts).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        "person": "p" + pl.Series(person).cast(pl.Utf8).str.zfill(6),
        "team": _pick(TEAMS, team_of[person]),
        "tool": _pick(TOOLS, rng.integers(0, len(TOOLS), n)),
        "provider": _pick([m[0] for m in MODELS], model),
        "model": _pick([m[1] for m in MODELS], model),
        "operation": np.where(image, "image", "chat"),
        "input_tokens": np.where(image, 0, rng.integers(10, 3000, n)),
        "output_tokens": np.where(image, 0, rng.integers(5, 1200, n)),
        "images": np.where(image, 1, 0),
        "purpose": _pick(PURPOSES, rng.integers(0, len(PURPOSES), n)),
        "image_used": pl.Series(rng.random(n) < 0.5).set(pl.Series(~image), None),
        "prompt_fingerprint": fps.gather(template).set(pl.Series(image), None),
        "source": "synthetic", "tier": np.where(rng.random(n) < 0.9, "measured", "token-level"), "request_count": 1,
    }))
    est = estimate_frame(Estimator(catalog), frame.select(
        "provider", "model", "operation", "input_tokens", "output_tokens", "cached_input_tokens", "images",
        "image_size", "image_quality", "latency_ms", "zone", "request_count"))
    added = est.drop("provider", "model", "operation", "input_tokens", "output_tokens", "cached_input_tokens",
                     "images", "image_size", "image_quality", "latency_ms", "zone", "request_count", strict=False)
    out = frame.hstack(added.rename({"cost_eur": "est_cost_eur", "status": "impact_status"}))
    return out.with_columns(pl.col("ts").dt.epoch("us").alias("ts_us"), pl.lit("synthetic").alias("batch_id")).sort(
        "ts_us", "event_id")


def activity(people: int) -> np.ndarray:
    """Each person's relative activity: 1/rank^0.8, capped at ``HEAVIEST`` times the median
    person's (the cap binds from about 270 people: smaller groups keep the plain law)."""
    plain = 1.0 / np.arange(1, people + 1) ** 0.8
    capped: np.ndarray = np.minimum(plain, HEAVIEST * float(np.median(plain)))
    return capped


def _pick(values: tuple[str | None, ...] | list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.Utf8).gather(index)
