"""create speeches, bank questions and question reports

The question bank: imported speeches with their full text (speech), the questions built
from them or written by hand (bank_question, keeping the builder's stable id as
external_id so that a re-import updates in place), and members' reports of questions
that look wrong (question_report).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:17:25.054766

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('speech',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.Column('occasion', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("title <> ''", name=op.f('ck_speech_title_not_blank')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['person.id'], name=op.f('fk_speech_imported_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_speech_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speech')),
    sa.UniqueConstraint('unit_id', 'file_name', name=op.f('uq_speech_unit_id_file_name'))
    )
    with op.batch_alter_table('speech', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speech_unit_id'), ['unit_id'], unique=False)

    op.create_table('bank_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speech_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=True),
    sa.Column('type', sa.Enum('single', 'multiple', 'judge', 'fill', name='question_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stem', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('accepted_variants', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('concept', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=False),
    sa.Column('origin', sa.Enum('speech', 'knowledge', 'manual', name='question_origin', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=True),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'approved', 'retired', name='question_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stem <> ''", name=op.f('ck_bank_question_stem_not_blank')),
    sa.CheckConstraint('difficulty BETWEEN 1 AND 3', name=op.f('ck_bank_question_difficulty_range')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_bank_question_version_positive')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['person.id'], name=op.f('fk_bank_question_approved_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['speech_id'], ['speech.id'], name=op.f('fk_bank_question_speech_id_speech'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_question')),
    sa.UniqueConstraint('speech_id', 'external_id', name=op.f('uq_bank_question_speech_id_external_id'))
    )
    with op.batch_alter_table('bank_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_question_concept'), ['concept'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_question_speech_id'), ['speech_id'], unique=False)
        batch_op.create_index('ix_bank_question_speech_status', ['speech_id', 'status'], unique=False)

    op.create_table('question_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'corrected', 'retired', 'dismissed', name='report_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_question_report_reason_not_blank')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_question_report_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['bank_question.id'], name=op.f('fk_question_report_question_id_bank_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['person.id'], name=op.f('fk_question_report_resolved_by_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_report'))
    )
    with op.batch_alter_table('question_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_report_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_report_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('question_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_report_question_id'))
        batch_op.drop_index(batch_op.f('ix_question_report_person_id'))

    op.drop_table('question_report')
    with op.batch_alter_table('bank_question', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_question_speech_status')
        batch_op.drop_index(batch_op.f('ix_bank_question_speech_id'))
        batch_op.drop_index(batch_op.f('ix_bank_question_concept'))

    op.drop_table('bank_question')
    with op.batch_alter_table('speech', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speech_unit_id'))

    op.drop_table('speech')
