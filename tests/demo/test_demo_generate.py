from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

from sobria.demo import DemoData, generate_demo, summarise
from sobria.demo.dice import Dice
from sobria.demo.prompts import SLOTS, TEMPLATES, draw_slots, render, template_fields
from sobria.demo.tasks import HEAVY_MODELS
from sobria.demo.timeline import CHARTER, TIME_ZONE, working_days
from sobria.events.schema import EVENT_COLUMNS, OPERATIONS, TIERS, conform

FRENCH = re.compile(
    r"\b(le|la|les|de|du|des|un|une|pour|sur|avec|et|ce|cette|mais|plus|suite|continue|bonjour|merci|"
    r"stp|plaît|corrige|traduis|combien|quel|comment|termine|refais|reformule|pas|moins)\b",
    re.IGNORECASE,
)


def _with_local_day(events: pl.DataFrame) -> pl.DataFrame:
    return events.with_columns(pl.col("ts").dt.convert_time_zone(TIME_ZONE).dt.date().alias("day"))


def test_working_days_exclude_weekends_and_french_holidays() -> None:
    days = working_days()
    assert (len(days), days[0], days[-1]) == (145, dt.date(2025, 1, 2), dt.date(2025, 7, 31))
    assert all(d.weekday() < 5 for d in days)
    holidays = {dt.date(2025, 4, 21), dt.date(2025, 5, 1), dt.date(2025, 5, 8), dt.date(2025, 5, 29),
                dt.date(2025, 6, 9), dt.date(2025, 7, 14)}   # Legifrance, Code du travail art. L3133-1
    assert not holidays & set(days)
    assert len(days) + len(holidays) == sum(1 for i in range(211) if (days[0] + dt.timedelta(i)).weekday() < 5)


def test_counts_and_events_per_month(demo: DemoData) -> None:
    assert demo.counts == {
        "people": 45, "teams": 5, "non_users_before_charter": 12, "non_users_whole_period": 5,
        "power_users": 7, "working_days": 145, "events": 31872, "waste_events": 7874,
        "lookalike_events": 3575,
    }
    assert summarise(demo).events_per_month == {
        "2025-01": 5368, "2025-02": 5236, "2025-03": 5043, "2025-04": 4013, "2025-05": 3740,
        "2025-06": 4136, "2025-07": 4336,
    }


def test_daily_volume(demo: DemoData) -> None:
    daily = _with_local_day(demo.events).group_by("day").len()
    volumes = dict(zip(daily["day"].to_list(), daily["len"].to_list(), strict=True))
    assert set(volumes) == set(working_days())          # nothing on weekends or holidays
    trained = dt.date(2025, 4, 4)                        # 15th working day from the charter
    before = [n for day, n in volumes.items() if day < CHARTER]
    training = [n for day, n in volumes.items() if CHARTER <= day < trained]
    after = [n for day, n in volumes.items() if day >= trained]
    assert (len(before), min(before), max(before)) == (52, 208, 297)
    assert (len(training), min(training), max(training)) == (14, 164, 283)
    assert (len(after), min(after), max(after)) == (79, 162, 240)
    assert sum(after) / len(after) / (sum(before) / len(before)) == pytest.approx(0.7845, abs=1e-4)


def test_charter_effect(demo: DemoData) -> None:
    summary = summarise(demo)
    before, after = summary.before, summary.after
    assert (before.events, before.waste_events, before.heavy_chat_events, before.chat_events) == (
        13139, 6064, 11620, 12199)
    assert (after.events, after.waste_events, after.heavy_chat_events, after.chat_events) == (
        18733, 1810, 4431, 17864)
    assert before.waste_share == pytest.approx(0.4615, abs=1e-4)
    assert after.waste_share == pytest.approx(0.0966, abs=1e-4)
    assert before.heavy_share == pytest.approx(0.9525, abs=1e-4)
    assert after.heavy_share == pytest.approx(0.2480, abs=1e-4)
    assert (before.images, before.unused_images, after.images, after.unused_images) == (940, 811, 869, 419)


