"""The application factory: settings, extensions, blueprints, request hooks, CLI, error pages."""
from __future__ import annotations

from typing import Any

from flask import Flask, flash, g, redirect, request, request_started, request_tearing_down, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from academy import request_edge
from academy.config import load_config
from academy.db import configure_sqlite, render_item, write_intent
from academy.errors import SAFE_METHODS
from academy.extensions import babel, csrf, login_manager, migrate
from academy.extensions import db as database
from academy.i18n import (
    as_interface_locale,
    compile_catalogues,
    install_gettext,
    select_locale,
    select_timezone,
)
from academy.i18n import lazy_gettext as _l
from academy.security import add_security_headers


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    load_config(app, config)
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    _init_extensions(app)
    _register_blueprints(app)
    _connect_receivers()
    _register_jobs()
    _share_request_edge(app)
    _register_request_hooks(app)
    from academy.cli import register_cli
    from academy.errors import register_error_handlers
    from academy.monitoring import init_app as init_monitoring

    init_monitoring(app)  # request ids, the request log and the metrics' subscriptions
    register_error_handlers(app)
    _register_templating(app)
    _register_navigation(app)
    register_cli(app)
    _warn_about_missing_libraries(app)
    return app


def _register_templating(app: Flask) -> None:
    """What every template can use: the shared helpers, and each domain's (its templating.py)."""
    from academy.academies import templating as academies
    from academy.accounts import templating as accounts
    from academy.audit import templating as audit
    from academy.curricula import templating as curricula
    from academy.enrolment import templating as enrolment
    from academy.quizzes import templating as quizzes
    from academy.templating import register_template_helpers

    register_template_helpers(
        app,
        context=[accounts.TEMPLATE_CONTEXT, curricula.TEMPLATE_CONTEXT,
                 enrolment.TEMPLATE_CONTEXT, quizzes.TEMPLATE_CONTEXT, audit.TEMPLATE_CONTEXT],
        filters=[academies.TEMPLATE_FILTERS])


def _register_navigation(app: Flask) -> None:
    """The main menu in the order it shows; each link, and who sees it, is its domain's (its
    navigation.py)."""
    from academy.academies import navigation as academies
    from academy.audit import navigation as audit
    from academy.authoring import navigation as authoring
    from academy.catalog import navigation as catalog
    from academy.certificates import navigation as certificates
    from academy.cohorts import navigation as cohorts
    from academy.home import navigation as home
    from academy.navigation import Menu, install_menu
    from academy.people import navigation as people
    from academy.quizzes import navigation as quizzes
    from academy.reports import navigation as reports

    install_menu(app, Menu(
        everyone=[home.HOME, catalog.COURSES],
        signed_in=[home.MY_LEARNING, quizzes.MY_GRADES, certificates.MY_CERTIFICATES,
                   authoring.MY_COURSES, authoring.REVIEWS, certificates.CERTIFICATES,
                   reports.NETWORK_DASHBOARD, academies.ACADEMIES, audit.AUDIT_LOG,
                   people.NETWORK_STAFF],
        academies=academies.administered_by,
        per_academy=[people.PEOPLE, cohorts.COHORTS, reports.ACADEMY_DASHBOARD,
                     certificates.CERTIFICATE_DESIGN]))


def _warn_about_missing_libraries(app: Flask) -> None:
    from academy.certificates.rendering import has_fast_subsetter

    if not has_fast_subsetter():
        app.logger.warning(
            "HarfBuzz's subsetter (Debian: libharfbuzz-subset0) is missing: every certificate PDF "
            "will take 5 to 6 times longer to make. See README.md, 'Install'.")


def import_models() -> None:
    """Import every domain's models so the metadata (and Alembic) sees all tables."""
    from academy import ratelimit as _ratelimit  # noqa: F401
    from academy.academies import models as _academies  # noqa: F401
    from academy.accounts import models as _accounts  # noqa: F401
    from academy.audit import models as _audit  # noqa: F401
    from academy.certificates import models as _certificates  # noqa: F401
    from academy.cohorts import models as _cohorts  # noqa: F401
    from academy.credentials import models as _credentials  # noqa: F401
    from academy.curricula import models as _curricula  # noqa: F401
    from academy.enrolment import models as _enrolment  # noqa: F401
    from academy.jobs import models as _jobs  # noqa: F401
    from academy.maintenance import models as _maintenance  # noqa: F401
    from academy.quizzes import models as _quizzes  # noqa: F401


