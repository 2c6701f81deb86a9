"""The course editor: courses, their texts in each language, modules and lessons."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from academy.academies.models import Academy
from academy.authoring.blueprints import authoring as bp
from academy.authoring.checklist import checklist
from academy.authoring.forms import (
    CourseTextForm,
    CoverForm,
    LessonTextForm,
    MoveForm,
    NewCourseForm,
    NewItemForm,
    QuizTextForm,
    TitleForm,
    UploadForm,
    parse_tags,
)
from academy.curricula import operations, policy, queries, topics
from academy.curricula.files import MAX_FILE_BYTES, files_base
from academy.curricula.lookups import (
    course_for_author,
    lesson_for_author,
    locale_of,
    module_for_author,
)
from academy.curricula.models import PAGE, QUIZ, Course, best_text
from academy.curricula.rendering import render_markdown
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import ActionForm, ask_first, attempt, show_domain_error
from academy.i18n import content_language, current_locale
from academy.packages import revisions
from academy.packages.upstream import upstream_of


def _author_academy() -> Academy:
    ids = sorted(policy.authoring_academy_ids(current_user))
    if not ids:
        abort(403)
    return db.session.get(Academy, ids[0])


@bp.route("/authoring")
@login_required
def index():
    ids = policy.authoring_academy_ids(current_user)
    if not ids:
        abort(403)
    return render_template("authoring/index.html", courses=queries.courses_of_academies(ids))


@bp.route("/authoring/courses/new", methods=["GET", "POST"])
@login_required
def create_course():
    academy = _author_academy()
    form = NewCourseForm()
    if not form.is_submitted():
        form.default_locale.data = content_language(academy.default_locale)
        form.locales.data = [content_language(academy.default_locale)]
    done = attempt(form, lambda: operations.create_course(
        academy, slug=(form.slug.data or "").strip(), default_locale=form.default_locale.data,
        locales=form.locales.data, hours=form.hours.data or 0, tags=parse_tags(form.tags.data),
        title=form.title.data, summary=form.summary.data or ""))
    if done:
        course = done.value
        topics.suggest_topics(course.tags, current_user.id)
        db.session.commit()
        flash(_("The course has been created as a draft."), "success")
        return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/course_new.html", form=form, academy=academy)


def _course_page(course: Course, settings: CoverForm, status: int = 200,
                 upload: UploadForm | None = None):
    """The course editor: its state, checklist, outline, files and settings."""
    outline = queries.course_outline(course.id)
    original = db.session.get(Course, course.revision_of_id) if course.revision_of_id else None
    checks = checklist(outline)
    return render_template("authoring/course.html", course=outline, settings=settings,
                           status=queries.translation_status(outline), action_form=ActionForm(),
                           new_item=NewItemForm(formdata=None),
                           reviews=queries.reviews_of(course.id),
                           upload=upload or UploadForm(formdata=None),
                           locked=policy.is_locked(course),
                           original=original, revision=revisions.revision_of(course.id),
                           upstream=upstream_of(course), checks=checks), status


@bp.route("/authoring/courses/<int:course_id>")
@login_required
def course(course_id: int):
    course = course_for_author(course_id)
    return _course_page(course, _settings_form(course))


def _settings_form(course: Course) -> CoverForm:
    """The settings form as the course has them (nothing submitted)."""
    settings = CoverForm(obj=course, formdata=None)
    settings.tags.data = ", ".join(course.tags)
    return settings


@bp.route("/authoring/courses/<int:course_id>/settings", methods=["POST"])
@login_required
def settings(course_id: int):
    course = course_for_author(course_id, content=True)
    form = CoverForm()
    if attempt(form, lambda: _save_settings(course, form)):
        db.session.commit()
        flash(_("The course settings have been saved."), "success")
        return redirect(url_for("authoring.course", course_id=course.id))
    return _course_page(course, form, 422)


def _save_settings(course, form: CoverForm) -> None:
    operations.update_course_settings(course, default_locale=form.default_locale.data,
                                      locales=form.locales.data, hours=form.hours.data or 0,
                                      tags=parse_tags(form.tags.data))
    topics.suggest_topics(course.tags, current_user.id)
    upload = form.cover.data
    operations.set_course_cover(course, upload.read() if upload else None,
                                remove=form.remove_cover.data)


def _reference(texts, course):
    """The default-language text shown beside the one being translated."""
    return best_text(texts, course.default_locale, course.default_locale)[0]


@bp.route("/authoring/courses/<int:course_id>/texts/<locale>", methods=["GET", "POST"])
@login_required
def course_texts(course_id: int, locale: str):
    course = course_for_author(course_id, content=True)
    locale = locale_of(course, locale)
    current = next((t for t in course.texts if t.locale == locale), None)
    form = CourseTextForm(obj=current)
    if attempt(form, lambda: operations.set_course_text(
            course, locale, title=form.title.data or "", summary=form.summary.data or "")):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/texts.html", course=course, locale=locale, form=form,
                           reference=_reference(course.texts, course), kind="course",
                           action=url_for("authoring.course_texts", course_id=course.id,
                                          locale=locale))


@bp.route("/authoring/courses/<int:course_id>/modules", methods=["POST"])
@login_required
def add_module(course_id: int):
    course = course_for_author(course_id, content=True)
    form = NewItemForm()
    if form.validate_on_submit():
        operations.add_module(course, form.title.data)
        db.session.commit()
        flash(_("The module has been added."), "success")
    else:
        flash(_("Give the new module a title."), "error")
    return redirect(url_for("authoring.course", course_id=course.id) + "#outline")


@bp.route("/authoring/modules/<int:module_id>/texts/<locale>", methods=["GET", "POST"])
@login_required
def module_texts(module_id: int, locale: str):
    module = module_for_author(module_id)
    course = module.course
    locale = locale_of(course, locale)
    current = next((t for t in module.texts if t.locale == locale), None)
    form = TitleForm(obj=current)
    if attempt(form, lambda: operations.set_module_text(module, locale, form.title.data or "")):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("authoring.course", course_id=course.id) + "#outline")
    return render_template("authoring/texts.html", course=course, locale=locale, form=form,
                           reference=_reference(module.texts, course), kind="module",
                           action=url_for("authoring.module_texts", module_id=module.id,
                                          locale=locale))


@bp.route("/authoring/modules/<int:module_id>/move", methods=["POST"])
@login_required
def move_module(module_id: int):
    module = module_for_author(module_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        operations.move_module(module, -1 if form.direction.data == "up" else 1)
        db.session.commit()
    return redirect(url_for("authoring.course", course_id=module.course_id) + "#outline")


def _title(texts, locale: str, default: str) -> str:
    found = best_text(texts, locale, default)[0]
    return found.title if found else ""


@bp.route("/authoring/modules/<int:module_id>/delete", methods=["POST"])
@login_required
def delete_module(module_id: int):
    module = module_for_author(module_id)
    course_id = module.course_id
    locale, default = current_locale(), module.course.default_locale
    lessons = [best_text(lesson.texts, locale, default)[0] for lesson in module.lessons]
    asked = ask_first(
        ngettext("Delete the module “%(title)s”? Its %(num)d lesson goes with it:",
                 "Delete the module “%(title)s”? Its %(num)d lessons go with it:", len(lessons),
                 title=_title(module.texts, locale, default)),
        button=_("Delete the module"), names=[t.title if t else "" for t in lessons],
        back=url_for("authoring.course", course_id=course_id) + "#outline")
    if asked:
        return asked
    operations.delete_module(module)
    db.session.commit()
    flash(_("The module and its lessons have been deleted."), "success")
    return redirect(url_for("authoring.course", course_id=course_id) + "#outline")


@bp.route("/authoring/modules/<int:module_id>/lessons", methods=["POST"])
@login_required
def add_lesson(module_id: int):
    module = module_for_author(module_id)
    form = NewItemForm()
    kind = QUIZ if form.kind.data == QUIZ else PAGE
    if not form.validate_on_submit():
        flash(_("Give the new quiz a title.") if kind == QUIZ else
              _("Give the new lesson a title."), "error")
        return redirect(url_for("authoring.course", course_id=module.course_id) + "#outline")
    lesson = operations.add_lesson(module, form.title.data, kind)
    db.session.commit()
    if kind == QUIZ:
        flash(_("The quiz has been added. Write its introduction, then choose its questions "
                "and settings."), "success")
    return redirect(url_for("authoring.lesson_texts", lesson_id=lesson.id,
                            locale=module.course.default_locale))


@bp.route("/authoring/lessons/<int:lesson_id>/texts/<locale>", methods=["GET", "POST"])
@login_required
def lesson_texts(lesson_id: int, locale: str):
    lesson = lesson_for_author(lesson_id)
    course = lesson.module.course
    locale = locale_of(course, locale)
    current = next((t for t in lesson.texts if t.locale == locale), None)
    form = (LessonTextForm if lesson.kind == PAGE else QuizTextForm)(obj=current)
    if not form.is_submitted():
        form.minutes.data = lesson.minutes
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "preview":  # the Preview button: show, do not save
            preview = render_markdown(form.body.data or "", files_base(course))
        else:
            try:
                operations.set_lesson_text(lesson, locale, title=form.title.data or "",
                                           body=form.body.data or "", minutes=form.minutes.data)
            except DomainError as error:
                db.session.rollback()
                show_domain_error(form, error)
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("authoring.lesson_texts", lesson_id=lesson.id,
                                        locale=locale))
    reference = _reference(lesson.texts, course)
    return render_template("authoring/lesson.html", course=course, lesson=lesson, locale=locale,
                           form=form, reference=reference, preview=preview,
                           reference_html=render_markdown(reference.body, files_base(course))
                           if reference else None)


@bp.route("/authoring/lessons/<int:lesson_id>/move", methods=["POST"])
@login_required
def move_lesson(lesson_id: int):
    lesson = lesson_for_author(lesson_id)
    form = MoveForm()
    if form.validate_on_submit() and form.direction.data in ("up", "down"):
        operations.move_lesson(lesson, -1 if form.direction.data == "up" else 1)
        db.session.commit()
    return redirect(url_for("authoring.course", course_id=lesson.module.course_id) + "#outline")


@bp.route("/authoring/lessons/<int:lesson_id>/delete", methods=["POST"])
@login_required
def delete_lesson(lesson_id: int):
    lesson = lesson_for_author(lesson_id)
    course_id = lesson.module.course_id
    asked = ask_first(
        _("Delete the lesson “%(title)s”, with its texts in every language?",
          title=_title(lesson.texts, current_locale(), lesson.module.course.default_locale)),
        button=_("Delete the lesson"),
        back=url_for("authoring.course", course_id=course_id) + "#outline")
    if asked:
        return asked
    operations.delete_lesson(lesson)
    db.session.commit()
    flash(_("The lesson has been deleted."), "success")
    return redirect(url_for("authoring.course", course_id=course_id) + "#outline")


@bp.route("/authoring/preview", methods=["POST"])
@login_required
def preview():
    """The live preview of the lesson editor: Markdown in, safe HTML out."""
    if not policy.authoring_academy_ids(current_user):
        abort(403)
    text = request.form.get("body", "")[:200_000]
    course = db.session.get(Course, request.form.get("course_id", type=int) or 0)
    base = files_base(course) if course and policy.can_edit_course(current_user, course) else None
    return str(render_markdown(text, base)), 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.route("/authoring/courses/<int:course_id>/files", methods=["POST"])
@login_required
def upload_file(course_id: int):
    course = course_for_author(course_id, content=True)
    form = UploadForm()
    done = attempt(form, lambda: operations.add_course_file(
        course, form.upload.data.filename or "", form.upload.data.read(MAX_FILE_BYTES + 1)))
    if not done:  # refused (a damaged document, a wrong type): said next to the field
        return _course_page(course, _settings_form(course), 422, upload=form)
    db.session.commit()
    flash(_("%(name)s has been added. In a lesson, write files/%(name)s to use it.",
            name=done.value.name), "success")
    return redirect(url_for("authoring.course", course_id=course.id) + "#files")


@bp.route("/authoring/courses/<int:course_id>/files/<int:file_id>/delete", methods=["POST"])
@login_required
def delete_file(course_id: int, file_id: int):
    course = course_for_author(course_id, content=True)
    found = next((f for f in course.files if f.id == file_id), None)
    if found is None:
        abort(404)
    operations.delete_course_file(found)
    db.session.commit()
    flash(_("The file has been removed."), "success")
    return redirect(url_for("authoring.course", course_id=course.id) + "#files")
