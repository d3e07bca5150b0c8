"""Governance: training records (AI literacy evidence) and the ethics committee's log.

Revision ID: 0100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_records",
        sa.Column("person", sa.String(64), primary_key=True),
        sa.Column("module", sa.String(100), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("session", sa.Text(), nullable=True),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
    )
    op.create_index("training_records_module", "training_records", ["module", "day"])
    op.create_table(
        "committee_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("logged_on", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_on", sa.String(10), nullable=True),
        sa.Column("recorded_us", sa.BigInteger(), nullable=False),
    )
    op.create_index("committee_log_logged_on", "committee_log", ["logged_on"])


def downgrade() -> None:
    op.drop_table("committee_log")
    op.drop_table("training_records")
