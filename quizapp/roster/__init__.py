"""Roster import: organizers and admins import their people from Excel or CSV."""

from quizapp.roster.routes import bp

__all__ = ["bp"]
