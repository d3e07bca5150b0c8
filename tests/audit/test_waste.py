"""Waste detection on hand-made events: each rule, the look-alikes, and the edge cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from sobria.audit.waste import (
    REASONS,
    RESULT_SCHEMA,
    WasteOptions,
    detect_waste,
    light_model_for,
    waste_summary,
)
from sobria.catalog import Catalog
from sobria.events.fingerprint import fingerprint
from sobria.events.schema import empty_events
from sobria.i18n import load_messages
from tests.audit.helpers import events as base_events

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
POST = "Rédige un post LinkedIn sur la sobriété numérique pour la page de TechVert."
POST_OTHER = "Écris une publication LinkedIn engageante à propos de la sobriété numérique, avec des hashtags."
MAIL_A = "Rédige un e-mail à Boulangeries Martin pour relancer notre proposition sur la sobriété numérique."
MAIL_B = "Rédige un e-mail à Clinique du Parc pour relancer notre proposition sur la sobriété numérique."


def chat(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Events of person ``p`` (unless given), ``minute`` minutes after 9:00, with a fingerprint of
    ``text`` and a conversation ``conv``; heavy-model detection is kept out by long answers."""
    base = base_events([{"id": r.get("id", f"e{i}"), "ts": T0 + dt.timedelta(minutes=r.get("minute", i)),
                         "person": r.get("person", "p"), "model": r.get("model", "gpt-4o-mini"),
                         "operation": r.get("operation", "chat"), "input": r.get("input", 400),
                         "output": r.get("output", 500), "purpose": r.get("purpose"), "gwp": r.get("gwp", 0.001)}
                        for i, r in enumerate(rows)])
    return base.with_columns(
        pl.Series("prompt_fingerprint", [fingerprint(r["text"]) if "text" in r else None for r in rows], pl.Utf8),
        pl.Series("conversation_id", [r.get("conv", f"c{i}") for i, r in enumerate(rows)], pl.Utf8),
        pl.Series("image_used", [r.get("used") for r in rows], pl.Boolean),
    )


def rows_of(flagged: pl.DataFrame) -> list[tuple[str, str, str | None]]:
    return [(e, r, c) for e, r, c in flagged.select("event_id", "reason", "chain_id").iter_rows()]


def test_same_prompt_again_is_a_regeneration_of_the_first(catalog: Catalog) -> None:
    flagged = detect_waste(chat([{"text": POST}, {"text": POST}, {"text": POST, "conv": "c0"}]), catalog)
    assert rows_of(flagged) == [("e1", "regeneration", "e0"), ("e2", "regeneration", "e0")]
    assert flagged["confidence"].to_list() == [0.95, 0.95]


def test_retry_in_the_conversation_is_a_reformulation_and_continue_is_not(catalog: Catalog) -> None:
    frame = chat([{"text": POST, "conv": "a"}, {"text": "Plus court.", "conv": "a"},
                  {"text": "Une autre version, s'il te plaît.", "conv": "a"},
                  {"text": MAIL_A, "conv": "b"}, {"text": "Continue.", "conv": "b"}])
    assert rows_of(detect_waste(frame, catalog)) == [("e1", "reformulation", "e0"), ("e2", "reformulation", "e0")]


def test_paraphrase_in_a_new_conversation_is_a_reformulation(catalog: Catalog) -> None:
    flagged = detect_waste(chat([{"text": POST}, {"text": POST_OTHER}]), catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]
    assert flagged["confidence"][0] == pytest.approx(0.5 + 0.5 * 3 / 9)  # 3 of 9 content words shared


def test_added_constraint_is_a_reformulation(catalog: Catalog) -> None:
    flagged = detect_waste(chat([{"text": MAIL_A}, {"text": MAIL_A + " Fais-le en 100 mots maximum."}]), catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]


def test_same_template_for_another_client_is_not_waste(catalog: Catalog) -> None:
    assert detect_waste(chat([{"text": MAIL_A}, {"text": MAIL_B}]), catalog).height == 0


def test_a_pause_longer_than_the_session_gap_breaks_the_chain(catalog: Catalog) -> None:
    frame = chat([{"text": POST, "minute": 0}, {"text": POST, "minute": 16}])
    assert detect_waste(frame, catalog).height == 0
    assert rows_of(detect_waste(frame, catalog, WasteOptions(session_gap_minutes=20))) == [
        ("e1", "regeneration", "e0")]


def test_other_people_and_the_chatbot_never_chain(catalog: Catalog) -> None:
    frame = chat([{"text": POST, "person": "p"}, {"text": POST, "person": "q"}, {"text": POST, "person": None},
                  {"text": POST, "person": None}])
    assert detect_waste(frame, catalog).height == 0


