"""Publishing for organizers: monthly studies and quarterly tests, overrides, QR codes, CLI."""

from quizapp.publish.routes import bp

__all__ = ["bp"]
