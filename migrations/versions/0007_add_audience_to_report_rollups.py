"""add audience to report roll-ups

Issue 5: each roll-up row also keeps its unit's audience size (``activity_member`` rows), so
that a ranking of every branch reads the roll-up alone instead of counting every audience row.
The rows of activities whose roll-up is in use are filled from ``activity_member`` here (units
with an audience but no result get a row); the others are filled by their next rebuild.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Portable upsert (PostgreSQL and SQLite >= 3.24; SQLite needs the WHERE before ON CONFLICT).
FILL = """
INSERT INTO report_rollup (activity_id, unit_id, participants, pct_sum, passed, excellent,
                           bin_0, bin_1, bin_2, bin_3, bin_4, audience)
SELECT activity_id, unit_id, 0, 0.0, 0, 0, 0, 0, 0, 0, 0, count(*)
FROM activity_member
WHERE activity_id IN (SELECT activity_id FROM rollup_state)
GROUP BY activity_id, unit_id
ON CONFLICT (activity_id, unit_id) DO UPDATE SET audience = excluded.audience
"""


def upgrade():
    with op.batch_alter_table('report_rollup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.Integer(), nullable=False, server_default='0'))
    op.execute(FILL)
    with op.batch_alter_table('report_rollup', schema=None) as batch_op:
        batch_op.alter_column('audience', server_default=None)


def downgrade():
    with op.batch_alter_table('report_rollup', schema=None) as batch_op:
        batch_op.drop_column('audience')
