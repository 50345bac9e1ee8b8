"""create drawn items: papers drawn before the rush

Issue 16, item 1: each audience member's first sitting of an activity is drawn ahead (by the
draw job right after publication), so that a start copies the paper into its attempt.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drawn_item',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('activity_version', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('question_version', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points >= 0', name=op.f('ck_drawn_item_max_points_not_negative')),
    sa.CheckConstraint('position >= 1', name=op.f('ck_drawn_item_position_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_drawn_item_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_drawn_item_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['bank_question.id'], name=op.f('fk_drawn_item_question_id_bank_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_drawn_item_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'person_id', 'position', name=op.f('pk_drawn_item'))
    )
    with op.batch_alter_table('drawn_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drawn_item_question_id'), ['question_id'], unique=False)


def downgrade():
    with op.batch_alter_table('drawn_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drawn_item_question_id'))
    op.drop_table('drawn_item')
