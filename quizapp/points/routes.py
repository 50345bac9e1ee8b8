"""Points views: a member's ledger, manual entries and their approval, the rules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("points", __name__)
