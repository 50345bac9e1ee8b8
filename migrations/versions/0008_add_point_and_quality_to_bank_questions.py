"""add point and quality to bank questions

Issue 14: every question tests one key point (``point``); the questions of one point are
variants and a paper holds at most one of them. ``quality`` is the builder's own rank (0-1),
which orders the review list; None for a question written by hand.

Rows already in the bank get a point of their own ('own-' and their id) and no rank; the next
re-import of a speech gives its built questions the builder's points and ranks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bank_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('point', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('quality', sa.Float(), nullable=True))
    op.execute("UPDATE bank_question SET point = 'own-' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table('bank_question', schema=None) as batch_op:
        batch_op.alter_column('point', existing_type=sa.String(length=255), nullable=False)
        batch_op.create_check_constraint('quality_range', 'quality IS NULL OR quality BETWEEN 0 AND 1')
        batch_op.create_index(batch_op.f('ix_bank_question_point'), ['point'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_question_point'))
        batch_op.drop_constraint(batch_op.f('ck_bank_question_quality_range'), type_='check')
        batch_op.drop_column('quality')
        batch_op.drop_column('point')
