"""The gateway as a raw ASGI application: routing, authentication, and the one place where
errors become HTTP answers (OpenAI error format, Anthropic's under ``/v1/messages``; never a 500 for
a client's mistake). The APIs beyond chat, completions, embeddings and images are routed by ``apis``."""

from __future__ import annotations

import asyncio
import gc
import logging
import os

from sobria.gateway.admin import authorise_admin, handle_admin
from sobria.gateway.apis import ClientApis, anthropic_client, error_body, model_entry, model_list
from sobria.gateway.call import close
from sobria.gateway.drain_process import RESTART_BYTES
from sobria.gateway.enforce import enforce_policy
from sobria.gateway.forward import forward
from sobria.gateway.http import (
    JSON_HEADERS,
    BodyTimeoutError,
    BodyTooLargeError,
    GatewayError,
    Headers,
    Receive,
    Scope,
    Send,
    client_token,
    headers_size,
    read_body,
    send_bytes,
    send_json,
)
from sobria.gateway.inbound import OPERATIONS, parse_inbound
from sobria.gateway.keys import KeyRecord
from sobria.gateway.runtime import Gateway

log = logging.getLogger("sobria.gateway")
security = logging.getLogger("sobria.gateway.security")


class GatewayApp:
    """ASGI entry point; ``gateway`` is built once at start-up (see :func:`build_gateway`)."""

    def __init__(self, gateway: Gateway) -> None:
        self.gw = gateway
        self.apis = ClientApis(gateway, self._authenticate)  # Responses, Anthropic Messages, audio, moderations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            if headers_size(scope) > self.gw.config.max_header_bytes:
                raise GatewayError(431, "headers_too_large", self.gw.t("gateway.error.headers_too_large",
                                                                       limit=self.gw.config.max_header_bytes))
            await self._route(scope, receive, send)
        except BodyTimeoutError:
            slow = GatewayError(408, "body_timeout", self.gw.t("gateway.error.body_timeout",
                                                               limit=self.gw.config.body_timeout_s))
            self.rejected(scope, slow)
            await self._error(scope, send, slow, [(b"connection", b"close")])
        except GatewayError as err:
            self.rejected(scope, err)
            await self._error(scope, send, err)
        except BodyTooLargeError:
            limit = self.gw.config.max_body_bytes
            too_large = GatewayError(413, "body_too_large", self.gw.t("gateway.error.too_large", limit=limit))
            self.rejected(scope, too_large)
            await self._error(scope, send, too_large)

    async def _error(self, scope: Scope, send: Send, err: GatewayError, headers: Headers | None = None) -> None:
        """The error in the shape of the API called (OpenAI's, Anthropic's for ``/v1/messages``)."""
        await send_bytes(send, err.status, error_body(scope["path"], err, anthropic_client(scope)),
                         [*JSON_HEADERS, *(err.headers or []), *(headers or [])])

    def rejected(self, scope: Scope, err: GatewayError) -> None:
        """A request refused before any usage event (400, 401, 404, 405, 413): the security log and a
        counter, with the key's id when it was recognised (a 403 of the charter is a usage event)."""
        if err.status == 403 and err.kind == "policy_error":
            return
        key: KeyRecord | None = scope.get("sobria.key")
        client = scope.get("client") or ("-", 0)
        security.warning("rejected status=%d code=%s method=%s path=%s key=%s client=%s", err.status, err.code,
                         scope.get("method"), scope.get("path"), key.id if key else "-", client[0])
        self.gw.metrics.inc("sobria_gateway_rejected_total", status=str(err.status), code=err.code)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method, gw = scope["path"], scope["method"], self.gw
        if path in OPERATIONS:
            if method != "POST":
                raise GatewayError(405, "method_not_allowed", gw.t("gateway.error.method", method=method))
            await self._api(scope, receive, send, path)
        elif (handler := self.apis.handler(path, method)) is not None:
            await handler(scope, receive, send)
        elif path == "/v1/models" and method == "GET":
            await self._authenticate(scope)
            await send_json(send, 200, model_list(gw.upstreams.models(), anthropic_client(scope)))
        elif path.startswith("/v1/models/") and method == "GET":
            await self._authenticate(scope)
            model = path.removeprefix("/v1/models/")
            if model not in gw.upstreams.models():
                raise GatewayError(404, "model_not_found", gw.t("gateway.error.unknown_model", model=model),
                                   param="model")
            await send_json(send, 200, model_entry(model, anthropic_client(scope)))
        elif path == "/healthz":
            await send_json(send, 200, {"status": "ok", "pid": os.getpid(), "journal_lag_bytes": gw.lag_bytes()})
        elif path == "/metrics":
            self._metrics_allowed(scope)
            gauges = {"sobria_gateway_journal_lag_bytes": float(gw.lag_bytes()),
                      "sobria_gateway_events_stored": float(gw.drain.stored.value)}
            await send_bytes(send, 200, gw.metrics.render(gauges).encode(),
                             [(b"content-type", b"text/plain; version=0.0.4")])
        elif path.startswith("/admin/"):
            await handle_admin(gw, scope, receive, send)
        else:
            raise GatewayError(404, "not_found", gw.t("gateway.error.not_found", path=path))

    async def _api(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        gw = self.gw
        started = gw.clock.monotonic()
        key = await self._authenticate(scope)
        body = await read_body(receive, gw.config.max_body_bytes, gw.config.body_timeout_s)
        images = gw.rules.image_models[0] if gw.rules.image_models else None
        inbound = parse_inbound(path, body, gw.t, images)
        call = await enforce_policy(gw, scope, key, inbound, started)
        try:
            await forward(gw, call, body, send, path.removeprefix("/v1"))
        finally:
            close(gw, call)

    def _metrics_allowed(self, scope: Scope) -> None:
        mode = self.gw.config.metrics
        if mode == "off":
            raise GatewayError(404, "not_found", self.gw.t("gateway.error.metrics_disabled"))
        if mode == "admin":
            authorise_admin(self.gw, scope)

    async def _authenticate(self, scope: Scope) -> KeyRecord:
        gw = self.gw
        token = client_token(scope)
        if not token:
            raise GatewayError(401, "missing_api_key", gw.t("gateway.error.missing_key"), kind="authentication_error")
        record = await gw.keys.lookup(token)
        if record is None:
            raise GatewayError(401, "invalid_api_key", gw.t("gateway.error.invalid_key"), kind="authentication_error")
        if not record.active:
            raise GatewayError(401, "key_revoked", gw.t("gateway.error.revoked_key", prefix=record.prefix),
                               kind="authentication_error")
        scope["sobria.key"] = record
        return record

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.gw.drain.start()
                gc.freeze()  # start-up objects (catalogue, policy, scanner) leave the collector's scans
                self.gw.tasks = [asyncio.create_task(self._restart_loop()), asyncio.create_task(self._key_loop())]
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in self.gw.tasks:
                    task.cancel()
                await asyncio.gather(*self.gw.tasks, return_exceptions=True)
                await self.apis.responses.background.close()  # their events before the drain's last pass
                await self.gw.upstreams.close()
                self.gw.budgets.close()
                await asyncio.to_thread(self.gw.drain.finish)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _restart_loop(self) -> None:
        """Empty the slot once it is large and fully drained (here: the only place that appends)."""
        gw = self.gw
        while True:
            await asyncio.sleep(gw.config.drain_interval_s)
            drained = gw.drain.offset()
            if drained >= RESTART_BYTES and drained == gw.journal.size():
                gw.journal.restart()

    async def _key_loop(self) -> None:
        while True:
            await asyncio.sleep(self.gw.config.key_refresh_s)
            await asyncio.to_thread(self.gw.keys.refresh)
