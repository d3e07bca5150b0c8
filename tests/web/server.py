"""A real uvicorn server on 127.0.0.1 (an ephemeral port) in a thread, for the browser tests: the
gateway tests' server helper, one implementation for both."""

from __future__ import annotations

from tests.gateway.support import serve_in_thread as running

__all__ = ["running"]
