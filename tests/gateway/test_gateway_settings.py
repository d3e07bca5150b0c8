"""The gateway's settings extend the environment's: one place for the language, the store URL and
the provider keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.errors import Location, UserInputError
from sobria.gateway.config import GatewaySettings, gateway_settings, parse_config
from sobria.gateway.runtime import build_gateway
from sobria.settings import Settings
from tests.gateway.support import write_config, write_policy

FILE = """\
policy: politique.yaml
tool: passerelle-sobria
{extra}upstreams:
  - name: openai
    base_url: https://api.openai.com/v1
    api_key_env: SOBRIA_TEST_PROVIDER_KEY
    models: [gpt-4o-mini]
  - name: local
    base_url: http://127.0.0.1:8000/v1
    models: ["*"]
"""


def test_the_environment_then_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOBRIA_LANG", "en")
    monkeypatch.setenv("SOBRIA_DB", "sqlite:///env.db")
    monkeypatch.setenv("SOBRIA_TEST_PROVIDER_KEY", "sk-provider")
    plain = gateway_settings(Settings(), parse_config(FILE.format(extra=""), "gw.yaml"))
    assert isinstance(plain, GatewaySettings) and isinstance(plain, Settings)
    assert (plain.lang, plain.db, plain.min_group) == ("en", "sqlite:///env.db", 5)
    assert {n: k.get_secret_value() for n, k in plain.provider_keys.items()} == {"openai": "sk-provider"}
    assert "sk-provider" not in repr(plain)
    own = gateway_settings(Settings(), parse_config(FILE.format(extra="lang: fr\nstore: sqlite:///gw.db\n"), "gw.yaml"))
    assert (own.lang, own.db) == ("fr", "sqlite:///gw.db")


def test_a_provider_key_variable_that_is_not_set_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_TEST_PROVIDER_KEY", raising=False)
    path = write_config(tmp_path, "http://127.0.0.1:9", write_policy(tmp_path))
    path.write_text(path.read_text().replace("    provider: openai\n",
                                             "    provider: openai\n    api_key_env: SOBRIA_TEST_PROVIDER_KEY\n"))
    from sobria.gateway.config import load_config

    with pytest.raises(UserInputError) as caught:
        build_gateway(load_config(path), Settings(db="sqlite://"))
    assert (caught.value.key, caught.value.params, caught.value.where) == (
        "gateway.config.no_provider_key", {"variable": "SOBRIA_TEST_PROVIDER_KEY"},
        Location(field="upstreams[0].api_key_env"))


def test_the_provider_key_goes_to_its_upstream_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOBRIA_TEST_PROVIDER_KEY", "sk-provider")
    path = write_config(tmp_path, "http://127.0.0.1:9", write_policy(tmp_path))
    path.write_text(path.read_text().replace("    provider: openai\n",
                                             "    provider: openai\n    api_key_env: SOBRIA_TEST_PROVIDER_KEY\n"))
    from sobria.gateway.config import load_config

    gw = build_gateway(load_config(path), Settings(db="sqlite://"))
    try:
        assert [t.headers.get("Authorization") for t in gw.upstreams.targets] == ["Bearer sk-provider", None]
    finally:
        gw.budgets.close()
