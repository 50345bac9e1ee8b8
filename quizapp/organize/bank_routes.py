"""Bank views: browse and filter (best first, by key point), a question with its reports, edit,
approve, retire, bulk approve (the best N)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import BankQuestion, QuestionStatus, QuestionType, ReportStatus, Role, Speech
from quizapp.organize import queries, ranking, review
from quizapp.organize.content import (
    Content,
    ContentError,
    format_answer,
    format_options,
    format_variants,
    parse_content,
)
from quizapp.organize.forms import (
    ANSWER_HELP,
    BankFilterForm,
    BulkApproveForm,
    NewQuestionForm,
    QuestionForm,
    approval_choice_from,
    bank_filter_from,
)
from quizapp.organize.routes import bp
from quizapp.organize.scopes import back_to, my_unit_ids, question_scope, require_speech_in, speech_scope
from quizapp.results.regrade import regrade_question

POINTS_PER_PAGE = 10
PICKS_SHOWN = 50  # the confirmation lists the best of what it approves


@bp.route("/questions")
@role_required(Role.ORGANIZER)
def bank() -> str:
    """The filtered bank, paged by key point: each point's best variant, the others under it."""
    unit_ids = my_unit_ids()
    bank_filter = bank_filter_from(request.args)
    require_speech_in(unit_ids, bank_filter.speech_id)
    form = BankFilterForm(request.args)
    form.speech.choices = [("", "全部讲话")] + [(str(i), t) for i, t in queries.speech_choices(db.session, unit_ids)]
    form.concept.choices = [("", "全部概念")] + [
        (c, c) for c in queries.concepts_of(db.session, unit_ids, bank_filter.speech_id)
    ]
    matching = queries.matching_questions(unit_ids, bank_filter)
    page = db.paginate(ranking.points_of(matching), per_page=POINTS_PER_PAGE, error_out=False)
    groups = ranking.groups_of(db.session, matching, list(page.items), unit_ids)
    total = queries.count_of(db.session, matching)
    drafts = queries.count_of(db.session, queries.drafts_among(matching))
    speech = db.session.get(Speech, bank_filter.speech_id) if bank_filter.speech_id else None
    return render_template(
        "organize/bank.html", form=form, page=page, groups=groups, total=total, drafts=drafts,
        args=bank_filter.as_args(), filter_labels=bank_filter.labels(speech.title if speech else None),
        source_view=queries.source_view,
    )


@bp.route("/questions/approve", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def bulk_approve() -> Response | str:
    """Approve the best N drafts of the filtered set (N named by the organizer; one per key
    point unless asked), after confirming which they are."""
    unit_ids = my_unit_ids()
    bank_filter = bank_filter_from(request.form if request.method == "POST" else request.args)
    choice = approval_choice_from(request.form if request.method == "POST" else request.args)
    require_speech_in(unit_ids, bank_filter.speech_id)
    matching = queries.matching_questions(unit_ids, bank_filter)
    drafts = queries.count_of(db.session, queries.drafts_among(matching))
    picked = ranking.pick_drafts(db.session, matching, unit_ids, choice.top,
                                 all_variants=choice.all_variants) if choice.top else []
    form = BulkApproveForm()
    if choice.top and form.validate_on_submit():
        if form.expected.data != ranking.fingerprint(picked):
            flash(f"符合条件的题目已变为 {len(picked)} 道（或已通过），请再确认一次", "warning")
        else:
            approved = review.approve_ids(db.session, picked, current_user)
            db.session.commit()
            flash(f"已通过 {approved} 道题，党员现在可以练习这些题目", "success")
            back = bank_filter.as_args()
            if back.get("status") == QuestionStatus.DRAFT.value:  # show what was just approved
                back["status"] = QuestionStatus.APPROVED.value
            return redirect(url_for("organize.bank", **back))
    form.expected.data = ranking.fingerprint(picked)
    shown = ranking.questions_best_first(db.session, picked[:PICKS_SHOWN])
    speech = db.session.get(Speech, bank_filter.speech_id) if bank_filter.speech_id else None
    return render_template(
        "organize/bulk_approve.html", form=form, choice=choice, drafts=drafts, count=len(picked),
        shown=shown, args=bank_filter.as_args(), choice_args=choice.as_args(),
        filter_labels=bank_filter.labels(speech.title if speech else None),
    )


@bp.route("/questions/<int:question_id>")
@role_required(Role.ORGANIZER, scope=question_scope)
def question(question_id: int) -> str:
    question = db.get_or_404(BankQuestion, question_id)
    return render_template("organize/question.html", question=question, source_view=queries.source_view)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=question_scope)
