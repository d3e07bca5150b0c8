"""Running the gateway: uvicorn with httptools and uvloop when they are installed."""

from __future__ import annotations

import importlib.util

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import GatewayConfig
from sobria.gateway.runtime import build_gateway
from sobria.settings import Settings

# Longer than the usual load-balancer idle timeout (60 s), so that the balancer, not the gateway,
# closes idle connections: a connection closed by the server while the client reuses it is a reset.
KEEP_ALIVE_S = 75


def serve(config: GatewayConfig, settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (one process; run several behind a load balancer to scale)."""
    import uvicorn

    app = GatewayApp(build_gateway(config, settings))
    uvicorn.run(app, host=host or config.listen.host, port=port if port is not None else config.listen.port,
                loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
                http="httptools" if importlib.util.find_spec("httptools") else "h11",
                log_level="warning", access_log=False, lifespan="on", timeout_keep_alive=KEEP_ALIVE_S,
                h11_max_incomplete_event_size=config.max_header_bytes)
