"""Member points (党员积分): rules, the ledger, manual entries and their approval."""

from quizapp.points import ledger_routes  # noqa: F401  (adds the secretaries' views to bp)
from quizapp.points.routes import bp

__all__ = ["bp"]
