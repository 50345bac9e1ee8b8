"""Branch results for secretaries and organizers: reports, rankings, mastery, ratings, Excel."""

from quizapp.reports.routes import bp

__all__ = ["bp"]
