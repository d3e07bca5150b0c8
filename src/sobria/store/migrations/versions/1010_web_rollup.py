"""Dashboard: the usage rollup (sums per person, team, tool, model, tier and month) and its coverage.

Revision ID: 1010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "1010"
down_revision = "1000"
branch_labels = None
depends_on = None

SUMS = ("gwp_kgco2e_min", "gwp_kgco2e_max", "energy_kwh_min", "energy_kwh_max", "water_l_min", "water_l_max",
        "est_cost_eur")


def upgrade() -> None:
    op.create_table(
        "web_rollup",
        sa.Column("month", sa.String(7), nullable=False),
        *(sa.Column(k, sa.Text(), nullable=True) for k in ("person", "team", "tool", "model", "tier")),
        sa.Column("request_count", sa.BigInteger(), nullable=True),
        *(sa.Column(c, sa.Float(), nullable=True) for c in SUMS),
    )
    op.create_index("web_rollup_month", "web_rollup", ["month"])
    op.create_table(
        "web_rollup_months",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("events", sa.BigInteger(), nullable=False),
        sa.Column("max_ts_us", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_rollup_months")
    op.drop_index("web_rollup_month", table_name="web_rollup")
    op.drop_table("web_rollup")
