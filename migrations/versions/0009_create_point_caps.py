"""create point caps

Issue 19, finding 7: the most points one manual entry (奖/惩) or correction may carry, set by
an admin per unit; the lowest cap on a member's unit and the units above it applies, 100
without any.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('point_cap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cap >= 1 AND cap <= 10000', name=op.f('ck_point_cap_cap_in_range')),
    sa.ForeignKeyConstraint(['set_by_id'], ['person.id'], name=op.f('fk_point_cap_set_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_point_cap_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_cap')),
    sa.UniqueConstraint('unit_id', name=op.f('uq_point_cap_unit_id'))
    )


def downgrade():
    op.drop_table('point_cap')
