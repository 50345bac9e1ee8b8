"""The member's landing pages."""

from quizapp.main.routes import bp

__all__ = ["bp"]
