"""The OpenAI-compatible gateway that applies the charter live (see docs/gateway.md)."""
