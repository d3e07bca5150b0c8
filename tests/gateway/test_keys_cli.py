"""``sobria keys create|list|revoke`` (mounted the way cli/app.py will mount it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from sobria.cli import app as cli_app
from sobria.cli import keys_cmd
from sobria.gateway.keys import PREFIX_LENGTH, hash_key
from sobria.ingest.pseudonym import create_secret, pseudonym
from sobria.store import open_store
from sobria.store.gateway_tables import virtual_keys


@pytest.fixture
def cli() -> typer.Typer:
    root = typer.Typer()
    root.callback()(cli_app.root)
    root.add_typer(keys_cmd.app, name="keys")
    return root


def test_create_list_revoke(cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    secret = create_secret(tmp_path / "secret.key")
    monkeypatch.setenv("SOBRIA_DB", db)
    monkeypatch.setenv("SOBRIA_SECRET_FILE", str(tmp_path / "secret.key"))
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "Alice", "--team", "rh", "--person", "alice@example.fr"])
    assert created.exit_code == 0, created.output
    message, token = created.output.strip().splitlines()
    assert message == "Clé créée pour Alice (équipe : rh). Elle ne sera plus jamais affichée :"
    engine = open_store(db).engine
    with engine.connect() as conn:
        row = conn.execute(sa.select(virtual_keys)).mappings().one()
    assert (row["key_hash"], row["person"]) == (hash_key(token), pseudonym(secret, "alice@example.fr"))
    listed = runner.invoke(cli, ["--lang", "en", "keys", "list"])
    assert "Alice" in listed.output and "active" in listed.output and token not in listed.output
    revoked = runner.invoke(cli, ["keys", "revoke", row["id"]])
    assert revoked.output.strip() == f"Clé {token[:PREFIX_LENGTH]}… (Alice) révoquée."
    with engine.connect() as conn:
        assert conn.execute(sa.select(virtual_keys.c.revoked_us)).scalar_one() is not None
