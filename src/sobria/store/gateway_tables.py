"""The gateway's tables: virtual keys, team budgets per month, journal checkpoints, request outcomes.

Created by migration ``0200_gateway``. Money-like quantities (kgCO2e) are floats; timestamps are
integer microseconds since the Unix epoch, UTC, as in :mod:`sobria.store.tables`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Integer, String, Table, Text

from sobria.store.tables import metadata

virtual_keys = Table(
    "gateway_keys", metadata,
    Column("id", String(32), primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("person", Text, nullable=True),
    Column("team", String(200), nullable=True),
    Column("purpose", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Column("revoked_us", BigInteger, nullable=True),
)
budgets = Table(
    "gateway_budgets", metadata,
    Column("team", String(200), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("reserved_ug", BigInteger, nullable=False),  # micrograms of CO2e: exact integer sums
    Column("spent_ug", BigInteger, nullable=False),
)
checkpoints = Table(
    "gateway_checkpoints", metadata,
    Column("journal", String(500), primary_key=True),
    Column("generation", String(64), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("updated_us", BigInteger, nullable=False),
)
requests = Table(
    "gateway_requests", metadata,
    Column("event_id", String(64), primary_key=True),
    Column("status_code", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("rule", Text, nullable=True),
    Column("error", String(64), nullable=True),
    Column("requested_model", Text, nullable=True),
    Column("stream", Boolean, nullable=False),
    Column("upstream", String(200), nullable=True),  # the upstream that answered
    Column("fallbacks", Text, nullable=True),  # "name:why, ..." of the upstreams that failed before it
    Column("purpose_source", String(16), nullable=True),  # key | checked | unchecked (the client's word only)
    Column("endpoint", String(64), nullable=True),  # the API called: /v1/chat/completions, /v1/responses...
)