def _init_extensions(app: Flask) -> None:
    import_models()
    compile_catalogues()
    database.init_app(app)
    with app.app_context():
        if database.engine.dialect.name == "sqlite":
            configure_sqlite(database.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, database, directory=str(_migrations_dir()), render_as_batch=True,
                     compare_type=True, render_item=render_item)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(_translations_dir()))
    install_gettext(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # sessions are ended on the server instead

    from academy.accounts.queries import user_for_session
    from academy.security import SessionInterface

    login_manager.user_loader(user_for_session)
    app.session_interface = SessionInterface()


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _translations_dir():
    from academy.i18n import TRANSLATIONS_DIR

    return TRANSLATIONS_DIR


def _register_blueprints(app: Flask) -> None:
    """Every package's blueprints (declared in its blueprints.py), from one list. The order is
    the order templates are looked up in."""
    from academy.academies import blueprints as academies
    from academy.accounts import blueprints as accounts
    from academy.audit import blueprints as audit
    from academy.authoring import blueprints as authoring
    from academy.catalog import blueprints as catalog
    from academy.certificates import blueprints as certificates
    from academy.cohorts import blueprints as cohorts
    from academy.credentials import blueprints as credentials
    from academy.enrolment import blueprints as enrolment
    from academy.home import blueprints as home
    from academy.maintenance import blueprints as maintenance
    from academy.monitoring import blueprints as monitoring
    from academy.moodle import blueprints as moodle
    from academy.people import blueprints as people
    from academy.quizzes import blueprints as quizzes
    from academy.reports import blueprints as reports

    for package in (home, accounts, academies, people, catalog, authoring, enrolment, cohorts,
                    quizzes, certificates, credentials, audit, moodle, reports, maintenance,
                    monitoring):
        for blueprint in package.with_views():
            app.register_blueprint(blueprint)


def _connect_receivers() -> None:
    """What one domain's signals set off in another: connected here, not by importing a module."""
    from academy.certificates.issuing import issue_on_completion
    from academy.enrolment.signals import course_completed
    from academy.quizzes.marking import record_final_grade

    # Blinker calls receivers in no set order: neither of these reads what the other writes
    # (a certificate computes its grade live; docs/decisions.md, "Enrolment").
    course_completed.connect(record_final_grade)
    course_completed.connect(issue_on_completion)


def _share_request_edge(app: Flask) -> None:
    """Let the operations below the views read the client's address and the request's own
    address (academy/request_edge.py) without importing Flask's request."""
    # On request_started, before any request hook: whatever a request writes knows its origin.
    request_started.connect(_enter_request_edge, app)
    request_tearing_down.connect(_leave_request_edge, app)


def _enter_request_edge(_app: Flask, **_extra) -> None:
    g.request_edge_token = request_edge.enter(request.remote_addr, request.host_url)


def _leave_request_edge(_app: Flask, **_extra) -> None:
    token = g.pop("request_edge_token", None)
    if token is not None:
        request_edge.leave(token)


def _register_jobs() -> None:
    """Every kind of background job and what it does."""
    from academy.certificates import bulk
    from academy.jobs import runner, sweeper

    runner.register(bulk.KIND, bulk.bulk_issue, expire=bulk.remove_downloads)
    sweeper.pause_while(_under_maintenance)
    sweeper.also_do(_close_overdue_attempts)


def _close_overdue_attempts(_app: Flask) -> None:
    """Grade the attempts whose time ran out without anyone saving (the `close-overdue` timer
    does the same; this keeps a node without it right). Reads first: no write lock otherwise."""
    from academy.db import reading, utcnow
    from academy.quizzes import closing, queries

    now = utcnow()
    with reading():
        due = any(attempt.is_overdue(now)
                  for attempt in queries.overdue_candidates(now, None, None, None))
        database.session.commit()
    if due:
        closing.close_overdue(now)
        database.session.commit()


def _under_maintenance(app: Flask) -> bool:
    from academy.maintenance import state as maintenance

    return maintenance.current(app) is not None


def _register_request_hooks(app: Flask) -> None:
    """The hooks around every request, in the order they run."""
    from academy.jobs import sweeper
    from academy.maintenance.views import register as register_maintenance

    @app.before_request
    def _sweeper():
        # This process's job sweeper (once per process, after a server forks it).
        sweeper.ensure_started(app)

    for hook in (_write_intent, _url_locale, _force_password_change):
        app.before_request(hook)
    app.after_request(_headers)
    app.teardown_request(_reset_write_intent)
    register_maintenance(app)  # last: the maintenance page needs the hooks above (language, locks)


def _write_intent() -> None:
    # Reads never take SQLite's write lock (a GET writes nothing:
    # tests/platform/test_reads_do_not_write.py); everything else takes it up front.
    g.write_intent_token = write_intent.set(request.method not in SAFE_METHODS)


def _url_locale() -> None:
    """The interface language a link asks for (?lang=), for this request only."""
    wanted = request.args.get("lang")
    if wanted is None:
        return
    if as_interface_locale(wanted):  # the seven, as pt_BR or pt-BR; "pt" alone is pt_PT
        g.url_locale = as_interface_locale(wanted)
    else:
        flash(_l("That language is not available; the page is shown in your usual language."),
              "warning")


def _force_password_change():
    """Whoever must change their password is sent to do it first (the few pages it needs
    excepted)."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in {"accounts.change_password", "accounts.logout",
                                     "accounts.set_language", "static"}
    ):
        return redirect(url_for("accounts.change_password"))
    return None


def _headers(response):
    """Security headers on every answer; pages of a signed-in person are not kept."""
    add_security_headers(response)
    user = g.get("_login_user")  # only if this request loaded it; static files do not
    if user is not None and user.is_authenticated:
        # Pages of a signed-in person must not stay in a shared computer's cache.
        response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Cookie")
    return response


def _reset_write_intent(_exc) -> None:
    token = g.pop("write_intent_token", None)
    if token is not None:
        write_intent.reset(token)
