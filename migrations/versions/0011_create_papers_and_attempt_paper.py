"""create papers and mark paper sittings

Issue 18, part 2 (paper tests that count): the printed versions (A, B) of a published test,
each with its questions and option orders fixed, and ``attempt.paper_id``, the version a
paper sitting was entered against (None for a sitting online).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=1), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("label IN ('A', 'B')", name=op.f('ck_paper_label_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_paper_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_paper_created_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper')),
    sa.UniqueConstraint('activity_id', 'label', name=op.f('uq_paper_activity_id_label'))
    )
    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_activity_id'), ['activity_id'], unique=False)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attempt_paper_id'), ['paper_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attempt_paper_id_paper'), 'paper', ['paper_id'], ['id'], ondelete='RESTRICT')


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempt_paper_id_paper'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attempt_paper_id'))
        batch_op.drop_column('paper_id')

    with op.batch_alter_table('paper', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_activity_id'))

    op.drop_table('paper')
