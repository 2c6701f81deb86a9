"""Signing in and out, one's own password and profile, and the language switcher."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from academy.accounts import operations, policy, signin
from academy.accounts.blueprints import accounts as bp
from academy.accounts.forms import ChangePasswordForm, LanguageForm, LoginForm, ProfileForm
from academy.accounts.roles import TRAINEE
from academy.accounts.signals import sign_in_failed, signed_in
from academy.db import reading
from academy.domain_errors import DomainError
from academy.extensions import db
from academy.forms import attempt
from academy.i18n import is_interface_locale
from academy.security import safe_next


def _sign_in(user) -> None:
    """Open a fresh server session for this browser (a new cookie, no fixation)."""
    chosen_locale = session.get("locale") if session.get("locale_chosen") else None
    session.clear()
    operations.start_session(user, request.remote_addr, request.user_agent.string)
    # A language picked on the switcher just before is the latest wish.
    if is_interface_locale(chosen_locale):
        operations.set_locale(user, chosen_locale)
    db.session.commit()
    login_user(user)


def _landing_url(user) -> str:
    """Where signing in leads: a trainee to their courses; staff to the home page, whose
    shortcuts name their work."""
    roles = {m.role for m in user.memberships} | user.network_role_names
    return url_for("home.learning") if roles == {TRAINEE} else url_for("home.index")


def _refused(form: LoginForm, problem: DomainError):
    """The sign-in page again, saying why (after the caller's commit)."""
    form.form_errors.append(str(problem.message))
    if isinstance(problem, signin.LoginThrottled):
        status, reason = 429, "throttled"
    elif isinstance(problem, signin.InvalidCredentials):
        status, reason = 401, "invalid"
    else:
        status, reason = 403, "refused"
    sign_in_failed.send(current_app._get_current_object(), reason=reason)
    return render_template("accounts/login.html", form=form), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_landing_url(current_user))
    form = LoginForm(next=request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form)
    # The request's hooks may have read already (maintenance mode), taking SQLite's write lock
    # as a POST does: end that first, or the counters, written on their own, would wait on it.
    db.session.commit()
    with reading():  # no write lock while the password is hashed (SQLite)
        check = signin.check_login(form.username.data, form.password.data, request.remote_addr)
    db.session.commit()  # the read ends (the attempt is counted): the writes below take turns
    outcome = signin.record_login(check)
    if outcome.problem is not None:
        db.session.commit()  # a wrong password or a deactivated account is audited
        return _refused(form, outcome.problem)
    user = outcome.user
    _sign_in(user)
    signed_in.send(current_app._get_current_object())
    if user.must_change_password:
        flash(_("Welcome. Choose your own password before you continue."), "info")
        return redirect(url_for("accounts.change_password"))
    return redirect(safe_next(form.next.data) or _landing_url(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    operations.end_session(current_user.session_token, user=current_user._get_current_object())
    db.session.commit()
    chosen_locale = current_user.locale
    logout_user()
    session.clear()
    if chosen_locale:
        session["locale"] = chosen_locale
    flash(_("You are signed out."), "success")
    return redirect(url_for("home.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not policy.can_change_own_password(current_user):
        abort(403)
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if attempt(form, lambda: operations.change_password(user, form.current_password.data,
                                                        form.new_password.data)):
        _sign_in(user)  # every other session has ended; this browser gets a new one
        flash(_("Your password has been changed. You were signed out everywhere else."),
              "success")
        return redirect(_landing_url(user))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile():
    if not policy.can_edit_own_profile(current_user):
        abort(403)
    user = current_user._get_current_object()
    form = ProfileForm(obj=user) if request.method == "GET" else ProfileForm()
    if request.method == "GET":
        form.locale.data = user.locale or ""
        form.timezone.data = user.timezone or ""
    if attempt(form, lambda: operations.update_profile(
            user, display_name=form.display_name.data, email=form.email.data,
            locale=form.locale.data or None, zone=form.timezone.data or None)):
        db.session.commit()
        flash(_("Your profile has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("home.index")
    if not form.validate_on_submit() or not is_interface_locale(form.locale.data):
        flash(_("That language is not available."), "error")
        return redirect(target)
    session["locale"] = form.locale.data
    session["locale_chosen"] = True  # picked by hand, not inherited from a signed-out profile
    if current_user.is_authenticated:
        operations.set_locale(current_user._get_current_object(), form.locale.data)
        db.session.commit()
    return redirect(target)
