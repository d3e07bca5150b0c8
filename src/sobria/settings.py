"""The typed settings object, built once at the edge and passed down."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from sobria.impact.options import EstimateOptions


class Settings(BaseSettings):
    """Every setting Sobria reads from the environment (prefix ``SOBRIA_``).

    Each field is documented in docs/settings.md; a test keeps the two in sync.
    """

    model_config = SettingsConfigDict(env_prefix="SOBRIA_", extra="ignore", allow_inf_nan=False)

    lang: Literal["fr", "en"] = Field("fr", description="Language of messages, reports and charter.")
    db: str = Field("sqlite:///sobria.db", description="Store URL (SQLite file or PostgreSQL).")
    analytics: str | None = Field(
        None, description="Analytics engine URL for events at scale: clickhouse://… or chdb:///folder (docs/scale.md).")
    method: Literal["sobria", "ecologits"] = Field(
        "sobria", description="Impact method: Sobria's extended method or EcoLogits parity.")
    carbon_basis: Literal["location", "market"] = Field(
        "location", description="Carbon basis of `sobria estimate`: location-based (default) or market-based; "
                                 "stored events, budgets and audits are location-based, reports add market-based.")
    secret_file: str = Field(".sobria/secret.key", description="File holding the pseudonymisation secret.")
    keep_text: bool = Field(False, description="Keep prompt text in the store (off: fingerprints only).")
    semantic_fingerprint: bool = Field(
        False, description="Compute the optional semantic fingerprint at import and in the gateway's drain "
                           "(needs the 'semantic' extra; off: lexical fingerprint only).")
    keep_names: bool = Field(False, description="Keep people's names and e-mails (off: pseudonyms only).")
    min_group: int = Field(5, ge=2, description="Smallest group (people) shown on its own in any figure.")
    lock_timeout_s: float = Field(30.0, gt=0, le=3600,
                                  description="Seconds a store write waits for another writer's lock.")
    # Plausibility bounds of one imported event (sobria.ingest.limits.EventLimits; docs/events.md).
    earliest_ts: date = Field(date(2015, 1, 1), description="Earliest plausible event timestamp.")
    ahead_hours: float = Field(24.0, ge=0, le=24 * 366,
                               description="How far ahead of now an event timestamp may be, in hours.")
    max_tokens_per_request: int = Field(10_000_000, ge=1, description="Tokens of one kind per request, at most.")
    max_images_per_request: int = Field(100, ge=1, description="Images per request, at most.")
    max_latency_ms: float = Field(3_600_000.0, gt=0, description="Latency of one request, at most (ms).")
    max_cost_eur_per_request: float = Field(1_000.0, gt=0, description="Cost of one request, at most (EUR).")
    max_requests_per_event: int = Field(1_000_000_000, ge=1, description="Requests in one aggregated row, at most.")
    max_line_bytes: int = Field(1_000_000, ge=1_000, le=2**31 - 1,
                                description="Longest line of an imported CSV or JSON Lines file (bytes).")
    oidc_issuer: str | None = Field(None, description="OpenID Connect provider (issuer URL) of the dashboard.")
    oidc_client_id: str | None = Field(None, description="The dashboard's client id at the provider.")
    oidc_client_secret: str | None = Field(None, description="The dashboard's client secret at the provider.")
    oidc_roles: dict[str, str] = Field(default_factory=dict,
                                       description="Provider group -> dashboard role (JSON object).")
    oidc_groups_claim: str = Field("groups", description="ID token claim holding the user's groups.")
    upstream_client: Literal["sobria", "aiohttp"] = Field(
        "sobria", description="HTTP client of the gateway's upstream POSTs: sobria's own or aiohttp.")


    def estimate_options(self) -> EstimateOptions:
        """The estimation every writer of events (import, demo, gateway) and the audit's re-estimates
        (the charter replay, the light-model saving, the market-based disclosure) use, so that one store
        holds one method: the configured one, location-based (the basis budgets and reports start from;
        ``carbon_basis`` only changes ``sobria estimate``'s display)."""
        return EstimateOptions(method=self.method)

def build_settings(**overrides: object) -> Settings:
    """Build the settings, turning a bad value (environment or option) into a user error."""
    from pydantic import ValidationError

    from sobria.errors import Location, UserInputError

    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        where = f"--{name}" if name in given else f"SOBRIA_{name.upper()}"
        raise UserInputError("error.bad_setting", {"value": first.get("input"), "expected": first["msg"]},
                             Location(parameter=where)) from None


def environment_secrets(names: Iterable[str]) -> dict[str, str]:
    """The variables among ``names`` that are set and not empty (provider keys named by a gateway
    configuration): with :class:`Settings`, the only reading of the environment."""
    return {name: value for name in names if (value := os.environ.get(name))}


def error_lang() -> Literal["fr", "en"]:
    """The language to report a start-up error in: the settings' when they can be read, else French."""
    from pydantic import ValidationError

    try:
        return Settings().lang
    except ValidationError:
        return "fr"
