"""create report roll-ups

Issue 5: per (activity, unit) result sums kept up to date by grading, the close job and
regrades, so that rankings of every branch read a few thousand rows instead of every attempt.
Empty after the upgrade: the reports read the attempts until ``flask report rebuild-rollups``
(or the next submit of each activity) fills them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_rollup',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('pct_sum', sa.Float(), nullable=False),
    sa.Column('passed', sa.Integer(), nullable=False),
    sa.Column('excellent', sa.Integer(), nullable=False),
    sa.Column('bin_0', sa.Integer(), nullable=False),
    sa.Column('bin_1', sa.Integer(), nullable=False),
    sa.Column('bin_2', sa.Integer(), nullable=False),
    sa.Column('bin_3', sa.Integer(), nullable=False),
    sa.Column('bin_4', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_report_rollup_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_rollup_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'unit_id', name=op.f('pk_report_rollup'))
    )
    op.create_table('rollup_state',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('pass_percent', sa.Integer(), nullable=False),
    sa.Column('excellent_percent', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_rollup_state_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', name=op.f('pk_rollup_state'))
    )


def downgrade():
    op.drop_table('rollup_state')
    op.drop_table('report_rollup')
