"""Virtual keys: hashed storage, the admin API, and ``sobria keys``."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from sobria.errors import UserInputError
from sobria.gateway.keys import PREFIX_LENGTH, TOKEN_PREFIX, create_key, hash_key, list_keys, revoke_key
from sobria.store import open_store
from sobria.store.gateway_tables import virtual_keys
from tests.gateway.conftest import ADMIN_KEY, Running


def test_admin_api_creates_lists_and_revokes(running: Running) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    created = httpx.post(f"{running.url}/admin/keys", headers=admin,
                         json={"name": "Chloé", "person": "p_chloe", "team": "marketing"})
    assert created.status_code == 201
    token = created.json()["key"]
    assert token.startswith(TOKEN_PREFIX) and len(token) == len(TOKEN_PREFIX) + 43
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(virtual_keys).where(virtual_keys.c.id == created.json()["id"])).mappings().one()
    assert (row["key_hash"], row["prefix"], row["team"]) == (hash_key(token), token[:PREFIX_LENGTH], "marketing")
    assert token not in {str(v) for v in row.values()}
    chat = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "bonjour"}]}
    assert httpx.post(f"{running.url}/v1/chat/completions", json=chat,
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = httpx.get(f"{running.url}/admin/keys", headers=admin).json()["data"]
    assert [k["name"] for k in listed if k["team"] == "marketing"] == ["Chloé"]
    assert all("key" not in k for k in listed)
    revoked = httpx.delete(f"{running.url}/admin/keys/{created.json()['id']}", headers=admin)
    assert (revoked.status_code, revoked.json()["active"]) == (200, False)
    after = httpx.post(f"{running.url}/v1/chat/completions", json=chat, headers={"Authorization": f"Bearer {token}"})
    assert (after.status_code, after.json()["error"]["code"]) == (401, "key_revoked")


def test_admin_api_refuses_a_wrong_admin_key(running: Running) -> None:
    r = httpx.get(f"{running.url}/admin/keys", headers={"Authorization": f"Bearer {running.key}"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_admin_key")
    missing = httpx.delete(f"{running.url}/admin/keys/nope", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "key_not_found")


def test_admin_api_pseudonymises_people_unless_names_are_kept(running: Running) -> None:
    from sobria.ingest.pseudonym import pseudonym

    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    running.gw.keep_names, running.gw.secret = False, b"s" * 32
    try:
        created = httpx.post(f"{running.url}/admin/keys", headers=admin,
                             json={"name": "Denis", "person": "Denis@Example.fr", "team": "rh"})
        assert created.json()["person"] == pseudonym(b"s" * 32, "denis@example.fr")
        running.gw.secret = None
        refused = httpx.post(f"{running.url}/admin/keys", headers=admin,
                             json={"name": "Eve", "person": "eve@example.fr"})
        assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_value")
        assert refused.json()["error"]["message"].startswith("paramètre SOBRIA_SECRET_FILE")
    finally:
        running.gw.keep_names = True


def test_revoke_by_a_unique_whole_prefix_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    store.migrate()
    tokens = iter(["sk-sobria-abcdefXXXX-one", "sk-sobria-abcdefYYYY-two", "sk-sobria-zzzzzzZZZZ-three"])
    monkeypatch.setattr("sobria.gateway.keys.new_token", lambda: next(tokens))
    first = [create_key(store, name, None, "t")[0] for name in ("un", "deux", "trois")]
    assert {r.prefix for r in first} == {"sk-sobria-abcdef", "sk-sobria-zzzzzz"}  # 6 random characters
    with pytest.raises(UserInputError) as ambiguous:
        revoke_key(store, "sk-sobria-abcdef")
    assert ambiguous.value.key == "gateway.keys.ambiguous"
    for start in ("sk-sobria-zz", "sk-sobria-abc"):   # the start of a prefix, even one only a key has: refused
        with pytest.raises(UserInputError) as short:
            revoke_key(store, start)
        assert (short.value.key, short.value.where.parameter) == ("gateway.keys.short_prefix", "key")
    assert [r.active for r in list_keys(store)] == [True, True, True]
    assert revoke_key(store, "sk-sobria-zzzzzz").name == "trois"
    assert revoke_key(store, first[1].id).name == "deux"  # by id, always unique
    assert [r.active for r in list_keys(store)] == [True, False, False]
