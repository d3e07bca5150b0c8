"""Governance: AI Act inventory, tools registry, training, maturity, ethics committee."""
