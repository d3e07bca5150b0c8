"""Governance tables (SQLAlchemy Core): training records and the ethics committee's log.

They share the store's ``metadata``; migration ``0100_governance`` creates them. Dates a person
types (a training day, the day a question was logged) are ISO ``YYYY-MM-DD`` text, the same on
SQLite and PostgreSQL; machine timestamps are integer microseconds (``*_us``) like elsewhere.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from sobria.store.tables import metadata

training_records = Table(
    "training_records", metadata,
    Column("person", String(64), primary_key=True),
    Column("module", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("session", Text, nullable=True),
    Column("recorded_us", BigInteger, nullable=False),
)
Index("training_records_module", training_records.c.module, training_records.c.day)

committee_log = Table(
    "committee_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("logged_on", String(10), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("team", String(200), nullable=True),
    Column("text", Text, nullable=False),
    Column("decision", Text, nullable=True),
    Column("decided_on", String(10), nullable=True),
    Column("recorded_us", BigInteger, nullable=False),
)
Index("committee_log_logged_on", committee_log.c.logged_on)
