"""Events: the thread signals of chat requests (``thread_turn``, ``thread_signal``) and the optional
semantic fingerprint (``semantic_fingerprint``). No text: a turn count, a signal name, a short
locality-sensitive hash (docs/waste.md).

Revision ID: 0700
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0700"
down_revision = "0500"
branch_labels = None
depends_on = None

_COLUMNS = (("thread_turn", sa.BigInteger()), ("thread_signal", sa.Text()), ("semantic_fingerprint", sa.Text()))


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
