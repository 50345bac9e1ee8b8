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
    proposal = _proposal(speech, form)
    return _reader(speech, proposal)


@bp.route("/speeches/<int:speech_id>/author/add", methods=["POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def author_add(speech_id: int) -> Response | str:
    speech = db.get_or_404(Speech, speech_id)
    form = AuthorAddForm()
    proposal = _proposal(speech, form)
    if proposal.error:
        return _reader(speech, proposal)
    try:
        added = authoring.add_drafts(db.session, speech, proposal, form.pick.data or [])
    except authoring.AuthoringError as error:
        return _reader(speech, authoring.Proposal(proposal.paragraph, proposal.phrase,
                                                  proposal.questions, str(error)))
    db.session.commit()
    kept = len(form.pick.data or []) - len(added)
    message = f"已添加 {len(added)} 道题为草稿（待审核），可在“题目”中审核"
    if kept > 0:
        message += f"；{kept} 道题库中已有，未重复添加"
    flash(message, "success")
    number = proposal.paragraph
    return redirect(url_for("organize.speech", speech_id=speech.id, p=number, s=proposal.sentence) + f"#p{number}")


def _proposal(speech: Speech, form: AuthorForm) -> authoring.Proposal:
    """The builder's proposal for the form's phrase, or the reason there is none."""
    phrase = (form.phrase.data or "").strip()
    number = form.paragraph.data
    if not form.validate_on_submit():
        errors = [message for messages in form.errors.values() for message in messages]
        return authoring.Proposal(None, phrase, error=errors[0] if errors else "请重新选择词语")
    try:
        return authoring.propose_for(db.session, speech, number, phrase)
    except authoring.AuthoringError as error:
        number = int(number) if str(number or "").isdigit() and len(str(number)) < 7 else None
        return authoring.Proposal(number, phrase, error=str(error))


def _reader(speech: Speech, proposal: authoring.Proposal) -> str:
    """The reader with the proposal (or its error) under its paragraph, its sentence marked."""
    paragraphs = queries.paragraph_views(speech.text, proposal.paragraph, proposal.sentence)
    # A paragraph the reader does not show (none, or a number sent by hand): the answer goes on top.
    placed = proposal.paragraph in {view.number for view in paragraphs}
    return render_template("organize/speech.html", speech=speech, paragraphs=paragraphs,
                           target=proposal.paragraph, proposal=proposal,
                           proposal_at=proposal.paragraph if placed else 0)