def test_events_conform_to_the_canonical_schema(demo: DemoData) -> None:
    canonical = demo.events.drop("prompt")
    assert canonical.columns == [c.name for c in EVENT_COLUMNS]
    assert conform(canonical).schema == canonical.schema
    for column in EVENT_COLUMNS:
        if column.required:
            assert canonical[column.name].null_count() == 0, column.name
    assert set(canonical["operation"]) <= set(OPERATIONS)
    assert set(canonical["tier"]) <= set(TIERS)
    assert canonical["event_id"].n_unique() == canonical.height
    assert canonical["event_id"][:2].to_list() == ["demo-000001", "demo-000002"]
    assert canonical["ts"].is_sorted()
    assert set(canonical["source"]) == {"demo"}


def test_tiers_and_tools(demo: DemoData) -> None:
    tools = demo.events.group_by("tool", "tier").len().sort("tool")
    assert tools.rows() == [("chatbot-support", "measured", 6990), ("chatgpt-entreprise", "token-level", 23774),
                            ("midjourney", "token-level", 697), ("tri-cv", "measured", 411)]
    measured = demo.events.filter(pl.col("tier") == "measured")
    assert measured["latency_ms"].null_count() == 0
    assert demo.events.filter(pl.col("tier") != "measured")["latency_ms"].null_count() == 31872 - 7401
    chatbot = demo.events.filter(pl.col("tool") == "chatbot-support")
    assert chatbot["person"].null_count() == chatbot.height
    assert set(chatbot["team"]) == {"support"}


def test_token_and_image_distributions(demo: DemoData) -> None:
    chat = demo.events.filter(pl.col("operation") == "chat")
    assert chat["input_tokens"].null_count() == 0
    assert chat["output_tokens"].null_count() == 0
    medians = chat.group_by("tool").agg(pl.col("input_tokens").median(), pl.col("output_tokens").median()).sort("tool")
    assert medians.rows() == [("chatbot-support", 706.0, 80.0), ("chatgpt-entreprise", 160.0, 285.0),
                              ("tri-cv", 3549.0, 315.0)]
    images = demo.events.filter(pl.col("operation") == "image")
    assert images["image_used"].null_count() == 0
    assert images.group_by("model", "images", "image_size").len().sort("model", "image_size").rows() == [
        ("dall-e-3", 1, "1024x1024", 725), ("dall-e-3", 1, "1792x1024", 387), ("midjourney", 4, "1024x1024", 697)]
    assert chat["image_used"].null_count() == chat.height


def test_truth_labels(demo: DemoData) -> None:
    truth = demo.truth
    assert set(truth["reason"]) == {"reformulation", "regeneration", "unused-image", "internal-image",
                                    "heavy-model-trivial", "original", "continuation", "same-template"}
    assert set(truth["event_id"]) <= set(demo.events["event_id"])
    waste = truth.filter(pl.col("waste"))
    assert set(waste["reason"]) == {"reformulation", "regeneration", "unused-image", "internal-image",
                                    "heavy-model-trivial"}
    lookalikes = truth.filter(pl.col("not_waste_lookalike"))
    assert set(lookalikes["reason"]) == {"continuation", "same-template"}
    assert not lookalikes["waste"].any()
    assert truth.group_by("reason").len().sort("reason").rows() == [
        ("continuation", 1362), ("heavy-model-trivial", 1657), ("internal-image", 480), ("original", 1897),
        ("reformulation", 3315), ("regeneration", 1626), ("same-template", 2213), ("unused-image", 1230)]


