"""The catalogue: find courses, read their outline and (signed in) their lessons."""
from __future__ import annotations

import re

from flask import abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from academy import images
from academy.academies import queries as academy_queries
from academy.catalog.blueprints import catalog as bp
from academy.catalog.forms import CatalogFilterForm
from academy.curricula import files, policy, queries, topics
from academy.curricula.models import PAGE, Course, best_text
from academy.curricula.rendering import render_markdown
from academy.db import utcnow
from academy.enrolment import operations as enrolment_ops
from academy.enrolment import policy as enrolment_policy
from academy.enrolment import queries as enrolment_queries
from academy.enrolment.forms import EnrolForm
from academy.enrolment.outline import lesson_texts, outline_of
from academy.extensions import db, login_manager
from academy.forms import ActionForm
from academy.i18n import current_locale, is_locale


@bp.route("/courses")
def index():
    locale = current_locale()
    form = CatalogFilterForm(request.args)
    form.offer(queries.catalog_facets(current_user), locale)
    args = request.args
    academy = args.get("academy", "")
    country = args.get("country", "").upper()
    language = args.get("language", "")
    tag = args.get("tag", "")
    listing = queries.catalog(
        current_user, locale, search=args.get("q", "").strip()[:100],
        academy_id=int(academy) if academy.isdigit() else None,
        country=country if re.fullmatch(r"[A-Z]{2}", country) else None,
        language=language if is_locale(language) else None,
        tag=tag if re.fullmatch(r"[a-z0-9-]{1,64}", tag) else None,
        page=args.get("page", 1, type=int) or 1)
    return render_template("catalog/index.html", form=form, listing=listing)


def _visible_course(course_id: int, *, with_topics: bool = False) -> enrolment_queries.Reading:
    """The course as this person reads it, or 404 for anyone who may not see it (drafts are not
    even confirmed to exist)."""
    reading = enrolment_queries.course_for_reader(current_user, course_id, with_topics=with_topics)
    if reading is None or not policy.can_view_course(current_user, reading.course):
        abort(404)
    return reading


@bp.route("/courses/<int:course_id>")
def course(course_id: int):
    reading = _visible_course(course_id, with_topics=True)
    course, enrolment = reading.course, reading.enrolment
    rules = enrolment_ops.rules_read(reading)
    refusal = None
    if current_user.is_authenticated and (enrolment is None or enrolment.status == "withdrawn"):
        refusal = enrolment_ops.refusal(current_user, course, rules, utcnow())
    outline = outline_of(course.id, current_user.id if current_user.is_authenticated else None)
    return render_template(
        "catalog/course.html", course=course, outline=outline, enrolment=enrolment,
        rules=rules, refusal=refusal,
        can_read=enrolment_policy.can_read_lessons(current_user, course, enrolment),
        can_adopt=policy.can_adopt(current_user, course), enrol_form=EnrolForm(formdata=None),
        partner_academies=_partner_academies(course),
        places_left=enrolment_queries.places_left(course.id, rules),
        position=enrolment_queries.waiting_position(enrolment)
        if enrolment is not None and enrolment.status == "waitlisted" else None,
        done=outline.done if enrolment else set(),
        course_topics=topics.sorted_by_name(course.tags, current_locale()))


def _partner_academies(course) -> list:
    """The academies whose people this person may enrol in another academy's shared course."""
    ids = enrolment_policy.partner_academy_ids(current_user, course)
    return [a for a in academy_queries.all_academies() if a.id in ids] if ids else []


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>")
def lesson(course_id: int, lesson_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    reading = _visible_course(course_id)
    course, enrolment = reading.course, reading.enrolment
    if not enrolment_policy.can_read_lessons(current_user, course, enrolment):
        abort(403)
    # Pages and quizzes in course order: "next" may lead to a quiz, whose page is the quiz's own.
    lessons = outline_of(course.id, current_user.id).lessons
    current = next((item for item in lessons if item.id == lesson_id), None)
    if current is None:
        abort(404)
    if current.kind != PAGE:
        return redirect(url_for("quizzes.quiz", course_id=course.id, lesson_id=current.id))
    index = lessons.index(current)
    text, text_locale = best_text(lesson_texts(current.id), current_locale(), course.default_locale)
    body = render_markdown(text.body, files.files_base(course)) if text is not None else None
    return render_template(
        "catalog/lesson.html", course=course, lesson=current, text=text, text_locale=text_locale,
        enrolment=enrolment, rules=enrolment_ops.rules_read(reading), action_form=ActionForm(),
        is_done=enrolment is not None and current.done,
        body=body, previous=lessons[index - 1] if index else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None)


@bp.route("/courses/<int:course_id>/files/<name>")
def course_file(course_id: int, name: str):
    """A course's image (shown inline) or document (always downloaded), for its readers only."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    course = db.session.get(Course, course_id)
    enrolment = enrolment_queries.enrolment_of(current_user, course_id)
    if course is None or not enrolment_policy.can_read_lessons(current_user, course, enrolment):
        abort(404)
    found = next((f for f in course.files if f.name == name), None)
    path = files.stored_path(found.sha256) if found else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype=found.content_type, max_age=0,
                         as_attachment=not found.is_image, download_name=found.name)
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/courses/<int:course_id>/cover/<filename>")
def cover(course_id: int, filename: str):
    """A course's cover picture, for whoever may see the course."""
    course = db.session.get(Course, course_id)
    if course is None or not policy.can_view_course(current_user, course) \
            or course.cover_filename != filename:
        abort(404)
    path = images.image_path("covers", filename)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=86400)
