"""Authoring from the text: propose questions on a phrase selected in the speech reader, and add
the ones kept as drafts (see ``authoring``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Role, Speech
from quizapp.organize import authoring, queries
from quizapp.organize.forms import AuthorAddForm, AuthorForm
from quizapp.organize.routes import bp
from quizapp.organize.scopes import speech_scope


@bp.route("/speeches/<int:speech_id>/author", methods=["POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def author(speech_id: int) -> str:
    speech = db.get_or_404(Speech, speech_id)
    form = AuthorForm()
    if not form.validate_on_submit():
        return _reader(speech, _invalid(form))
    return _reader(speech, authoring.propose_for(db.session, speech, form.paragraph.data, form.phrase.data))


@bp.route("/speeches/<int:speech_id>/author/add", methods=["POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def author_add(speech_id: int) -> Response | str:
    speech = db.get_or_404(Speech, speech_id)
    form = AuthorAddForm()
    if not form.validate_on_submit():
        return _reader(speech, _invalid(form))
    done = authoring.add_drafts(db.session, speech, form.paragraph.data, form.phrase.data, form.pick.data or [])
    if done.proposal.error:
        return _reader(speech, done.proposal)
    db.session.commit()
    message = f"已添加 {done.added} 道题为草稿（待审核），可在“题目”中审核"
    if done.held:
        message += f"；{done.held} 道题库中已有，未重复添加"
    flash(message, "success")
    number = done.proposal.paragraph
    return redirect(url_for("organize.speech", speech_id=speech.id, p=number, s=done.proposal.sentence) + f"#p{number}")


def _invalid(form: AuthorForm) -> authoring.Proposal:
    """A form that did not validate (no phrase, no CSRF token), as a proposal with its reason."""
    errors = [message for messages in form.errors.values() for message in messages]
    return authoring.Proposal(None, (form.phrase.data or "").strip(), error=errors[0] if errors else "请重新选择词语")


def _reader(speech: Speech, proposal: authoring.Proposal) -> str:
    """The reader with the proposal (or its error) under its paragraph, its sentence marked."""
    paragraphs = queries.paragraph_views(speech.text, proposal.paragraph, proposal.sentence)
    # A paragraph the reader does not show (none, or a number sent by hand): the answer goes on top.
    placed = proposal.paragraph in {view.number for view in paragraphs}
    return render_template("organize/speech.html", speech=speech, paragraphs=paragraphs,
                           target=proposal.paragraph, proposal=proposal,
                           proposal_at=proposal.paragraph if placed else 0)
