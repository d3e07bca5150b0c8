"""Virtual keys: one per person or service, tied to a team, stored as a keyed hash only.

A key is a high-entropy random token (``sk-sobria-`` + 43 URL-safe characters, 256 bits), so a
keyed SHA-256 (HMAC) is enough: nobody can guess a key from its hash, and checking a key costs a
microsecond. The store keeps the hash and a prefix (``sk-sobria-`` and 6 random characters, 36 bits:
to recognise a key in a list), never the key itself: it is shown once, when created. A key is revoked
by its id, or by its prefix (or the start of it) only when exactly one key has it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sobria.errors import Location, UserInputError
from sobria.store.gateway_tables import virtual_keys

TOKEN_PREFIX = "sk-sobria-"
PREFIX_LENGTH = 16
_HASH_KEY = b"sobria-gateway-virtual-key-v1"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: str
    name: str
    prefix: str
    person: str | None
    team: str | None
    purpose: str | None
    created_us: int
    revoked_us: int | None = None

    @property
    def active(self) -> bool:
        return self.revoked_us is None


def hash_key(token: str) -> str:
    """The stored form of a key (hex HMAC-SHA-256)."""
    return hmac.new(_HASH_KEY, token.encode("utf-8"), hashlib.sha256).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_key(engine: Engine, name: str, person: str | None, team: str | None,
               purpose: str | None = None) -> tuple[KeyRecord, str]:
    """Create a key; returns its record and the token (the only time the token is known)."""
    if not name.strip():
        raise UserInputError("gateway.keys.empty_name", {}, Location(parameter="name"))
    token = new_token()
    record = KeyRecord(id=secrets.token_hex(8), name=name.strip(), prefix=token[:PREFIX_LENGTH], person=person,
                       team=team, purpose=purpose, created_us=time.time_ns() // 1000)
    with engine.begin() as conn:
        conn.execute(sa.insert(virtual_keys).values(key_hash=hash_key(token), **_row(record)))
    return record, token


def list_keys(engine: Engine) -> list[KeyRecord]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(virtual_keys).order_by(virtual_keys.c.created_us)).mappings().all()
    return [_record(r) for r in rows]


def revoke_key(engine: Engine, key_id: str) -> KeyRecord:
    """Revoke the key whose id is ``key_id``, or the one key whose prefix starts with it (the whole key
    works too); an unknown or ambiguous key is a user error."""
    if key_id.startswith(TOKEN_PREFIX):
        given = key_id[:PREFIX_LENGTH]
        where = virtual_keys.c.prefix.startswith(given, autoescape=True)
    else:
        where = virtual_keys.c.id == key_id
    with engine.begin() as conn:
        rows = conn.execute(sa.select(virtual_keys).where(where).limit(2)).mappings().all()
        if not rows:
            raise UserInputError("gateway.keys.unknown", {"id": key_id}, Location(parameter="key"))
        if len(rows) > 1:
            raise UserInputError("gateway.keys.ambiguous", {"id": key_id}, Location(parameter="key"))
        row = rows[0]
        if row["revoked_us"] is None:
            conn.execute(sa.update(virtual_keys).where(virtual_keys.c.id == row["id"])
                         .values(revoked_us=time.time_ns() // 1000))
        row = conn.execute(sa.select(virtual_keys).where(virtual_keys.c.id == row["id"])).mappings().one()
    return _record(row)


def keys_by_hash(engine: Engine) -> dict[str, KeyRecord]:
    """Every key (revoked ones included, to say so) by hash: the gateway's in-memory table."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(virtual_keys)).mappings().all()
    return {str(r["key_hash"]): _record(r) for r in rows}


def find_key(engine: Engine, key_hash: str) -> KeyRecord | None:
    """The key with this hash, straight from the store (a key created after the last refresh)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(virtual_keys).where(virtual_keys.c.key_hash == key_hash)).mappings().first()
    return _record(row) if row is not None else None


def _row(record: KeyRecord) -> dict[str, object]:
    return {"id": record.id, "name": record.name, "prefix": record.prefix, "person": record.person,
            "team": record.team, "purpose": record.purpose, "created_us": record.created_us,
            "revoked_us": record.revoked_us}


def _record(row: sa.RowMapping) -> KeyRecord:
    return KeyRecord(id=row["id"], name=row["name"], prefix=row["prefix"], person=row["person"], team=row["team"],
                     purpose=row["purpose"], created_us=row["created_us"], revoked_us=row["revoked_us"])
