"""Question bank review for organizers: speeches, their questions, 纠错, Excel and the CLI."""

from quizapp.organize import author_routes, bank_routes, report_routes  # noqa: F401  (they add their views to bp)
from quizapp.organize.routes import bp

__all__ = ["bp"]
