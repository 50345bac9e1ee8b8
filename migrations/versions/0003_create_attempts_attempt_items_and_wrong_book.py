"""create attempts, attempt items and the wrong book

Members answering: an attempt per sitting (today a practice; studies and tests
follow), its questions with their order and option order fixed at the start
(attempt_item, with the client's save sequence so a stale autosave never
overwrites a newer one), and the 错题本 (wrong_book_entry). Two partial unique
indexes: one open practice per person, and one open 纠错 report per person and
question.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 00:22:30.573288

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('practice', name='attempt_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'submitted', 'abandoned', name='attempt_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.Enum('speech', 'random', 'mistakes', name='practice_source', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('speech_id', sa.Integer(), nullable=True),
    sa.Column('client_key', sa.String(length=64), nullable=True),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('current_position', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('max_score', sa.Integer(), nullable=True),
    sa.Column('correct_count', sa.Integer(), nullable=True),
    sa.CheckConstraint("(source = 'speech') = (speech_id IS NOT NULL)", name=op.f('ck_attempt_speech_iff_by_speech')),
    sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL AND score IS NOT NULL AND max_score IS NOT NULL AND correct_count IS NOT NULL)", name=op.f('ck_attempt_graded_iff_submitted')),
    sa.CheckConstraint("kind <> 'practice' OR source IS NOT NULL", name=op.f('ck_attempt_practice_has_source')),
    sa.CheckConstraint('correct_count BETWEEN 0 AND question_count', name=op.f('ck_attempt_correct_in_range')),
    sa.CheckConstraint('current_position BETWEEN 1 AND question_count', name=op.f('ck_attempt_position_in_range')),
    sa.CheckConstraint('question_count >= 1', name=op.f('ck_attempt_has_questions')),
    sa.CheckConstraint('score BETWEEN 0 AND max_score', name=op.f('ck_attempt_score_in_range')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_attempt_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['speech_id'], ['speech.id'], name=op.f('fk_attempt_speech_id_speech'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt')),
    sa.UniqueConstraint('person_id', 'client_key', name=op.f('uq_attempt_person_id_client_key'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_person_status', ['person_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_speech_id'), ['speech_id'], unique=False)
        batch_op.create_index('uq_attempt_open_practice', ['person_id'], unique=True, sqlite_where=sa.text("status = 'open' AND kind = 'practice'"), postgresql_where=sa.text("status = 'open' AND kind = 'practice'"))

    op.create_table('attempt_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('question_version', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('saved_seq', sa.BigInteger(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.CheckConstraint('max_points >= 0', name=op.f('ck_attempt_item_max_points_not_negative')),
    sa.CheckConstraint('points BETWEEN 0 AND max_points', name=op.f('ck_attempt_item_points_in_range')),
    sa.CheckConstraint('position >= 1', name=op.f('ck_attempt_item_position_positive')),
    sa.CheckConstraint('saved_seq >= 0', name=op.f('ck_attempt_item_saved_seq_not_negative')),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_attempt_item_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['bank_question.id'], name=op.f('fk_attempt_item_question_id_bank_question'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_item')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_attempt_item_attempt_id_position')),
    sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_attempt_item_attempt_id_question_id'))
    )
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_item_question_id'), ['question_id'], unique=False)

    op.create_table('wrong_book_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('wrong_count', sa.Integer(), nullable=False),
    sa.Column('right_streak', sa.Integer(), nullable=False),
    sa.Column('last_wrong_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('right_streak >= 0', name=op.f('ck_wrong_book_entry_right_streak_not_negative')),
    sa.CheckConstraint('wrong_count >= 1', name=op.f('ck_wrong_book_entry_wrong_count_positive')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_wrong_book_entry_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['bank_question.id'], name=op.f('fk_wrong_book_entry_question_id_bank_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wrong_book_entry')),
    sa.UniqueConstraint('person_id', 'question_id', name=op.f('uq_wrong_book_entry_person_id_question_id'))
    )
    with op.batch_alter_table('wrong_book_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wrong_book_entry_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('question_report', schema=None) as batch_op:
        batch_op.create_index('uq_question_report_open_per_person', ['person_id', 'question_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))



def downgrade():
    with op.batch_alter_table('question_report', schema=None) as batch_op:
        batch_op.drop_index('uq_question_report_open_per_person', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    with op.batch_alter_table('wrong_book_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wrong_book_entry_question_id'))

    op.drop_table('wrong_book_entry')
    with op.batch_alter_table('attempt_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_item_question_id'))

    op.drop_table('attempt_item')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('uq_attempt_open_practice', sqlite_where=sa.text("status = 'open' AND kind = 'practice'"), postgresql_where=sa.text("status = 'open' AND kind = 'practice'"))
        batch_op.drop_index(batch_op.f('ix_attempt_speech_id'))
        batch_op.drop_index('ix_attempt_person_status')

    op.drop_table('attempt')
