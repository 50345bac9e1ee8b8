"""Roster import views: choose a unit, upload for a dry run, confirm, see passwords once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Role, Unit
from quizapp.roster import queries, services, staging
from quizapp.roster.forms import CommitForm, UploadForm
from quizapp.roster.passwords import passwords_workbook
from quizapp.roster.plan import ImportPlan
from quizapp.roster.reader import MAX_FILE_BYTES, RosterFileError
from quizapp.roster.template import INSTRUCTIONS, TEMPLATE_FILENAME

bp = Blueprint("roster", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Room for the multipart framing and the CSRF token around a 2 MB file.
_FORM_OVERHEAD = 64 * 1024
_TOO_LARGE = "文件超过 2 MB，请删除多余内容或分批导入。"


def unit_scope(unit_id: int, **_: object) -> int:
    """Scope for ``role_required``: the unit in the URL (404 if it does not exist)."""
    db.get_or_404(Unit, unit_id)
    return unit_id


@bp.url_value_preprocessor
def limit_upload_size(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
    """Cap the request body before anything (CSRFProtect included) reads it."""
    request.max_content_length = MAX_FILE_BYTES + _FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Response:
    flash(_TOO_LARGE, "danger")
    unit_id = (request.view_args or {}).get("unit_id")
    if unit_id is None:
        return redirect(url_for("roster.index"))
    return redirect(url_for("roster.upload", unit_id=unit_id))


@bp.after_request
def no_store(response: Response) -> Response:
    """Roster pages show personal data and, once, initial passwords."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _staging_folder() -> Path:
    configured = current_app.config.get("ROSTER_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "roster_uploads"


@bp.route("/")
@role_required(Role.ORGANIZER)
def index() -> Response | str:
    units = queries.import_scopes(db.session, current_user)
    if len(units) == 1:
        return redirect(url_for("roster.upload", unit_id=units[0].id))
    return render_template("roster/index.html", units=units)


@bp.route("/<int:unit_id>/import", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=unit_scope)
def upload(unit_id: int) -> str:
    unit = db.get_or_404(Unit, unit_id)
    form = UploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_FILE_BYTES + 1)
        filename = services.clean_filename(form.file.data.filename)
        try:
            plan = services.plan_import(
                db.session, data, filename, current_user._get_current_object(), unit_id
            )
        except (RosterFileError, services.RosterImportError) as error:
            form.file.errors = [str(error)]
        else:
            staged = None
            if plan.ok:
                staged = staging.stage_upload(
                    _staging_folder(), data, filename, current_user.id, unit_id
                )
            return _preview(unit, plan, staged)
    return render_template(
        "roster/upload.html", unit=unit, form=form, instructions=INSTRUCTIONS
    )


def _preview(unit: Unit, plan: ImportPlan, staged: staging.StagedUpload | None) -> str:
    commit_form = None
    if staged is not None:
        commit_form = CommitForm(
            formdata=None, token=staged.token, sha256=staged.sha256, digest=plan.digest
        )
    return render_template(
        "roster/preview.html", unit=unit, plan=plan, commit_form=commit_form,
        form=UploadForm(formdata=None),
    )


@bp.route("/<int:unit_id>/commit", methods=["POST"])
@role_required(Role.ORGANIZER, scope=unit_scope)
def commit(unit_id: int) -> Response | str:
    unit = db.get_or_404(Unit, unit_id)
    form = CommitForm()
    back = redirect(url_for("roster.upload", unit_id=unit_id))
    if not form.validate_on_submit():
        flash("导入预览已过期或已导入，请重新上传文件。", "danger")
        return back
    folder = _staging_folder()
    try:
        staged, data = staging.load_staged(
            folder, form.token.data, form.sha256.data, current_user.id, unit_id
        )
        result = services.commit_import(
            db.session, data, staged.filename, current_user._get_current_object(),
            unit_id, form.digest.data, confirm_identity=form.confirm_identity.data,
        )
        db.session.commit()
    except services.PlanChanged as changed:
        db.session.rollback()
        flash(str(changed), "warning")
        if not changed.plan.ok:
            staging.discard(folder, form.token.data)
        return _preview(unit, changed.plan, staged if changed.plan.ok else None)
    except (staging.StagingError, RosterFileError, services.RosterImportError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return back
    except IntegrityError:
        db.session.rollback()
        current_app.logger.warning("roster import hit a constraint", exc_info=True)
        flash("导入失败，没有导入任何人员：名单在导入时被其他人修改了。请重新上传文件预览后再导入。", "danger")
        return back
    staging.discard(folder, staged.token)
    download = None
    if result.created:
        download = staging.stage_download(
            folder, passwords_workbook(result.created, unit.name), current_user.id, unit_id
        ).token
    return render_template("roster/done.html", unit=unit, result=result, download=download)


@bp.route("/<int:unit_id>/passwords/<token>.xlsx")
@role_required(Role.ORGANIZER, scope=unit_scope)
def passwords(unit_id: int, token: str) -> Response:
    """The import's initial passwords as Excel, once: the file is deleted as it is sent."""
    unit = db.get_or_404(Unit, unit_id)
    try:
        data = staging.take_download(_staging_folder(), token, current_user.id, unit_id)
    except staging.StagingError as error:
        flash(str(error), "warning")
        return redirect(url_for("roster.upload", unit_id=unit_id))
    return send_file(
        io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
        download_name=f"{unit.name}-初始密码.xlsx",
    )


@bp.route("/<int:unit_id>/template.xlsx")
@role_required(Role.ORGANIZER, scope=unit_scope)
def template(unit_id: int) -> Response:
    data = services.template_for(db.session, unit_id)
    return send_file(
        io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
        download_name=TEMPLATE_FILENAME,
    )
