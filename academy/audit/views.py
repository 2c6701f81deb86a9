"""The audit log's pages: the log with filters and a CSV export, and the chain's check."""
from __future__ import annotations

import json

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.audit import chain, policy, queries
from academy.audit import operations as audit
from academy.audit.blueprints import audit as bp
from academy.audit.forms import AnchorForm, AuditFilterForm
from academy.extensions import db
from academy.forms import as_id
from academy.i18n import current_locale
from academy.spreadsheets import csv_response


def _reader() -> set[int] | None:
    if not policy.can_read_log(current_user):
        abort(403)
    return policy.academy_scope(current_user)


def _filters(form: AuditFilterForm, scope: set[int] | None) -> queries.LogFilters:
    """The filters the form validated (a wrong value is shown by its field and ignored); an
    academy outside the person's scope cannot be chosen (the form offers only theirs)."""
    form.validate()
    value = lambda f: None if f.errors or not f.data else f.data  # noqa: E731
    academy = value(form.academy)
    return queries.LogFilters(
        actor=value(form.actor), action=value(form.action),
        academy_id=as_id(academy),
        since=value(form.since), until=value(form.until))


def _form(scope: set[int] | None, formdata=None) -> AuditFilterForm:
    """The filters of the log (its GET form), or those an export posts with its button."""
    form = AuditFilterForm(request.args if formdata is None else formdata)
    form.offer(queries.academies_in_scope(scope), current_locale())
    return form


@bp.route("/audit")
@login_required
def index():
    scope = _reader()
    form = _form(scope)
    rows, total, page = queries.log_page(_filters(form, scope), scope,
                                         max(1, request.args.get("page", 1, type=int) or 1))
    return render_template("audit/index.html", form=form, rows=rows, total=total, page=page,
                           pages=-(-total // queries.PAGE_SIZE),
                           can_verify=policy.can_verify_chain(current_user))


def _details(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""


@bp.route("/audit.csv", methods=["POST"])
@login_required
def export():
    """The log as CSV: a POST (a button with the filters), since the export itself is recorded
    (docs/decisions.md, "No GET request writes")."""
    scope = _reader()
    form = _form(scope, request.form)
    filters = _filters(form, scope)
    header = [_("Entry number"), _("When (UTC)"), _("Who"), _("Username"), _("Action"),
              _("Academy"), _("Object"), _("Object number"), _("Address"), _("Details"),
              _("Hash")]
    rows = [header] + [
        [event.seq, event.at.isoformat(timespec="seconds"),
         actor.display_name if actor else "", actor.username if actor else "", event.action,
         academy.slug if academy else "", event.target_type, event.target_id or "",
         event.address or "", _details(event.details), event.hash]
        for event, actor, academy in queries.log_rows(filters, scope)]
    audit.record("export.audit", actor_id=current_user.id, target_type="audit_log",
                 target_id=None, details={"rows": len(rows) - 1, "format": "csv"})
    db.session.commit()
    return csv_response(rows, "audit-log")


@bp.route("/audit/verify")
@login_required
def verify():
    if not policy.can_verify_chain(current_user):
        abort(403)
    form = AnchorForm(request.args)
    anchor = chain.parse_anchor(form.anchor.data) if form.validate() and form.anchor.data else None
    return render_template("audit/verify.html", form=form, anchor=anchor,
                           verdict=chain.verify(anchors=(anchor,) if anchor else ()),
                           head=chain.head_anchor())
