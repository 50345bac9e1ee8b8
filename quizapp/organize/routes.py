"""Speech views: the list, upload and re-import, the full text, and the Excel round trip."""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.auth.access import organizer_unit_choices
from quizapp.auth.decorators import role_required
from quizapp.extensions import db
from quizapp.models import Role, Speech, Unit
from quizapp.organize import excel, queries, services, stash
from quizapp.organize.forms import (
    ExcelConfirmForm,
    ExcelUploadForm,
    SpeechInfoForm,
    SpeechReimportForm,
    SpeechUploadForm,
)
from quizapp.organize.scopes import my_unit_ids, speech_scope, stash_folder
from quizapp.results.clock import local_time

bp = Blueprint("organize", __name__)

@bp.app_template_filter("beijing_time")
def beijing_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time in Beijing time (``results.clock.local_time``)."""
    return local_time(value, fmt)


@bp.route("/")
@role_required(Role.ORGANIZER)
def speeches() -> str:
    summaries = queries.speech_summaries(db.session, my_unit_ids())
    open_reports = sum(s.open_reports for s in summaries)
    return render_template("organize/speeches.html", summaries=summaries, open_reports=open_reports)


@bp.route("/speeches/new", methods=["GET", "POST"])
@role_required(Role.ORGANIZER)
def upload() -> str:
    form = SpeechUploadForm()
    form.unit.choices = organizer_unit_choices(db.session, current_user)
    existing = None
    if form.validate_on_submit():
        file_name = services.clean_file_name(form.file.data.filename)
        data = form.file.data.read(services.MAX_SPEECH_BYTES + 1)
        # Another speech under a name already used would silently replace it: updating a speech
        # is done on its own page (重新导入), where it is plain which speech changes.
        existing = queries.speech_named(db.session, form.unit.data, file_name)
        if existing is not None:
            form.file.errors.append(f"该组织已有同名讲话稿《{existing.title}》，未做任何改动。")
            return render_template("organize/upload.html", form=form, existing=existing)
        result = _import_upload(
            form, db.session.get(Unit, form.unit.data), file_name, data,
            title=form.title.data or None, delivered_on=form.delivered_on.data, occasion=form.occasion.data or None,
        )
        if result is not None:
            return render_template("organize/import_result.html", result=result)
    return render_template("organize/upload.html", form=form, existing=existing)


def _import_upload(form, unit: Unit, file_name: str, data: bytes, upload_name: str | None = None, **speech_info):
    """Read an uploaded speech (named `upload_name`, by default `file_name`) and import it into
    the unit's bank as `file_name`; on an unreadable file, the reason goes on the form's file field
    and the result is None. Shared by the first upload and 重新导入."""
    try:
        built = services.build_speech_file(file_name, data, read_as=upload_name)
        result = services.import_speech(db.session, unit, file_name, built, importer=current_user, **speech_info)
    except services.TitleMissing as error:
        form.title.errors = [*form.title.errors, str(error)]
        return None
    except services.SpeechError as error:
        form.file.errors.append(str(error))
        return None
    db.session.commit()
    if result.warning:
        flash(result.warning, "warning")
    return result


@bp.route("/speeches/<int:speech_id>")
@role_required(Role.ORGANIZER, scope=speech_scope)
def speech(speech_id: int) -> str:
    speech = db.get_or_404(Speech, speech_id)
    number = request.args.get("p", type=int)
    paragraphs = queries.paragraph_views(speech.text, number, request.args.get("s"))
    return render_template("organize/speech.html", speech=speech, paragraphs=paragraphs, target=number)


@bp.route("/speeches/<int:speech_id>/edit", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def edit_speech(speech_id: int) -> Response | str:
    speech = db.get_or_404(Speech, speech_id)
    form = SpeechInfoForm(obj=speech)
    if form.validate_on_submit():
        speech.title = form.title.data.strip()
        speech.delivered_on = form.delivered_on.data
        speech.occasion = (form.occasion.data or "").strip()
        db.session.commit()
        flash("讲话信息已保存", "success")
        return redirect(url_for("organize.speech", speech_id=speech.id))
    return render_template("organize/speech_edit.html", speech=speech, form=form)


@bp.route("/speeches/<int:speech_id>/reimport", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def reimport(speech_id: int) -> str:
    """A corrected text for this speech, whatever the new file is called: the bank keeps its ids."""
    speech = db.get_or_404(Speech, speech_id)
    form = SpeechReimportForm()
    if form.validate_on_submit():
        # Read as the uploaded file (its own kind), kept under the speech's name: the ids stay.
        upload_name = services.clean_file_name(form.file.data.filename)
        data = form.file.data.read(services.MAX_SPEECH_BYTES + 1)
        result = _import_upload(form, speech.unit, speech.file_name, data, upload_name=upload_name)
        if result is not None:
            return render_template("organize/import_result.html", result=result)
    return render_template("organize/reimport.html", speech=speech, form=form)


@bp.route("/speeches/<int:speech_id>/export.xlsx")
@role_required(Role.ORGANIZER, scope=speech_scope)
def export_bank(speech_id: int) -> Response:
    speech = db.get_or_404(Speech, speech_id)
    data = excel.export_bank(db.session, speech)
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", speech.title)[:80]
    return send_file(
        BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"题库-{name}.xlsx",
    )


@bp.route("/speeches/<int:speech_id>/import", methods=["GET", "POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def import_bank(speech_id: int) -> str:
    """The dry run: check the workbook, show what would change, keep it for the confirmation."""
    speech = db.get_or_404(Speech, speech_id)
    form = ExcelUploadForm()
    if form.validate_on_submit():
        data = form.file.data.read(excel.MAX_WORKBOOK_BYTES + 1)
        try:
            plan = excel.plan_bank_import(db.session, speech, data)
        except excel.WorkbookError as error:
            form.file.errors.append(str(error))
        else:
            confirm = ExcelConfirmForm()
            if not plan.errors and plan.changes:
                confirm.token.data = stash.stash(stash_folder(), speech.id, current_user.id, data)
            return render_template("organize/excel_preview.html", speech=speech, plan=plan, confirm=confirm)
    return render_template("organize/excel_import.html", speech=speech, form=form)


@bp.route("/speeches/<int:speech_id>/import/confirm", methods=["POST"])
@role_required(Role.ORGANIZER, scope=speech_scope)
def confirm_import(speech_id: int) -> Response | str:
    speech = db.get_or_404(Speech, speech_id)
    form = ExcelConfirmForm()
    data = None
    if form.validate_on_submit():
        data = stash.take(stash_folder(), speech.id, current_user.id, form.token.data)
    if data is None:
        flash("这次导入已过期或已完成，请重新上传文件", "warning")
        return redirect(url_for("organize.import_bank", speech_id=speech.id))
    try:
        plan = excel.plan_bank_import(db.session, speech, data)
    except excel.WorkbookError as error:
        flash(str(error), "error")
        return redirect(url_for("organize.import_bank", speech_id=speech.id))
    if plan.errors:  # the bank changed since the dry run
        return render_template("organize/excel_preview.html", speech=speech, plan=plan, confirm=None)
    created, updated = excel.apply_bank_import(db.session, speech, plan)
    db.session.commit()
    flash(f"导入完成：新增 {created} 道（待审核），更新 {updated} 道", "success")
    return redirect(url_for("organize.bank", speech=speech.id))
