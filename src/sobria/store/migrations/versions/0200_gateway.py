"""Gateway: virtual keys, monthly team budgets, journal checkpoints, request outcomes.

Revision ID: 0200
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_keys",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("person", sa.Text(), nullable=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("revoked_us", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "gateway_budgets",
        sa.Column("team", sa.String(200), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("reserved_kgco2e", sa.Float(), nullable=False),
        sa.Column("spent_kgco2e", sa.Float(), nullable=False),
    )
    op.create_table(
        "gateway_checkpoints",
        sa.Column("journal", sa.String(500), primary_key=True),
        sa.Column("generation", sa.String(64), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("updated_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "gateway_requests",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("error", sa.String(64), nullable=True),
        sa.Column("requested_model", sa.Text(), nullable=True),
        sa.Column("stream", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gateway_requests")
    op.drop_table("gateway_checkpoints")
    op.drop_table("gateway_budgets")
    op.drop_table("gateway_keys")