def test_images_unused_and_internal(catalog: Catalog) -> None:
    frame = chat([{"operation": "image", "model": "dall-e-3", "used": False, "purpose": "internal"},
                  {"operation": "image", "model": "dall-e-3", "used": True, "purpose": "external"},
                  {"operation": "image", "model": "dall-e-3", "used": None, "purpose": "internal"},
                  {"operation": "image", "model": "dall-e-3", "used": False, "purpose": None}])
    assert [(e, r) for e, r, _ in rows_of(detect_waste(frame, catalog))] == [
        ("e0", "internal-image"), ("e0", "unused-image"), ("e2", "internal-image"), ("e3", "unused-image")]


def test_heavy_model_on_a_short_request_with_its_saving(catalog: Catalog) -> None:
    frame = chat([{"model": "gpt-4o", "input": 20, "output": 30}, {"model": "gpt-4o-mini", "input": 20, "output": 30},
                  {"model": "gpt-4o", "input": 51, "output": 30}, {"model": "gpt-4", "input": 50, "output": 120},
                  {"model": "gpt-4o", "input": 20, "output": 121}])
    flagged = detect_waste(frame, catalog)
    assert flagged["event_id"].to_list() == ["e0", "e3"]
    assert flagged["reason"].unique().to_list() == ["heavy-model-trivial"]
    assert flagged["saving_gwp_kgco2e"].to_list() == pytest.approx([3.135231722910445e-05, 1.0930921509436076e-03])
    assert flagged["saving_energy_kwh"].to_list() == pytest.approx([7.459809883363856e-05, 2.7416679948536835e-03])


def test_light_model_choice(catalog: Catalog) -> None:
    opts = WasteOptions()
    assert light_model_for(catalog, "openai", "gpt-4o", opts) == "gpt-4o-mini"
    assert light_model_for(catalog, "openai", "gpt-4o-mini", opts) is None
    assert light_model_for(catalog, None, "totally-unknown-model", opts) is None
    big = WasteOptions(heavy_min_active_params_b=200)
    assert light_model_for(catalog, "openai", "gpt-4o", big) == "gpt-4o-mini"   # catalogue's model_classes.heavy
    assert light_model_for(catalog, "openai", "gpt-4o-2024-08-06", big) is None
    assert light_model_for(catalog, "openai", "gpt-4o-2024-08-06", WasteOptions(
        heavy_min_active_params_b=200, heavy_models=("gpt-4o-2024-08-06",))) == "gpt-4o-mini"


def test_model_classes_are_one_list_with_a_source(catalog: Catalog) -> None:
    classes = catalog.model_classes
    assert classes.light["google_genai"] == "gemini-2.5-flash-lite"
    assert all(catalog.knows_model(m) for m in classes.light.values())
    assert classes.internal_purposes == ["internal", "document_interne"]
    assert classes.source.recorded.isoformat() == "2026-12-02"


def test_unknown_models_and_missing_values_do_not_crash(catalog: Catalog) -> None:
    frame = chat([{"model": "no-such-model-9000", "input": 5, "output": 5, "text": "Bonjour"},
                  {"model": "no-such-model-9000", "input": 5, "output": 5, "text": "Bonjour"}]).with_columns(
        pl.lit(None, pl.Utf8).alias("provider"))
    assert rows_of(detect_waste(frame, catalog)) == [("e1", "regeneration", "e0")]
    nulls = frame.with_columns(pl.lit(None, pl.Int64).alias("input_tokens"), pl.lit(None, pl.Utf8).alias("model"),
                               pl.lit("not a fingerprint").alias("prompt_fingerprint"))
    assert detect_waste(nulls, catalog).height == 0


def test_empty_table_and_single_event(catalog: Catalog) -> None:
    empty = detect_waste(empty_events(with_impacts=True), catalog)
    assert empty.schema == pl.Schema(dict(RESULT_SCHEMA))
    assert detect_waste(chat([{"text": POST}]), catalog).height == 0
    summary = waste_summary(empty_events(with_impacts=True), empty)
    assert (summary.requests, summary.share_of_requests, summary.share_of_gwp) == (0, 0.0, 0.0)


def test_summary_counts_events_once_and_sums_central_carbon(catalog: Catalog) -> None:
    frame = chat([{"text": POST, "gwp": 0.001}, {"text": POST, "gwp": 0.003},
                  {"operation": "image", "model": "dall-e-3", "used": False, "purpose": "internal", "gwp": 0.004}])
    flagged = detect_waste(frame, catalog)
    summary = waste_summary(frame, flagged)
    assert summary.requests == 2
    assert summary.share_of_requests == pytest.approx(2 / 3)
    assert summary.gwp_kgco2e == pytest.approx(1.5 * 0.007)
    assert summary.share_of_gwp == pytest.approx(0.007 / 0.008)
    assert summary.by_reason == {"reformulation": 0, "regeneration": 1, "unused-image": 1, "internal-image": 1,
                                 "heavy-model-trivial": 0}
    assert summary.gwp_kgco2e_by_reason["regeneration"] == pytest.approx(0.0045)


def test_every_reason_has_a_label_in_both_languages() -> None:
    for lang in ("fr", "en"):
        messages = load_messages(lang)
        assert [r for r in REASONS if f"waste.reason.{r}" not in messages] == []
