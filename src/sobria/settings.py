"""The typed settings object, built once at the edge and passed down."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting Sobria reads from the environment (prefix ``SOBRIA_``).

    Each field is documented in docs/settings.md; a test keeps the two in sync.
    """

    model_config = SettingsConfigDict(env_prefix="SOBRIA_", extra="ignore")

    lang: Literal["fr", "en"] = Field("fr", description="Language of messages, reports and charter.")
    db: str = Field("sqlite:///sobria.db", description="Store URL (SQLite file or PostgreSQL).")
    method: Literal["sobria", "ecologits"] = Field(
        "sobria", description="Impact method: Sobria's extended method or EcoLogits parity.")
    carbon_basis: Literal["location", "market"] = Field(
        "location", description="Carbon accounting basis: location-based (default) or market-based.")
    secret_file: str = Field(".sobria/secret.key", description="File holding the pseudonymisation secret.")
    keep_text: bool = Field(False, description="Keep prompt text in the store (off: fingerprints only).")
    keep_names: bool = Field(False, description="Keep people's names and e-mails (off: pseudonyms only).")
    min_group: int = Field(5, ge=2, description="Smallest group (people) shown on its own in any figure.")
    oidc_issuer: str | None = Field(None, description="OpenID Connect provider (issuer URL) of the dashboard.")
    oidc_client_id: str | None = Field(None, description="The dashboard's client id at the provider.")
    oidc_client_secret: str | None = Field(None, description="The dashboard's client secret at the provider.")
    oidc_roles: dict[str, str] = Field(default_factory=dict,
                                       description="Provider group -> dashboard role (JSON object).")
    oidc_groups_claim: str = Field("groups", description="ID token claim holding the user's groups.")


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
