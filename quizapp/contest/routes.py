"""The contest's URL table: the organizer's pages, the host's screen and moves, the members'
join, phone page, polls and answers. Views are thin: they call ``services``, ``play``,
``queries`` or ``results``, commit, and publish the live state after every move."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from werkzeug.wrappers import Response

from quizapp.auth.access import has_role
from quizapp.auth.decorators import password_change_pending, role_required
from quizapp.auth.session import parse_session_id
from quizapp.contest import play, queries, quick, results, services, state
from quizapp.contest.forms import ConfirmForm, ContestForm, JoinCodeForm, JoinForm
from quizapp.contest.qr import qr_svg
from quizapp.extensions import db
from quizapp.models import Contest, ContestPhase, Person, QuestionType, Role
from quizapp.quiz.responses import BadResponse

bp = Blueprint("contest", __name__)
HOSTS = (Role.ORGANIZER,)
MAX_POSITION = 10_000


def _me() -> Person:
    return current_user._get_current_object()


def contest_scope(contest_id: int, **_: object) -> int:
    """The unit a contest's host acts on (404 for no such contest)."""
    return db.get_or_404(Contest, contest_id).unit_id


def _error(error: Exception, status: int = 400) -> tuple[Response, int]:
    db.session.rollback()
    return jsonify(error=str(error)), getattr(error, "status", status)


def _body() -> dict[str, Any]:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the JSON parser goes ("silent" covers ValueError only)
        body = None
    return body if isinstance(body, dict) else {}


def _position(body: dict[str, Any]) -> int:
    position = body.get("position")
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < MAX_POSITION:
        raise play.ContestError("题号不正确", 400)
    return position


@bp.route("/")
@role_required(Role.MEMBER)
def index() -> str:
    me = _me()
    hosting = results.hostable_contests(db.session, me) if has_role(db.session, me, HOSTS) else []
    return render_template("contest/index.html", form=JoinCodeForm(), hosting=hosting,
                           may_host=has_role(db.session, me, HOSTS))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*HOSTS)
def new() -> str | Response:
    form = ContestForm()
    form.unit.choices = results.host_units(db.session, _me())
    form.speech.choices = [(0, "不限讲话"), *results.host_speeches(db.session, _me())]
    if form.validate_on_submit():
        if not has_role(db.session, _me(), HOSTS, form.unit.data):
            abort(403)
        try:
            contest = services.create_contest(
                db.session, _me(), form.title.data, form.unit.data, form.team_mode.data,
                form.team_names.data, services.parse_rounds(form.rounds.data),
                services.Selection(form.speech.data or None,
                                   QuestionType(form.qtype.data) if form.qtype.data else None,
                                   form.concept.data or "", services.parse_picked(form.picked.data)))
        except play.ContestError as error:
            db.session.rollback()
            form.rounds.errors = [*form.rounds.errors, str(error)]
        else:
            db.session.commit()
            flash(f"竞赛已创建，竞赛码 {contest.code}")
            return redirect(url_for("contest.host", contest_id=contest.id))
    return render_template("contest/new.html", form=form)


@bp.route("/<int:contest_id>/host")
@role_required(*HOSTS, scope=contest_scope)
def host(contest_id: int) -> str:
    contest = db.get_or_404(Contest, contest_id)
    join_url = url_for("contest.join", code=contest.code, _external=True)
    return render_template("contest/host.html", contest=contest, join_url=join_url,
                           qr=qr_svg(join_url), csrf=generate_csrf())


@bp.route("/<int:contest_id>/host/state")
@role_required(*HOSTS, scope=contest_scope)
def host_state(contest_id: int) -> Response:
    contest = db.get_or_404(Contest, contest_id)
    return jsonify(queries.host_view(db.session, contest, state.read(db.session, contest)))


def _after_move(contest: Contest) -> Response:
    db.session.commit()
    state.publish(db.session, contest)
    return jsonify(queries.host_view(db.session, contest, state.build(db.session, contest)))


@bp.route("/<int:contest_id>/advance", methods=["POST"])
@role_required(*HOSTS, scope=contest_scope)
def advance(contest_id: int) -> Response | tuple[Response, int]:
    body = _body()
    try:
        contest = play.advance(db.session, contest_id, str(body.get("phase")), _position(body))
    except play.ContestError as error:
        return _error(error)
    return _after_move(contest)


@bp.route("/<int:contest_id>/end", methods=["POST"])
@role_required(*HOSTS, scope=contest_scope)
def end(contest_id: int) -> Response | tuple[Response, int]:
    try:
        contest = play.end(db.session, contest_id)
    except play.ContestError as error:
        return _error(error)
    return _after_move(contest)


