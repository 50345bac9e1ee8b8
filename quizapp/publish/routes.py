"""Organizers' views of studies and tests."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("publish", __name__)
