"""Running the gateway: uvicorn with httptools and uvloop when they are installed."""

from __future__ import annotations

import importlib.util

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import GatewayConfig
from sobria.gateway.runtime import build_gateway
from sobria.settings import Settings


def serve(config: GatewayConfig, settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (one process; run several behind a load balancer to scale)."""
    import uvicorn

    app = GatewayApp(build_gateway(config, settings))
    uvicorn.run(app, host=host or config.listen.host, port=port if port is not None else config.listen.port,
                loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
                http="httptools" if importlib.util.find_spec("httptools") else "h11",
                log_level="warning", access_log=False, lifespan="on")
