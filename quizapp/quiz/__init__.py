"""Members on their phones: practice, answering, results, 错题本 and 纠错."""

from quizapp.quiz.routes import bp

__all__ = ["bp"]
