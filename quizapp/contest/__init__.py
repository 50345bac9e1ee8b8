"""The live 知识竞赛: an organizer's contest on a projector and the members' phones."""

from quizapp.contest.routes import bp

__all__ = ["bp"]
