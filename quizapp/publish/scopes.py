"""The scope of a publishing URL: the unit the activity is published to (404 if none)."""

from __future__ import annotations

from flask import abort

from quizapp.extensions import db
from quizapp.models import Activity


def activity_scope(activity_id: int, **_: object) -> int:
    """For ``role_required``: organizers (and admins) of the activity's unit get through."""
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity.unit_id
