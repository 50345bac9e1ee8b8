"""Authentication: login, logout, password changes and the role guard."""

from quizapp.auth.routes import bp

__all__ = ["bp"]
