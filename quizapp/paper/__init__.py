"""Paper tests that count (纸质测试): printed versions of a published test as Word files, their
keys, and the entry of paper members' answers, graded and counted like online sittings."""

from quizapp.paper.routes import bp

__all__ = ["bp"]
