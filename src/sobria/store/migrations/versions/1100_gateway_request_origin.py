"""Where a gateway request's purpose came from (the key's own, declared and checked against the
key's purposes, or declared by a key that names none: the client's word only), and the API it
called (``/v1/chat/completions``, ``/v1/responses``, ``/v1/messages``...).

Revision ID: 1100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1100"
down_revision = "1010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("gateway_requests", sa.Column("purpose_source", sa.String(16), nullable=True))
    op.add_column("gateway_requests", sa.Column("endpoint", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gateway_requests") as batch:
        batch.drop_column("endpoint")
        batch.drop_column("purpose_source")
