"""Audits: KPIs, waste, adoption, scenarios and the report's figures."""
