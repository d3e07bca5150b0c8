"""Properties of waste detection on random event tables (hypothesis)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sobria.audit.waste import REASONS, detect_waste, waste_summary
from sobria.catalog import Catalog
from sobria.events.fingerprint import fingerprint
from sobria.events.schema import conform
from sobria.impact import Estimator, estimate_frame

TEXTS = ["Rédige un e-mail à Boulangeries Martin pour relancer notre proposition.",
         "Rédige un e-mail à Clinique du Parc pour relancer notre proposition.",
         "Aide-moi à relancer Boulangeries Martin par e-mail.", "Plus court.", "Continue.",
         "Traduis en anglais : « Merci pour votre confiance. »", ""]
MODELS = [("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4"), (None, "mystery-model"),
          ("mistralai", "mistral-large-latest"), ("openai", "dall-e-3")]

event = st.fixed_dictionaries({
    "minute": st.integers(0, 90), "person": st.sampled_from(["a", "b", None]),
    "conv": st.sampled_from(["c1", "c2", "c3", None]), "text": st.sampled_from([*TEXTS, None]),
    "model": st.sampled_from(range(len(MODELS))), "input": st.integers(1, 400), "output": st.integers(1, 300),
    "used": st.sampled_from([True, False, None]), "purpose": st.sampled_from(["internal", "external", None]),
})


def table(rows: list[dict[str, object]], catalog: Catalog) -> pl.DataFrame:
    start = dt.datetime(2025, 2, 3, 9, tzinfo=dt.UTC)
    models = [MODELS[int(str(r["model"]))] for r in rows]
    frame = conform(pl.DataFrame({
        "event_id": [f"e{i}" for i in range(len(rows))],
        "ts": [start + dt.timedelta(minutes=int(str(r["minute"]))) for r in rows],
        "person": [r["person"] for r in rows], "provider": [m[0] for m in models], "model": [m[1] for m in models],
        "operation": ["image" if m[1] == "dall-e-3" else "chat" for m in models],
        "input_tokens": [r["input"] for r in rows], "output_tokens": [r["output"] for r in rows],
        "images": [1 if m[1] == "dall-e-3" else 0 for m in models],
        "conversation_id": [r["conv"] for r in rows], "purpose": [r["purpose"] for r in rows],
        "image_used": [r["used"] for r in rows],
        "prompt_fingerprint": [None if r["text"] is None else fingerprint(str(r["text"])) for r in rows],
        "source": "test", "tier": "measured", "request_count": 1,
    }, schema_overrides={"person": pl.Utf8, "provider": pl.Utf8, "conversation_id": pl.Utf8, "purpose": pl.Utf8,
                         "image_used": pl.Boolean, "prompt_fingerprint": pl.Utf8}))
    impacts = estimate_frame(Estimator(catalog), frame)
    return frame.with_columns(impacts.select(pl.col("^(gwp_kgco2e|energy_kwh)_(min|max)$")))


def central_gwp(frame: pl.DataFrame) -> float:
    return float(frame.select(((pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max")) / 2).sum()).item())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=0, max_size=25))
def test_shares_are_fractions_and_removing_waste_never_adds_carbon(catalog: Catalog,
                                                                   rows: list[dict[str, object]]) -> None:
    events = table(rows, catalog)
    flagged = detect_waste(events, catalog)
    summary = waste_summary(events, flagged)
    assert 0.0 <= summary.share_of_requests <= 1.0
    assert 0.0 <= summary.share_of_gwp <= 1.0 + 1e-12
    kept = events.join(flagged.select("event_id").unique(), on="event_id", how="anti")
    assert central_gwp(kept) <= central_gwp(events) + 1e-15
    assert set(flagged["reason"]) <= set(REASONS)
    assert flagged["confidence"].is_between(0.0, 1.0).all()
    assert set(flagged["event_id"]) <= set(events["event_id"])
    assert set(flagged["chain_id"].drop_nulls()) <= set(events["event_id"])
    assert (flagged["saving_gwp_kgco2e"].drop_nulls() >= 0).all()
    assert flagged.select("event_id", "reason").is_unique().all()

