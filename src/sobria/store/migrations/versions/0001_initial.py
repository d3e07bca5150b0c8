"""Initial schema: organisation, teams, people, tools, import batches, events.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("ts_us", sa.BigInteger(), nullable=False),
        sa.Column("person", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("tool", sa.Text(), nullable=True),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=True),
        sa.Column("output_tokens", sa.BigInteger(), nullable=True),
        sa.Column("cached_input_tokens", sa.BigInteger(), nullable=True),
        sa.Column("reasoning_tokens", sa.BigInteger(), nullable=True),
        sa.Column("images", sa.BigInteger(), nullable=True),
        sa.Column("image_size", sa.Text(), nullable=True),
        sa.Column("image_quality", sa.Text(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("zone", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.Text(), nullable=True),
        sa.Column("image_used", sa.Boolean(), nullable=True),
        sa.Column("answer_kept", sa.Boolean(), nullable=True),
        sa.Column("prompt_fingerprint", sa.Text(), nullable=True),
        sa.Column("prompt_text", sa.Text(), nullable=True),
        sa.Column("cost_eur", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("tier", sa.Text(), nullable=False),
        sa.Column("request_count", sa.BigInteger(), nullable=False),
        sa.Column("energy_kwh_min", sa.Float(), nullable=True),
        sa.Column("energy_kwh_max", sa.Float(), nullable=True),
        sa.Column("gwp_kgco2e_min", sa.Float(), nullable=True),
        sa.Column("gwp_kgco2e_max", sa.Float(), nullable=True),
        sa.Column("water_l_min", sa.Float(), nullable=True),
        sa.Column("water_l_max", sa.Float(), nullable=True),
        sa.Column("adpe_kgsbeq_min", sa.Float(), nullable=True),
        sa.Column("adpe_kgsbeq_max", sa.Float(), nullable=True),
        sa.Column("pe_mj_min", sa.Float(), nullable=True),
        sa.Column("pe_mj_max", sa.Float(), nullable=True),
        sa.Column("est_cost_eur", sa.Float(), nullable=True),
        sa.Column("impact_status", sa.Text(), nullable=True),
        sa.Column("resolved_model", sa.Text(), nullable=True),
        sa.Column("batch_id", sa.String(64), nullable=False),
    )
    op.create_index("events_person_ts", "events", ["person", "ts_us"])
    op.create_index("events_team_ts", "events", ["team", "ts_us"])
    op.create_index("events_ts", "events", ["ts_us"])
    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("started_us", sa.BigInteger(), nullable=False),
        sa.Column("finished_us", sa.BigInteger(), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_inserted", sa.BigInteger(), nullable=False),
        sa.Column("rows_rejected", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("created_us", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("person", sa.String(64), primary_key=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
    )
    op.create_table(
        "teams",
        sa.Column("name", sa.String(200), primary_key=True),
    )
    op.create_table(
        "tools",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("tier", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("tools")
    op.drop_table("teams")
    op.drop_table("people")
    op.drop_table("organisation")
    op.drop_table("import_batches")
    op.drop_table("events")
