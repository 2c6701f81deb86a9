"""The network's vocabulary of topics, kept by its coordinators: suggestions to name and approve,
names in every language, topics to add or take away."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.authoring.blueprints import authoring as bp
from academy.authoring.forms import TopicForm
from academy.curricula import policy, topics
from academy.curricula.models import Topic
from academy.extensions import db
from academy.forms import ActionForm, attempt


def _coordinator() -> None:
    if not policy.can_review_sharing(current_user):
        abort(403)


@bp.route("/topics", methods=["GET", "POST"])
@login_required
def topics_index():
    _coordinator()
    form = TopicForm()
    done = attempt(form, lambda: topics.save_topic(
        (form.slug.data or "").strip(), form.names(), approve=bool(form.is_approved.data)))
    if done:
        db.session.commit()
        flash(_("The topic “%(slug)s” has been saved.", slug=done.value.slug), "success")
        return redirect(url_for("authoring.topics_index"))
    return render_template("authoring/topics.html", form=form, vocabulary=topics.vocabulary(),
                           action_form=ActionForm()), 422 if form.is_submitted() else 200


def _topic(slug: str) -> Topic:
    _coordinator()
    topic = db.session.get(Topic, slug)
    if topic is None:
        abort(404)
    return topic


@bp.route("/topics/<slug>", methods=["GET", "POST"])
@login_required
def edit_topic(slug: str):
    topic = _topic(slug)
    form = TopicForm()
    if not form.is_submitted():
        form.fill(topic)
    done = attempt(form, lambda: topics.save_topic(topic.slug, form.names(),
                                                   approve=bool(form.is_approved.data),
                                                   topic=topic))
    if done:
        db.session.commit()
        flash(_("The topic “%(slug)s” has been saved.", slug=topic.slug), "success")
        return redirect(url_for("authoring.topics_index"))
    return render_template("authoring/topic.html", form=form, topic=topic,
                           action_form=ActionForm()), 422 if form.is_submitted() else 200


@bp.route("/topics/<slug>/delete", methods=["POST"])
@login_required
def delete_topic(slug: str):
    topic = _topic(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    topics.delete_topic(topic)
    db.session.commit()
    flash(_("The topic has been taken out of the vocabulary; courses keep their short name."),
          "success")
    return redirect(url_for("authoring.topics_index"))