def test_chains_share_a_person_and_are_minutes_apart(demo: DemoData) -> None:
    chains = (
        demo.truth.filter(pl.col("chain_id").is_not_null())
        .select("event_id", "chain_id", "chain_position").unique()
        .join(demo.events.select("event_id", "ts", "person"), on="event_id")
        .sort("chain_id", "chain_position")
    )
    per_chain = chains.group_by("chain_id").agg(
        pl.col("person").n_unique().alias("people"),
        pl.col("person").null_count().alias("no_person"),
        pl.len().alias("members"),
        (pl.col("chain_position").max() + 1).alias("positions"),
        pl.col("ts").diff().max().alias("max_gap"),
        pl.col("ts").is_sorted().alias("in_order"),
    )
    assert per_chain.filter(pl.col("people") != 1).height == 0
    assert per_chain["no_person"].sum() == 0
    assert per_chain.filter(pl.col("members") != pl.col("positions")).height == 0
    assert per_chain["members"].min() == 2
    assert per_chain["max_gap"].max() <= dt.timedelta(minutes=15)
    assert per_chain["in_order"].all()
    assert per_chain.height == 3067


def test_reformulation_chains_keep_one_answer(demo: DemoData) -> None:
    chain_ids = demo.truth.filter(pl.col("reason") == "reformulation")["chain_id"].unique()
    members = (
        demo.truth.filter(pl.col("chain_id").is_in(chain_ids.implode())).select("event_id", "chain_id").unique()
        .join(demo.events.select("event_id", "answer_kept"), on="event_id")
    )
    kept = members.group_by("chain_id").agg(pl.col("answer_kept").sum())
    assert set(kept["answer_kept"]) == {1}


def test_image_waste_matches_outcomes(demo: DemoData) -> None:
    images = demo.events.filter(pl.col("operation") == "image")
    unused = set(images.filter(~pl.col("image_used"))["event_id"])
    internal = set(images.filter(pl.col("purpose") == "document_interne")["event_id"])
    truth = demo.truth
    assert set(truth.filter(pl.col("reason") == "unused-image")["event_id"]) == unused
    assert set(truth.filter(pl.col("reason") == "internal-image")["event_id"]) == internal


def test_heavy_model_trivial_is_on_heavy_models(demo: DemoData) -> None:
    ids = demo.truth.filter(pl.col("reason") == "heavy-model-trivial")["event_id"]
    flagged = demo.events.filter(pl.col("event_id").is_in(ids.implode()))
    assert set(flagged["model"]) <= set(HEAVY_MODELS)
    assert flagged["input_tokens"].max() <= 80


def test_prompts_are_french(demo: DemoData) -> None:
    prompts = demo.events["prompt"]
    assert prompts.null_count() == 0
    not_french = [p for p in prompts.unique().to_list() if not FRENCH.search(p)]
    assert not_french == []
    assert not prompts.str.contains(r"[{}]|\bde le\b|\bà le\b").any()


def test_every_template_renders() -> None:
    dice = Dice(1)
    for task, templates in TEMPLATES.items():
        if "candidature" in template_fields(task):
            continue
        slots = draw_slots(dice, task)
        assert set(slots) <= set(SLOTS)
        for variant in range(len(templates)):
            text = render(task, variant, slots)
            assert text[0].isupper() and "{" not in text


def test_another_seed_gives_another_company() -> None:
    other = generate_demo(seed=7)
    assert other.counts["people"] == 45
    assert other.counts["events"] != 31872


def test_every_demo_purpose_is_a_purpose_of_the_template_charter(demo: DemoData) -> None:
    """The demo's replay of its charter is meaningful: no request is routed or blocked for an
    unlisted purpose (the charter's per-purpose rules see the purposes they name)."""
    import datetime as dt

    from sobria.demo.tasks import PURPOSES
    from sobria.policy.loader import policy_template, read_policy_text

    policy = read_policy_text(policy_template(dt.date(2025, 3, 17))).policy
    assert policy is not None
    assert set(demo.events["purpose"].drop_nulls().unique()) == set(PURPOSES) <= set(policy.purposes)
