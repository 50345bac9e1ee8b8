"""An activity's audience and per-member overrides, and its QR code (inline, PNG, poster).

The views are registered on the blueprint by ``routes.py`` (see ``RULES``)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Activity, ActivityMember, ActivityStatus, Role
from quizapp.models.base import utcnow
from quizapp.publish import overrides, queries
from quizapp.publish.forms import ConfirmForm, OverrideForm
from quizapp.results.clock import from_local, to_local
from quizapp.publish.qr import activity_url, qr_png, qr_svg
from quizapp.publish.scopes import activity_scope
from quizapp.publish.specs import PublishError


def link_for(activity: Activity) -> str | None:
    """The member's address of a published activity (None for a draft or a cancelled one)."""
    if activity.status is not ActivityStatus.PUBLISHED:
        return None
    return activity_url(activity.id)


def qr_for(activity: Activity) -> Markup | None:
    """The inline QR code of a published activity."""
    link = link_for(activity)
    return qr_svg(link) if link else None


@role_required(Role.ORGANIZER, scope=activity_scope)
def members(activity_id: int) -> str:
    activity = db.get_or_404(Activity, activity_id)
    search = (request.args.get("q") or "").strip()[:50]
    rows = queries.audience_of(db.session, activity.id, search or None)
    return render_template("publish/members.html", activity=activity, rows=rows, search=search,
                           status=queries.status_now(activity, utcnow()))


def _member_or_404(activity_id: int, person_id: int) -> ActivityMember:
    member = db.session.get(ActivityMember, (activity_id, person_id))
    if member is None:
        abort(404)
    return member


@role_required(Role.ORGANIZER, scope=activity_scope)
def override(activity_id: int, person_id: int) -> Response | str:
    activity = db.get_or_404(Activity, activity_id)
    member = _member_or_404(activity_id, person_id)
    form = OverrideForm()
    if not form.is_submitted():
        form.extra_minutes.data = member.extra_minutes
        form.makeup_opens_at.data = to_local(member.makeup_opens_at)
        form.makeup_closes_at.data = to_local(member.makeup_closes_at)
        kind, _, note = member.override_reason.partition("：")
        form.reason.data, form.reason_text.data = (kind, note) if kind in overrides.REASONS else ("", "")
    elif form.validate_on_submit():
        try:
            overrides.set_override(
                db.session, activity, person_id, extra_minutes=form.extra_minutes.data or 0,
                makeup_opens_at=from_local(form.makeup_opens_at.data) if form.makeup_opens_at.data else None,
                makeup_closes_at=from_local(form.makeup_closes_at.data) if form.makeup_closes_at.data else None,
                reason=form.reason.data or "", reason_note=form.reason_text.data or "",
                by=current_user._get_current_object(),
            )
        except PublishError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", None)
            if field is None:
                flash(str(error), "error")
            else:
                field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"已为{member.person.name}调整答题时间", "success")
            return redirect(url_for(".members", activity_id=activity_id))
    return render_template("publish/override.html", activity=activity, member=member, form=form,
                           confirm=ConfirmForm())


@role_required(Role.ORGANIZER, scope=activity_scope)
def clear_override(activity_id: int, person_id: int) -> Response:
    activity = db.get_or_404(Activity, activity_id)
    member = _member_or_404(activity_id, person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        overrides.clear_override(db.session, activity, person_id, by=current_user._get_current_object())
    except PublishError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"已取消{member.person.name}的单独调整", "success")
    return redirect(url_for(".members", activity_id=activity_id))


@role_required(Role.ORGANIZER, scope=activity_scope)
def qr_image(activity_id: int) -> Response:
    link = link_for(db.get_or_404(Activity, activity_id))
    if link is None:
        abort(404)
    response = make_response(qr_png(link))
    response.headers["Content-Type"] = "image/png"
    response.headers["Content-Disposition"] = f'inline; filename="activity-{activity_id}-qr.png"'
    return response


@role_required(Role.ORGANIZER, scope=activity_scope)
def poster(activity_id: int) -> str:
    activity = db.get_or_404(Activity, activity_id)
    link = link_for(activity)
    if link is None:
        abort(404)
    return render_template("publish/poster.html", activity=activity, qr=qr_svg(link), url=link)


RULES = [
    ("/<int:activity_id>/members", members, ["GET"]),
    ("/<int:activity_id>/members/<int:person_id>", override, ["GET", "POST"]),
    ("/<int:activity_id>/members/<int:person_id>/clear", clear_override, ["POST"]),
    ("/<int:activity_id>/qr.png", qr_image, ["GET"]),
    ("/<int:activity_id>/poster", poster, ["GET"]),
]
