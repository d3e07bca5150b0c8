"""Dashboard: pending OpenID Connect sign-ins (state, nonce, PKCE verifier).

Revision ID: 1000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1000"
down_revision = "0800"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_oidc_flows",
        sa.Column("state_hash", sa.String(64), primary_key=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("expires_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_oidc_flows")
