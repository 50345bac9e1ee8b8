"""纠错 views: the open reports of the organizer's speeches, and resolving one."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import QuestionReport, ReportStatus, Role
from quizapp.organize import queries, review
from quizapp.organize.forms import ResolveReportForm
from quizapp.organize.routes import bp
from quizapp.organize.scopes import back_to, my_unit_ids, report_scope
from quizapp.results.regrade import regrade_question

REPORTS_PER_PAGE = 20


@bp.route("/reports")
@role_required(Role.ORGANIZER)
def reports() -> str:
    handled = request.args.get("handled") == "1"
    page = db.paginate(queries.reports_in(my_unit_ids(), handled), per_page=REPORTS_PER_PAGE, error_out=False)
    return render_template("organize/reports.html", page=page, handled=handled, form=ResolveReportForm())


@bp.route("/reports/<int:report_id>/resolve", methods=["POST"])
@role_required(Role.ORGANIZER, scope=report_scope)
def resolve_report(report_id: int) -> Response:
    report = db.get_or_404(QuestionReport, report_id)
    form = ResolveReportForm()
    outcome = next(
        (status for status in (ReportStatus.CORRECTED, ReportStatus.RETIRED, ReportStatus.DISMISSED)
         if getattr(form, status.value).data),
        None,
    )
    if not form.validate_on_submit() or outcome is None:
        flash("请选择处理结果（处理说明不超过 2000 字）", "error")
    else:
        try:
            closed = review.resolve_report(report, outcome, form.note.data or "", current_user)
        except review.ReviewError as error:
            flash(str(error), "warning")
        else:
            # 已更正: answers graded under an older key of the question (a re-import may have
            # changed it) are regraded now; a question edited here was regraded on saving.
            regraded = (regrade_question(db.session, report.question_id)
                        if outcome is ReportStatus.CORRECTED else None)
            db.session.commit()
            extra = f"（同题 {closed} 条纠错一并处理）" if closed > 1 else ""
            if regraded is not None and regraded.attempts:
                extra += f"；{regraded.describe()}"
            flash(f"纠错已处理：{outcome.label}{extra}", "success")
    return back_to(url_for("organize.reports"))
