"""Gateway budgets in integer micrograms of CO2e, so that reserving then settling is exact; the
upstream that answered a request and the fallbacks tried before it.

With kgCO2e floats, a huge reservation absorbed the small ones added beside it (2.9e18 + 1e-4 -
2.9e18 = 0) and left a team at a negative reservation for good; integers add and subtract exactly.

Revision ID: 0500
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0500"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gateway_budgets") as batch:
        batch.add_column(sa.Column("reserved_ug", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("spent_ug", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute("UPDATE gateway_budgets SET reserved_ug = CAST(ROUND(reserved_kgco2e * 1000000000) AS BIGINT), "
               "spent_ug = CAST(ROUND(spent_kgco2e * 1000000000) AS BIGINT)")
    with op.batch_alter_table("gateway_budgets") as batch:
        batch.drop_column("reserved_kgco2e")
        batch.drop_column("spent_kgco2e")
    op.add_column("gateway_requests", sa.Column("upstream", sa.String(200), nullable=True))
    op.add_column("gateway_requests", sa.Column("fallbacks", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gateway_requests") as batch:
        batch.drop_column("fallbacks")
        batch.drop_column("upstream")
    with op.batch_alter_table("gateway_budgets") as batch:
        batch.add_column(sa.Column("reserved_kgco2e", sa.Float(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("spent_kgco2e", sa.Float(), nullable=False, server_default="0"))
    op.execute("UPDATE gateway_budgets SET reserved_kgco2e = reserved_ug / 1e9, spent_kgco2e = spent_ug / 1e9")
    with op.batch_alter_table("gateway_budgets") as batch:
        batch.drop_column("reserved_ug")
        batch.drop_column("spent_ug")
