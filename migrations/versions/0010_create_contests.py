"""create contests

Issue 18, part 1: the live 知识竞赛 (quizapp.contest): contests, teams, rounds, questions,
entrants, answers, 抢答 presses, stakes, team scores per question, and the ledger entries a
contest gave; point entries gain the kind 'contest'.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:00:26.067904

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


_KINDS = ("study", "test", "regrade", "award", "penalty", "correction")


def _entry_kinds(kinds):
    """Replace the CHECK of point_entry.kind (a non-native enum) with one of ``kinds``."""
    values = ", ".join(f"'{kind}'" for kind in kinds)
    with op.batch_alter_table('point_entry', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_point_entry_entry_kind'), type_='check')
        batch_op.create_check_constraint('entry_kind', sa.text(f"kind IN ({values})"))


def upgrade():
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('team_mode', sa.Enum('units', 'free', name='contest_team_mode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('phase', sa.Enum('lobby', 'question', 'reveal', 'ended', name='contest_phase', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('points_posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("title <> ''", name=op.f('ck_contest_title_not_blank')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_contest_position_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_contest_created_by_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_contest_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest')),
    sa.UniqueConstraint('code', name=op.f('uq_contest_code'))
    )
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_unit_id'), ['unit_id'], unique=False)

    op.create_table('contest_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('format', sa.Enum('all', 'buzz', name='contest_format', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('risk', sa.Boolean(), nullable=False),
    sa.CheckConstraint('points BETWEEN 1 AND 1000', name=op.f('ck_contest_round_points_range')),
    sa.CheckConstraint('seconds BETWEEN 5 AND 600', name=op.f('ck_contest_round_seconds_range')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_round_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_round')),
    sa.UniqueConstraint('contest_id', 'position', name=op.f('uq_contest_round_contest_id_position'))
    )
    with op.batch_alter_table('contest_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_round_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("name <> ''", name=op.f('ck_contest_team_name_not_blank')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_team_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_contest_team_unit_id_unit'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_team')),
    sa.UniqueConstraint('contest_id', 'name', name=op.f('uq_contest_team_contest_id_name'))
    )
    with op.batch_alter_table('contest_team', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_team_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_entrant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_entrant_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contest_entrant_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['contest_team.id'], name=op.f('fk_contest_entrant_team_id_contest_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_entrant')),
    sa.UniqueConstraint('contest_id', 'person_id', name=op.f('uq_contest_entrant_contest_id_person_id'))
    )
    with op.batch_alter_table('contest_entrant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_entrant_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contest_entrant_team_id'), ['team_id'], unique=False)

    op.create_table('contest_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_question_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['bank_question.id'], name=op.f('fk_contest_question_question_id_bank_question'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['contest_round.id'], name=op.f('fk_contest_question_round_id_contest_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_question')),
    sa.UniqueConstraint('contest_id', 'position', name=op.f('uq_contest_question_contest_id_position'))
    )
    with op.batch_alter_table('contest_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_question_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('contest_question_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_answer_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contest_question_id'], ['contest_question.id'], name=op.f('fk_contest_answer_contest_question_id_contest_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contest_answer_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['contest_team.id'], name=op.f('fk_contest_answer_team_id_contest_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_answer')),
    sa.UniqueConstraint('contest_question_id', 'person_id', name=op.f('uq_contest_answer_contest_question_id_person_id'))
    )
    with op.batch_alter_table('contest_answer', schema=None) as batch_op:
        batch_op.create_index('ix_contest_answer_contest_person', ['contest_id', 'person_id'], unique=False)

    op.create_table('contest_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_award_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['point_entry.id'], name=op.f('fk_contest_award_entry_id_point_entry'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contest_award_person_id_person'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_award')),
    sa.UniqueConstraint('contest_id', 'person_id', name=op.f('uq_contest_award_contest_id_person_id')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_contest_award_entry_id'))
    )
    op.create_table('contest_buzz',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_question_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('pressed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['contest_question_id'], ['contest_question.id'], name=op.f('fk_contest_buzz_contest_question_id_contest_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_contest_buzz_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['team_id'], ['contest_team.id'], name=op.f('fk_contest_buzz_team_id_contest_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_buzz')),
    sa.UniqueConstraint('contest_question_id', name=op.f('uq_contest_buzz_contest_question_id'))
    )
    op.create_table('contest_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('contest_question_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.Float(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_score_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contest_question_id'], ['contest_question.id'], name=op.f('fk_contest_score_contest_question_id_contest_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['contest_team.id'], name=op.f('fk_contest_score_team_id_contest_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_score')),
    sa.UniqueConstraint('contest_question_id', 'team_id', name=op.f('uq_contest_score_contest_question_id_team_id'))
    )
    with op.batch_alter_table('contest_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_score_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_stake',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_question_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('stake', sa.Integer(), nullable=False),
    sa.CheckConstraint('stake BETWEEN 0 AND 1000', name=op.f('ck_contest_stake_stake_range')),
    sa.ForeignKeyConstraint(['contest_question_id'], ['contest_question.id'], name=op.f('fk_contest_stake_contest_question_id_contest_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['contest_team.id'], name=op.f('fk_contest_stake_team_id_contest_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_stake')),
    sa.UniqueConstraint('contest_question_id', 'team_id', name=op.f('uq_contest_stake_contest_question_id_team_id'))
    )


    _entry_kinds(_KINDS + ("contest",))


def downgrade():
    _entry_kinds(_KINDS)
    op.drop_table('contest_stake')
    with op.batch_alter_table('contest_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_score_contest_id'))

    op.drop_table('contest_score')
    op.drop_table('contest_buzz')
    op.drop_table('contest_award')
    with op.batch_alter_table('contest_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_contest_answer_contest_person')

    op.drop_table('contest_answer')
    with op.batch_alter_table('contest_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_question_contest_id'))

    op.drop_table('contest_question')
    with op.batch_alter_table('contest_entrant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_entrant_team_id'))
        batch_op.drop_index(batch_op.f('ix_contest_entrant_person_id'))

    op.drop_table('contest_entrant')
    with op.batch_alter_table('contest_team', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_team_contest_id'))

    op.drop_table('contest_team')
    with op.batch_alter_table('contest_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_round_contest_id'))

    op.drop_table('contest_round')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_unit_id'))

    op.drop_table('contest')
