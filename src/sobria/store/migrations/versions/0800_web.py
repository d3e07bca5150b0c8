"""Dashboard: local accounts, sessions, login throttling.

Revision ID: 0800
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0700"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_accounts",
        sa.Column("username", sa.String(200), primary_key=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("person", sa.Text(), nullable=True),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(200), nullable=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "web_login_failures",
        sa.Column("subject", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_login_failures")
    op.drop_table("web_sessions")
    op.drop_table("web_accounts")
