"""Events: one secondary index (time). The team and person indexes are dropped.

Every read of the events filters on time (``Store.read_events``); a team filter narrows the
period's rows, which are read anyway. Each index costs a rebuild (or a B-tree insert per row) on
every import: on 1,000,000 events the two dropped ones cost about 2 s of a SQLite import.

Revision ID: 0300
"""

from __future__ import annotations

from alembic import op

revision = "0300"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("events_team_ts", table_name="events")
    op.drop_index("events_person_ts", table_name="events")


def downgrade() -> None:
    op.create_index("events_person_ts", "events", ["person", "ts_us"])
    op.create_index("events_team_ts", "events", ["team", "ts_us"])
