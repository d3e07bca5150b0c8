"""The gateway's configuration file (YAML), validated with the line and field of every problem.

Relative paths (policy, journal, client list) are resolved against the folder of the file. The
reference of every field is ``docs/gateway.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from sobria.errors import Location, UserInputError
from sobria.policy.checks import dotted
from sobria.settings import Settings, environment_secrets
from sobria.yamlfile import PathKey, Positions, parse_yaml, read_yaml_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Listen(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)


class Upstream(_Strict):
    """One OpenAI-compatible API the gateway forwards to."""

    name: str
    base_url: str = Field(pattern=r"^https?://")
    api_key_env: str | None = None
    provider: str | None = None
    timeout_s: float = Field(60.0, gt=0)
    connect_timeout_s: float = Field(5.0, gt=0)
    max_connections: int = Field(100, ge=1)
    models: list[str] = Field(min_length=1)
    zone: str | None = None
    max_output_tokens: int | None = Field(None, ge=1)
    api: Literal["openai", "anthropic"] = "openai"  # anthropic: Messages API, x-api-key + anthropic-version
    anthropic_version: str = "2023-06-01"


class Estimates(_Strict):
    """What the gateway assumes before an answer exists (for budget reservations)."""

    output_tokens: int = Field(500, ge=0)
    chars_per_token: float = Field(4.0, gt=0)
    max_output_tokens: int = Field(128_000, ge=1)  # a model's output limit when its upstream gives none


class GatewayConfig(_Strict):
    """A whole gateway configuration file."""

    listen: Listen = Listen()
    policy: str
    tool: str
    store: str | None = None
    journal: str = "sobria-gateway.journal"
    journal_fsync: bool = False
    drain_interval_s: float = Field(1.0, gt=0)  # a batch costs ~20 ms of CPU at any size (0.2 s: +25 % per request)
    drain_batch: int = Field(2000, ge=1)
    key_refresh_s: float = Field(2.0, gt=0)
    admin_key_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    lang: Literal["fr", "en"] | None = None  # none: SOBRIA_LANG
    max_body_bytes: int = Field(4_000_000, ge=1024)
    max_header_bytes: int = Field(32_768, ge=1024)  # names and values of all request headers
    body_timeout_s: float = Field(30.0, gt=0)  # to receive a whole request body
    header_timeout_s: float = Field(10.0, gt=0)  # to receive a request's headers (from its first byte)
    background_poll_s: float = Field(2.0, gt=0)  # first wait before polling a background response (doubles)
    background_max_s: float = Field(21_600.0, gt=0)  # a background response's event is written by then
    client_names: str | None = None
    metrics: Literal["off", "admin", "public"] = "admin"  # who may read /metrics ("admin": the admin key)
    estimates: Estimates = Estimates()
    upstreams: list[Upstream] = Field(min_length=1)

    @field_validator("metrics", mode="before")
    @classmethod
    def _bare_off(cls, value: object) -> object:
        """``metrics: off`` written unquoted, as the docs write it: YAML reads a bare ``off`` (or ``no``,
        ``false``) as the boolean false, which here can only mean the ``off`` mode."""
        return "off" if value is False else value

    def resolve(self, folder: Path) -> GatewayConfig:
        """The same configuration with its file paths made absolute against ``folder``."""
        def absolute(value: str | None) -> str | None:
            return None if value is None else str((folder / value).resolve())

        return self.model_copy(update={"policy": absolute(self.policy), "journal": absolute(self.journal),
                                       "client_names": absolute(self.client_names)})


class GatewaySettings(Settings):
    """The settings of one gateway process: the environment's (``SOBRIA_*``) extended by its
    configuration file — the file's ``store`` and ``lang`` over ``SOBRIA_DB`` and ``SOBRIA_LANG``,
    the file itself as ``gateway``, and the provider key of each upstream that names one
    (``api_key_env``), by upstream name. Built once at start-up by :func:`gateway_settings`."""

    gateway: GatewayConfig
    provider_keys: dict[str, SecretStr] = Field(default_factory=dict, repr=False)

    def require_provider_keys(self) -> None:
        """A user error naming the first upstream whose provider key variable is not set."""
        for index, upstream in enumerate(self.gateway.upstreams):
            if upstream.api_key_env and upstream.name not in self.provider_keys:
                raise UserInputError("gateway.config.no_provider_key", {"variable": upstream.api_key_env},
                                     Location(field=f"upstreams[{index}].api_key_env"))


def gateway_settings(settings: Settings, config: GatewayConfig) -> GatewaySettings:
    """``settings`` extended by ``config`` (the provider keys read from the environment)."""
    if isinstance(settings, GatewaySettings) and settings.gateway == config:
        return settings
    names = {u.name: u.api_key_env for u in config.upstreams if u.api_key_env}
    found = environment_secrets(names.values())
    values = settings.model_dump()
    values.update(lang=config.lang or settings.lang, db=config.store or settings.db)
    keys = {name: SecretStr(found[variable]) for name, variable in names.items() if variable in found}
    return GatewaySettings.model_construct(**values, gateway=config, provider_keys=keys)


def load_config(path: Path) -> GatewayConfig:
    """The configuration in ``path``; the first problem is raised as a :class:`UserInputError`."""
    return parse_config(read_yaml_text(path), str(path)).resolve(path.resolve().parent)


def parse_config(text: str, file: str) -> GatewayConfig:
    document = parse_yaml(text, file)
    data, positions = document.data, document.positions
    if not isinstance(data, dict):
        raise UserInputError("gateway.config.not_mapping", {}, Location(file=file, line=1))
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        err = min(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # a typo explains a missing field
        path = _known(err["loc"], positions)
        field = dotted(tuple(err["loc"]))
        line = positions.key_line(path) if err["type"] == "extra_forbidden" else positions.line(path)
        raise UserInputError("gateway.config.invalid", {"detail": err["msg"], "value": _short(err.get("input"))},
                             Location(file=file, line=line, field=field)) from None


def _known(loc: tuple[int | str, ...], positions: Positions) -> PathKey:
    path: PathKey = ()
    for part in loc:
        if (*path, part) in positions.values:
            path = (*path, part)
    return path


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
