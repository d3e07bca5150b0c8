"""Running the gateway: uvicorn with httptools and uvloop when they are installed."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from typing import Any

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import GatewayConfig
from sobria.gateway.runtime import build_gateway
from sobria.settings import Settings

# Longer than the usual load-balancer idle timeout (60 s), so that the balancer, not the gateway,
# closes idle connections: a connection closed by the server while the client reuses it is a reset.
KEEP_ALIVE_S = 75


def http_protocol(app: GatewayApp) -> type[asyncio.Protocol] | str:
    """httptools with the gateway's bounded header phase (:mod:`sobria.gateway.protocol`); h11
    without httptools (its header size bounded by ``h11_max_incomplete_event_size``, no header timeout)."""
    if importlib.util.find_spec("httptools") is None:
        return "h11"
    from sobria.gateway.protocol import gateway_protocol

    return gateway_protocol(app)


def uvicorn_config(app: GatewayApp, host: str, port: int, **options: Any) -> Any:
    """The uvicorn configuration serving ``app`` (``options``: uvicorn's, over the gateway's)."""
    import uvicorn

    settings: dict[str, Any] = {
        "loop": "uvloop" if importlib.util.find_spec("uvloop") else "asyncio", "http": http_protocol(app),
        "log_level": "warning", "access_log": False, "lifespan": "on", "timeout_keep_alive": KEEP_ALIVE_S,
        "h11_max_incomplete_event_size": app.gw.config.max_header_bytes, **options}
    return uvicorn.Config(app, host=host, port=port, **settings)


def serve(config: GatewayConfig, settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (one process; run several behind a load balancer to scale)."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    app = GatewayApp(build_gateway(config, settings))
    server = uvicorn.Server(uvicorn_config(app, host or config.listen.host,
                                           port if port is not None else config.listen.port))
    server.run()
    if not server.started:  # as uvicorn.run: a port taken, a failed start-up
        sys.exit(STARTUP_FAILURE)
