"""Administration: managing people's accounts."""

from quizapp.admin.routes import bp

__all__ = ["bp"]
