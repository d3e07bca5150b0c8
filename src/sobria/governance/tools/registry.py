"""The AI tools registry: what each tool does with a company's data, and where the charter is broken.

The shipped catalogue (``data/tools_catalog.yaml``) records, per tool, its tier (consumer or
enterprise), whether it trains on user data by default, where data lives, whether a processing
agreement can be signed and how long data is kept — each fact with its source, date and
verification status. :func:`forbidden_usage` reads usage events against a policy and lists
consumer-tier usage that the charter forbids, as aggregated counts per tool, team and purpose
(never per person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from importlib import resources
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict

from sobria.errors import Location, UserInputError
from sobria.policy.schema import Policy
from sobria.privacy.groups import MIN_GROUP, display_groups, roster_sizes

CATALOG_FILE = "tools_catalog.yaml"
FACT_NAMES = ("tier", "training_default", "data_location", "dpa_available", "retention")
# The canonical event purpose tags (docs/events.md: internal, external, client, hr) that imply a data
# class by themselves; a policy's own ``data.purposes`` entry for the same tag wins.
TAG_DATA_CLASSES = {"client": "client_personal_data", "hr": "hr"}
FLAG_COLUMNS = {"tool": pl.Utf8(), "tier": pl.Utf8(), "team": pl.Utf8(), "purpose": pl.Utf8(),
                "reason": pl.Utf8(), "data_class": pl.Utf8(), "action": pl.Utf8(), "request_count": pl.Int64()}


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fact(_Frozen):
    """One fact about a tool; ``value`` None means it could not be established."""

    value: str | bool | None
    source: str
    as_of: dt.date
    verified: bool
    checked: str


class ToolFacts(_Frozen):
    tier: Fact
    training_default: Fact
    data_location: Fact
    dpa_available: Fact
    retention: Fact


class ToolEntry(_Frozen):
    id: str
    name: str
    vendor: str
    aliases: tuple[str, ...] = ()
    facts: ToolFacts

    @property
    def tier(self) -> Literal["consumer", "enterprise"]:
        return "consumer" if self.facts.tier.value == "consumer" else "enterprise"


class ToolsCatalog(_Frozen):
    catalog_version: str
    tools: tuple[ToolEntry, ...]

    def find(self, name: str) -> ToolEntry | None:
        """The entry whose id or alias is ``name`` (case-insensitive)."""
        key = name.strip().lower()
        return next((t for t in self.tools if key == t.id or key in t.aliases), None)

    def get(self, name: str) -> ToolEntry:
        """Like :meth:`find`, but an unknown tool is a user error naming the known ones."""
        entry = self.find(name)
        if entry is None:
            raise UserInputError("tools.error.unknown_tool",
                                 {"tool": name, "known": ", ".join(t.id for t in self.tools)},
                                 Location(parameter="ID"))
        return entry


def load_tools_catalog() -> ToolsCatalog:
    """The shipped catalogue, validated as a whole (a broken package file is a programming error)."""
    text = (resources.files("sobria.governance.tools") / "data" / CATALOG_FILE).read_text(encoding="utf-8")
    return ToolsCatalog.model_validate(yaml.safe_load(text))


def tool_tiers(policy: Policy, catalog: ToolsCatalog, names: list[str]) -> dict[str, str]:
    """The tier of each tool name: the policy's declaration first, else the catalogue's, else 'unknown'."""
    declared = {tool.id: tool.tier for tool in policy.tools}
    tiers: dict[str, str] = {}
    for name in names:
        entry = catalog.find(name)
        tiers[name] = declared.get(name) or (entry.tier if entry else "unknown")
    return tiers


def privacy_groups(events: pl.DataFrame, people: pl.DataFrame | None = None,
                   min_group: int = MIN_GROUP) -> dict[str | None, str | None]:
    """Team -> the group its counts are shown in (:mod:`sobria.privacy.groups`, sizes on the roster)."""
    if "person" not in events.columns or events.is_empty():
        return {}
    roster = people if people is not None else events.head(0).select("person", "team")
    return display_groups(roster_sizes(roster, events), min_group)


def forbidden_usage(events: pl.DataFrame, policy: Policy, catalog: ToolsCatalog,
                    groups: Mapping[str | None, str | None] | None = None) -> pl.DataFrame:
    """Consumer-tier usage the charter forbids, summed per tool, team, purpose and reason.

    Two reasons: the tool itself is refused by the charter (``allowed: false``), or the purpose
    implies a data class (``data.purposes``, else the canonical tags ``client`` and ``hr`` of
    :data:`TAG_DATA_CLASSES`) that the charter blocks or redacts in consumer tools
    (``data.by_tier.consumer``) — a consumer tool used outside the gateway cannot redact anything.
    """
    if events.is_empty():
        return pl.DataFrame(schema=FLAG_COLUMNS)
    frame = events.select("tool", "team", "purpose", "request_count").filter(pl.col("tool").is_not_null())
    if groups is not None:
        frame = frame.with_columns(pl.col("team").replace_strict(dict(groups), default=None, return_dtype=pl.Utf8))
    names = sorted(set(frame["tool"].to_list()))
    tiers = tool_tiers(policy, catalog, names)
    refused = [tool.id for tool in policy.tools if not tool.allowed]
    consumer_actions = policy.data.by_tier.consumer.model_dump()
    declared = TAG_DATA_CLASSES | dict(policy.data.purposes)
    purpose_class = {purpose: data_class for purpose, data_class in declared.items()
                     if consumer_actions[data_class] != "allow"}
    frame = frame.with_columns(pl.col("tool").replace_strict(tiers, return_dtype=pl.Utf8).alias("tier"))
    consumer = frame.filter(pl.col("tier") == "consumer")
    by_tool = consumer.filter(pl.col("tool").is_in(refused)).with_columns(
        pl.lit("tool_refused").alias("reason"), pl.lit(None, pl.Utf8).alias("data_class"),
        pl.lit("block").alias("action"))
    by_data = consumer.filter(pl.col("purpose").is_in(list(purpose_class))).with_columns(
        pl.lit("data_class").alias("reason"),
        pl.col("purpose").replace_strict(purpose_class, return_dtype=pl.Utf8).alias("data_class"))
    by_data = by_data.with_columns(
        pl.col("data_class").replace_strict(consumer_actions, return_dtype=pl.Utf8).alias("action"))
    flagged = pl.concat([by_tool, by_data], how="diagonal_relaxed")
    if flagged.is_empty():
        return pl.DataFrame(schema=FLAG_COLUMNS)
    keys = ["tool", "tier", "team", "purpose", "reason", "data_class", "action"]
    summed = flagged.group_by(keys).agg(pl.col("request_count").sum().cast(pl.Int64))
    return summed.select(list(FLAG_COLUMNS)).sort(["tool", "team", "purpose", "reason"], nulls_last=True)
