"""Login throttling state, shared by every app node through the database."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.models.base import Base


class LoginThrottle(Base):
    """Failed logins counted for one key: ``account:<phone or number>``, ``address:<ip>`` or
    ``device:<nonce>`` (a device that has logged in before, see ``quizapp.auth.throttle``).

    Times are Unix seconds (floats): plain arithmetic on both SQLite and PostgreSQL.
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[float] = mapped_column(Float, index=True)  # for pruning
    locked_until: Mapped[float | None] = mapped_column(Float)
    last_address: Mapped[str | None] = mapped_column(String(64))