@bp.route("/<int:contest_id>/judge", methods=["POST"])
@role_required(*HOSTS, scope=contest_scope)
def judge(contest_id: int) -> Response | tuple[Response, int]:
    body = _body()
    try:
        play.judge(db.session, contest_id, _position(body), body.get("correct") is True)
    except play.ContestError as error:
        return _error(error)
    return _after_move(db.session.get_one(Contest, contest_id))


@bp.route("/<int:contest_id>/stake", methods=["POST"])
@role_required(*HOSTS, scope=contest_scope)
def stake(contest_id: int) -> Response | tuple[Response, int]:
    body = _body()
    try:
        team_id = body.get("team_id")
        # Bounded: an id past the INTEGER column would be refused as an HTML page, not JSON.
        if isinstance(team_id, bool) or not isinstance(team_id, int) or not 0 < team_id < 2**31:
            raise play.ContestError("请选择队伍", 400)
        play.set_stake(db.session, contest_id, _position(body), team_id, body.get("stake"))
    except play.ContestError as error:
        return _error(error)
    return _after_move(db.session.get_one(Contest, contest_id))


@bp.route("/join", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def join_code() -> str | Response:
    form = JoinCodeForm()
    if form.validate_on_submit():
        code = form.code.data.strip()
        if db.session.scalar(select(Contest.id).where(Contest.code == code)) is None:
            form.code.errors = [*form.code.errors, "没有这个竞赛码，请核对大屏幕上的数字"]
        else:
            return redirect(url_for("contest.join", code=code))
    return render_template("contest/index.html", form=form, hosting=[], may_host=False)


@bp.route("/j/<code>", methods=["GET", "POST"])
@role_required(Role.MEMBER)
def join(code: str) -> str | Response:
    contest = db.session.scalar(select(Contest).where(Contest.code == code[:8]))
    if contest is None:
        abort(404)
    me = _me()
    if play.entrant_of(db.session, contest.id, me.id) is not None:
        return redirect(url_for("contest.phone", contest_id=contest.id))
    form = JoinForm()
    form.team.choices = [(team.id, team.name) for team in contest.teams]
    error, status = None, 200
    if not play.in_audience(db.session, contest, me):
        error, status = "这场竞赛不面向您所在的组织", 403
    elif form.validate_on_submit():
        try:
            play.join(db.session, contest, me, form.team.data)
        except play.ContestError as failure:
            db.session.rollback()
            error = str(failure)
        else:
            db.session.commit()
            return redirect(url_for("contest.phone", contest_id=contest.id))
    return render_template("contest/join.html", contest=contest, form=form, error=error), status


def _known_team(contest_id: int, person_id: int) -> int | None:
    """The team kept in the session for this contest and person (``_team_id``), if any."""
    team_id = (session.get("contest_teams") or {}).get(f"{contest_id}:{person_id}")
    return int(team_id) if team_id is not None else None


def _team_id(contest_id: int) -> int:
    """The team the current member joined; 404 when they have not. Kept in their session
    (keyed by contest and person) after the first look-up: a phone's polls and answer need
    no query for it."""
    me = _me()
    team_id = _known_team(contest_id, me.id)
    if team_id is not None:
        return team_id
    entrant = play.entrant_of(db.session, contest_id, me.id)
    if entrant is None:
        abort(404)
    known = session.get("contest_teams") or {}
    recent = dict(list(known.items())[-4:])  # a few contests at most
    session["contest_teams"] = {**recent, f"{contest_id}:{me.id}": entrant.team_id}
    return entrant.team_id


@bp.route("/<int:contest_id>/play")
@role_required(Role.MEMBER)
def phone(contest_id: int) -> str:
    team_id = _team_id(contest_id)
    contest = db.get_or_404(Contest, contest_id)
    team = next(t for t in contest.teams if t.id == team_id)
    return render_template("contest/play.html", contest=contest, team=team,
                           csrf=generate_csrf(), hide_user_nav=True)


@bp.route("/<int:contest_id>/state")
def phone_state(contest_id: int) -> Response:
    """A phone's poll: the live state and the question (``queries.phone_view``). A plain poll
    (not ``mine``) of a member whose team is in the session checks the login in one statement
    (``quick.login_is_live``) and reads Redis only; anything else goes the checked way."""
    claim = parse_session_id(session.get("_user_id"))
    team_id = _known_team(contest_id, claim.person_id) if claim is not None else None
    if team_id is not None and request.args.get("mine") != "1" and quick.login_is_live(claim):
        return _phone_view(contest_id, claim.person_id, team_id)
    return _checked_state(contest_id)


# As the answer's (below): the quick check is of a member's live login that owes no password
# change, who joined; the checked path applies both guards.
phone_state.required_roles = (Role.MEMBER,)  # type: ignore[attr-defined]
phone_state.checks_password_change = True  # type: ignore[attr-defined]


@role_required(Role.MEMBER)
def _checked_state(contest_id: int) -> Response:
    pending = password_change_pending()
    if pending is not None:
        return pending
    return _phone_view(contest_id, _me().id, _team_id(contest_id))


def _answered_position() -> int | None:
    """The position the phone says it has answered (``?answered=N``); None when not given or
    not a position (it only sets the phone's own poll interval)."""
    given = request.args.get("answered", "")
    if not (given.isascii() and given.isdigit() and len(given) <= 5):  # "²" is a digit to isdigit
        return None
    return int(given) if int(given) < MAX_POSITION else None


def _phone_view(contest_id: int, person_id: int, team_id: int) -> Response:
    live = state.read(db.session, contest_id)
    if live is None:
        abort(404)
    return jsonify(queries.phone_view(db.session, live, person_id, team_id,
                                      mine=request.args.get("mine") == "1",
                                      answered_position=_answered_position()))


@bp.route("/<int:contest_id>/answer", methods=["POST"])
def answer(contest_id: int) -> Response | tuple[Response, int]:
    """A member's answer to the 全员答题 question at ``position``: ``{"position", "response"}``.
    200 ``new`` true when stored now, false when their first answer stands, with ``poll_ms``
    (the phone's next poll: it has answered, see ``queries.next_poll_ms``); 409 another
    question or too late by the server's clock; 400 a malformed answer; 404 not joined.

    On PostgreSQL an answer that checks out is stored by ``quick.answer`` (one statement that
    checks the login too); anything else goes the checked way (``_checked_answer``), which
    gives every refusal."""
    claim = parse_session_id(session.get("_user_id"))
    team_id = _known_team(contest_id, claim.person_id) if claim is not None else None
    body = _body()
    position = body.get("position")
    if team_id is not None and type(position) is int and 0 <= position < MAX_POSITION:
        ack = quick.answer(claim, contest_id, team_id, position, body.get("response"))
        if ack is not None:
            return jsonify(ok=True, position=ack.position, new=ack.new, poll_ms=queries.ANSWERED_POLL_MS)
    return _checked_answer(contest_id, body)


# The quick path stores only for a live login (a member's right) that owes no password change,
# of a member who joined (their team is in the session); the checked path applies both guards.
answer.required_roles = (Role.MEMBER,)  # type: ignore[attr-defined]
answer.checks_password_change = True  # type: ignore[attr-defined]


@role_required(Role.MEMBER)
def _checked_answer(contest_id: int, body: dict[str, Any]) -> Response | tuple[Response, int]:
    pending = password_change_pending()
    if pending is not None:
        return pending
    team_id = _team_id(contest_id)
    try:
        ack = play.answer(db.session, contest_id, _me().id, team_id, _position(body),
                          body.get("response"))
    except (play.ContestError, BadResponse) as error:
        return _error(error)
    db.session.commit()
    return jsonify(ok=True, position=ack.position, new=ack.new, poll_ms=queries.ANSWERED_POLL_MS)


@bp.route("/<int:contest_id>/press", methods=["POST"])
@role_required(Role.MEMBER)
def press(contest_id: int) -> Response | tuple[Response, int]:
    team_id = _team_id(contest_id)
    body = _body()
    try:
        first = play.press(db.session, contest_id, _me().id, team_id, _position(body))
    except play.ContestError as error:
        return _error(error)
    db.session.commit()
    return jsonify(ok=True, first=first)


@bp.route("/<int:contest_id>/results")
@role_required(*HOSTS, scope=contest_scope)
def results_page(contest_id: int) -> str:
    contest = db.get_or_404(Contest, contest_id)
    return render_template("contest/results.html", contest=contest,
                           sheet=results.result_sheet(db.session, contest),
                           form=ConfirmForm(), ended=contest.phase is ContestPhase.ENDED)


@bp.route("/<int:contest_id>/export.xlsx")
@role_required(*HOSTS, scope=contest_scope)
def export(contest_id: int) -> Response:
    contest = db.get_or_404(Contest, contest_id)
    data = results.workbook(results.result_sheet(db.session, contest))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=contest-{contest.id}.xlsx"})


@bp.route("/<int:contest_id>/points", methods=["POST"])
@role_required(*HOSTS, scope=contest_scope)
def post_points(contest_id: int) -> Response:
    if ConfirmForm().validate_on_submit():
        try:
            count = results.post_points(db.session, contest_id, _me().id)
        except play.ContestError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"已为 {count} 名党员提交竞赛积分，待书记审批后计入")
    return redirect(url_for("contest.results_page", contest_id=contest_id))