def edit_question(question_id: int) -> Response | str:
    question = db.get_or_404(BankQuestion, question_id)
    open_reports = [r for r in question.reports if r.status is ReportStatus.OPEN]
    form = QuestionForm()
    if request.method == "GET":
        form.stem.data = question.stem
        form.options.data = format_options(question.options)
        form.answer.data = format_answer(question.type, question.answer)
        form.explanation.data = question.explanation
        form.difficulty.data = str(question.difficulty)
        form.concept.data = question.concept
        form.accepted_variants.data = format_variants(question.accepted_variants)
    content = _checked(form, question.type) if form.is_submitted() else None
    if content is not None:
        old_version = question.version
        changed = review.apply_content(question, content, form.concept.data or "")
        closed = 0
        if form.resolve_reports.data and open_reports:
            closed = review.close_open_reports(question, ReportStatus.CORRECTED, "已修改题目", current_user)
        regraded = regrade_question(db.session, question.id) if question.version != old_version else None
        db.session.commit()
        message = "已保存修改" if changed else "内容没有变化"
        if regraded is not None:
            message += f"；答案已变化，题目版本升为第 {question.version} 版；{regraded.describe()}"
        if closed:
            message += f"；{closed} 条纠错已标记为已更正"
        flash(message, "success")
        return back_to(url_for("organize.question", question_id=question.id))
    return render_template(
        "organize/edit.html", form=form, question=question, qtype=question.type,
        open_reports=open_reports, answer_help=ANSWER_HELP,
    )


@bp.route("/speeches/<int:speech_id>/questions/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def new_question(speech_id: int) -> Response | str:
    speech = db.get_or_404(Speech, speech_id)
    form = NewQuestionForm()
    if form.is_submitted():
        valid_type = form.type.data in {t.value for t in QuestionType}
        content = _checked(form, QuestionType(form.type.data)) if valid_type else None
        if content is not None:
            qtype = QuestionType(form.type.data)
            question = review.add_manual_question(db.session, speech, qtype, content, form.concept.data or "")
            db.session.commit()
            flash("已添加题目（待审核）", "success")
            return redirect(url_for("organize.question", question_id=question.id))
    return render_template("organize/new_question.html", form=form, speech=speech, answer_help=ANSWER_HELP)


def _checked(form: QuestionForm, qtype: QuestionType) -> Content | None:
    """The submitted content checked for ``qtype``, or None with the errors on the form's fields
    (the form's own checks and the type's rules are shown together)."""
    valid = form.validate()
    try:
        content = parse_content(
            qtype, form.stem.data, form.options.data, form.answer.data, form.explanation.data,
            form.difficulty.data, form.accepted_variants.data,
        )
    except ContentError as error:
        for name, message in error.errors.items():
            field = getattr(form, name)
            if message not in field.errors:
                field.errors.append(message)
        return None
    return content if valid else None


@bp.route("/questions/<int:question_id>/approve", methods=["POST"])
@role_required(Role.ORGANIZER, scope=question_scope)
def approve_question(question_id: int) -> Response:
    question = db.get_or_404(BankQuestion, question_id)
    review.approve(question, current_user)
    db.session.commit()
    flash(f"第 {question.id} 号题已通过", "success")
    return back_to(url_for("organize.question", question_id=question.id))


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@role_required(Role.ORGANIZER, scope=question_scope)
def retire_question(question_id: int) -> Response:
    question = db.get_or_404(BankQuestion, question_id)
    review.retire(question)
    db.session.commit()
    flash(f"第 {question.id} 号题已停用，党员不会再看到它", "success")
    return back_to(url_for("organize.question", question_id=question.id))

