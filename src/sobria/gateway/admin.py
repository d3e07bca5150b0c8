"""The admin API: create, list and revoke virtual keys (``Authorization: Bearer <admin key>``).

``POST /admin/keys`` ``{"name", "person", "team", "purpose"}`` → the key, shown once;
``GET /admin/keys`` → every key without secrets; ``DELETE /admin/keys/{id}`` → the revoked key.
The admin key itself is configured as its SHA-256 (``admin_key_sha256``), never in clear.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

from sobria.errors import UserInputError
from sobria.gateway.http import GatewayError, Receive, Scope, Send, bearer, read_body, send_json
from sobria.gateway.keys import KeyRecord, create_key, list_keys, revoke_key
from sobria.gateway.runtime import Gateway


def admin_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authorise_admin(gw: Gateway, scope: Scope) -> None:
    """The admin key, as ``Authorization: Bearer <key>`` only (RFC 6750: any case of ``Bearer``;
    a bare key is refused)."""
    expected = gw.config.admin_key_sha256
    if expected is None:
        raise GatewayError(403, "admin_disabled", gw.t("gateway.error.admin_disabled"), kind="permission_error")
    given = bearer(scope)
    if given is None or not hmac.compare_digest(admin_hash(given), expected):
        raise GatewayError(401, "invalid_admin_key", gw.t("gateway.error.invalid_admin_key"),
                           kind="authentication_error")


def key_json(record: KeyRecord) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "prefix": record.prefix, "person": record.person,
            "team": record.team, "purpose": record.purpose, "created_us": record.created_us,
            "revoked_us": record.revoked_us, "active": record.active}


async def handle_admin(gw: Gateway, scope: Scope, receive: Receive, send: Send) -> None:
    authorise_admin(gw, scope)
    method, path = scope["method"], scope["path"]
    if path == "/admin/keys" and method == "GET":
        records = await asyncio.to_thread(list_keys, gw.store)
        await send_json(send, 200, {"object": "list", "data": [key_json(r) for r in records]})
    elif path == "/admin/keys" and method == "POST":
        fields = _fields(gw, await read_body(receive, 65536, gw.config.body_timeout_s))
        try:
            person = gw.person_key(fields["person"]) if fields["person"] else None
            record, token = await asyncio.to_thread(create_key, gw.store, fields["name"] or "", person,
                                                    fields["team"], fields["purpose"])
        except UserInputError as err:
            raise GatewayError(400, "invalid_value", gw.t.error(err)) from None
        await asyncio.to_thread(gw.keys.refresh)
        await send_json(send, 201, {**key_json(record), "key": token})
    elif path.startswith("/admin/keys/") and method == "DELETE":
        try:
            record = await asyncio.to_thread(revoke_key, gw.store, path.removeprefix("/admin/keys/"))
        except UserInputError as err:
            raise GatewayError(404, "key_not_found", gw.t.error(err)) from None
        await asyncio.to_thread(gw.keys.refresh)
        await send_json(send, 200, key_json(record))
    else:
        raise GatewayError(404, "not_found", gw.t("gateway.error.not_found", path=path))


def _fields(gw: Gateway, body: bytes) -> dict[str, str | None]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise GatewayError(400, "invalid_json", gw.t("gateway.error.invalid_json", detail=str(exc)[:120])) from None
    if not isinstance(data, dict):
        raise GatewayError(400, "invalid_json", gw.t("gateway.error.not_object"))
    fields: dict[str, str | None] = {}
    for name in ("name", "person", "team", "purpose"):
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise GatewayError(400, "invalid_value", gw.t("gateway.error.not_text", field=name), param=name)
        fields[name] = value
    if not fields["name"]:
        raise GatewayError(400, "missing_field", gw.t("gateway.error.missing_field", field="name"), param="name")
    return fields
