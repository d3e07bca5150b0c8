"""Virtual keys: one per person or service, tied to a team, stored as a keyed hash only.

A key is a high-entropy random token (``sk-sobria-`` + 43 URL-safe characters, 256 bits), so a
keyed SHA-256 (HMAC) is enough: nobody can guess a key from its hash, and checking a key costs a
microsecond. The store keeps the hash and a prefix (``sk-sobria-`` and 6 random characters, 36 bits:
to recognise a key in a list), never the key itself: it is shown once, when created. A key is revoked
by its id, or by its whole prefix (or the whole key) only when exactly one key has it: the start of a
prefix is refused, so that a short string never revokes a key it happened to be unique to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sobria.errors import Location, UserInputError
from sobria.store import KeyRecord, Store

__all__ = ["PREFIX_LENGTH", "TOKEN_PREFIX", "KeyRecord", "create_key", "find_key", "hash_key", "keys_by_hash",
           "list_keys", "new_token", "revoke_key"]

TOKEN_PREFIX = "sk-sobria-"
PREFIX_LENGTH = 16
_HASH_KEY = b"sobria-gateway-virtual-key-v1"


def hash_key(token: str) -> str:
    """The stored form of a key (hex HMAC-SHA-256)."""
    return hmac.new(_HASH_KEY, token.encode("utf-8"), hashlib.sha256).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_key(store: Store, name: str, person: str | None, team: str | None,
               purpose: str | None = None) -> tuple[KeyRecord, str]:
    """Create a key; returns its record and the token (the only time the token is known)."""
    if not name.strip():
        raise UserInputError("gateway.keys.empty_name", {}, Location(parameter="name"))
    token = new_token()
    record = KeyRecord(id=secrets.token_hex(8), name=name.strip(), prefix=token[:PREFIX_LENGTH], person=person,
                       team=team, purpose=purpose, created_us=time.time_ns() // 1000)
    store.insert_key(record, hash_key(token))
    return record, token


def list_keys(store: Store) -> list[KeyRecord]:
    return store.keys()


def revoke_key(store: Store, key_id: str) -> KeyRecord:
    """Revoke the key whose id is ``key_id``, or the one key with this whole prefix (the whole key works
    too); an unknown or ambiguous key, or a prefix cut short, is a user error."""
    now_us = time.time_ns() // 1000
    if key_id.startswith(TOKEN_PREFIX) and len(key_id) < PREFIX_LENGTH:
        raise UserInputError("gateway.keys.short_prefix", {"id": key_id, "length": PREFIX_LENGTH},
                             Location(parameter="key"))
    if key_id.startswith(TOKEN_PREFIX):
        found = store.revoke_key(prefix=key_id[:PREFIX_LENGTH], now_us=now_us)
    else:
        found = store.revoke_key(key_id=key_id, now_us=now_us)
    if not found:
        raise UserInputError("gateway.keys.unknown", {"id": key_id}, Location(parameter="key"))
    if len(found) > 1:
        raise UserInputError("gateway.keys.ambiguous", {"id": key_id}, Location(parameter="key"))
    return found[0]


def keys_by_hash(store: Store) -> dict[str, KeyRecord]:
    """Every key (revoked ones included, to say so) by hash: the gateway's in-memory table."""
    return store.keys_by_hash()


def find_key(store: Store, key_hash: str) -> KeyRecord | None:
    """The key with this hash, straight from the store (a key created after the last refresh)."""
    return store.key_by_hash(key_hash)
