"""Member points (党员积分): rules, the ledger, manual entries and their approval."""

from quizapp.points.routes import bp

__all__ = ["bp"]
