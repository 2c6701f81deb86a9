"""One app for the session; every test runs inside a transaction that is rolled back."""
from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from academy.academies import operations as academy_ops
from academy.accounts import operations as account_ops
from academy.accounts import queries as account_queries
from academy.extensions import db
from tests.support import (
    PASSWORD,
    TEST_DATABASE_URL,
    DemoTemplate,
    copy_demo,
    drop_whole_database,
    is_postgres,
    load_demo_template,
    make_app,
    upgrade_schema,
)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Flask reuses an app context that is already pushed (the test's own), which would share
    `g`, the cached user and the database session between requests of one test.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # read the body and close files, as a server would
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("campus")
    url = TEST_DATABASE_URL or f"sqlite:///{tmp / 'test.sqlite3'}"
    # The tests share one app: dashboards are computed for each request, from each test's own
    # data (test_dashboards.py and test_kept_parts.py check the figures kept when they are kept).
    # Maintenance mode is read once and kept (a reading that expired between the two requests
    # of a statement count would count one more); tests/maintenance/test_maintenance.py forgets it.
    application = make_app(url, tmp, JOB_MODE="inline", REPORTS_KEPT_SECONDS=0,
                           MAINTENANCE_CHECK_SECONDS=24 * 3600)
    application.test_client_class = FreshContextClient
    if is_postgres():
        with application.app_context(), db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade_schema(application)
    yield application
    with application.app_context():
        db.engine.dispose()


@contextmanager
def _sessions_joined_to(connection):
    """Meanwhile every session of the app joins `connection`'s transaction: a commit only
    releases a savepoint of it.

    A plain Session: Flask-SQLAlchemy's own would pick the engine over this connection.
    """
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        if has_app_context():  # a module's transaction ends outside any; its sessions are gone
            db.session.remove()
        db.session = original


@contextmanager
def _rolled_back(engine):
    """A connection in one outer transaction, joined by every session of the app (see
    `_sessions_joined_to`), rolled back and closed at the end: nothing a test writes stays."""
    connection = engine.connect()
    outer = connection.begin()
    try:
        with _sessions_joined_to(connection):
            yield connection
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture(scope="module")
def module_transaction(app):
    """One outer transaction for a whole module, rolled back after its last test.

    A module whose tests all read one expensive world builds it once, in a module-scoped
    fixture that requests this one; each test of the module then runs in a savepoint of this
    transaction that is rolled back after it (see `_transaction`), so every test still starts
    from the same world and leaves nothing behind.
    """
    with app.app_context():
        engine = db.engine
    with _rolled_back(engine) as connection:
        yield connection


class DemoCopies:
    """The demo, loaded once per session (and kind of database) by `flask demo load`, and
    copies of it: loading it takes a minute."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.templates: dict[bool, DemoTemplate] = {}
        self.copies: list[str] = []

    def template(self, *, sqlite: bool = False) -> DemoTemplate:
        sqlite = sqlite or not is_postgres()
        if sqlite not in self.templates:
            folder = self.tmp_path_factory.mktemp("demo")
            self.templates[sqlite] = load_demo_template(folder, sqlite=sqlite)
        return self.templates[sqlite]

    def __call__(self, tmp_dir, *, sqlite: bool = False) -> str:
        """The URL of a database of its own that holds the demo, its files in tmp_dir (where
        `make_app(url, tmp_dir)` looks)."""
        self.copies.append(copy_demo(self.template(sqlite=sqlite), tmp_dir))
        return self.copies[-1]

    def drop(self) -> None:
        for url in [*self.copies, *(template.url for template in self.templates.values())]:
            drop_whole_database(url)


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory):
    """`demo_copy(tmp_dir, sqlite=False)`: a copy of the session's demo (see DemoCopies)."""
    copies = DemoCopies(tmp_path_factory)
    yield copies
    copies.drop()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Join every session of the test to one outer transaction, rolled back at the end (or to
    a savepoint of the module's transaction, in modules that build one world for all tests)."""
    if "no_transaction" in request.keywords:
        yield None
        return
    if "module_transaction" in request.fixturenames:
        connection = request.getfixturevalue("module_transaction")
        with app.app_context():
            savepoint = connection.begin_nested()
            try:
                yield connection
            finally:
                db.session.remove()
                savepoint.rollback()
        return
    with app.app_context(), _rolled_back(db.engine) as connection:
        yield connection


@pytest.fixture
def app_ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


_serial = itertools.count(1)


@pytest.fixture
def create_academy(app_ctx):
    """Factory: an academy with a unique slug; keyword arguments override the defaults."""

    def _create(**overrides):
        n = next(_serial)
        fields = {"slug": f"academy-{n}", "names": {"es": f"Academia {n}", "en": f"Academy {n}"},
                  "country": "ES", "default_locale": "es", **overrides}
        academy = academy_ops.create_academy(**fields)
        db.session.commit()
        return academy

    return _create


@pytest.fixture
def academy(create_academy):
    return create_academy(slug="cep-madrid", names={"es": "Centro de Estudios Penitenciarios",
                                                    "en": "Centre for Prison Studies"})


@pytest.fixture
def course(academy):
    """The sample course package (es and en, two modules, a quiz of seven questions, one of each
    type), imported into `academy` and published. Modules that need more override it."""
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    found = package_ops.import_package(sample_package(), academy=academy)
    course_ops.publish_course(found)
    db.session.commit()
    return found


@pytest.fixture
def other_academy(create_academy):
    return create_academy(slug="enap-agen", country="FR", default_locale="fr",
                          names={"fr": "École nationale d'administration pénitentiaire"})


@pytest.fixture
def create_user(app_ctx):
    """Factory: a person with the shared test password; roles are held in `academy`."""

    def _create(*, academy=None, roles=(), network_roles=(), password=PASSWORD, **overrides):
        n = next(_serial)
        fields = {"username": f"person{n}", "display_name": f"Persona Número {n}", **overrides}
        user, _ = account_ops.create_user(academy=academy, roles=roles,
                                          network_roles=network_roles, password=password, **fields)
        db.session.commit()
        return user

    return _create


@pytest.fixture
def trainee(create_user, academy):
    return create_user(academy=academy, roles=["trainee"], username="maria.lopez",
                       display_name="María López Fernández")


@pytest.fixture
def academy_admin(create_user, academy):
    return create_user(academy=academy, roles=["academy_admin"], username="admin.cep",
                       display_name="Carmen Ortega")


@pytest.fixture
def site_admin(create_user):
    return create_user(network_roles=["site_admin"], username="root.admin",
                       display_name="Administración")


@pytest.fixture
def login_as(app, client):
    """Sign a client in without the form (fast): a real server session and its cookie."""

    def _login(user, the_client=None):
        the_client = the_client or client
        with app.test_request_context():
            token = account_ops.start_session(user, "127.0.0.1", "pytest")
            db.session.commit()
        with the_client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return token

    return _login


@pytest.fixture
def session_user(app):
    """Look up the user a session token belongs to (None if the session is over)."""

    def _lookup(token):
        with app.test_request_context():
            return account_queries.user_for_session(token)

    return _lookup


@pytest.fixture
def count_queries(app):
    """How many SQL statements a call runs (for pages that must stay bounded); the savepoints of
    the tests' own transaction are not the page's work and are not counted."""
    from sqlalchemy import event

    def _count(action) -> int:
        statements = []

        def _record(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", _record)
        try:
            action()
        finally:
            event.remove(engine, "before_cursor_execute", _record)
        return len(statements)

    return _count


@pytest.fixture
def make_course(app_ctx):
    """Factory: a course from the sample package, in `academy`, published/shared as asked."""
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops

    def _make(academy, *, slug="searches-with-dignity", publish=True, share=False, reviewer=None,
              **changes):
        from tests.factories.packages import sample_package

        files = sample_package(**changes)
        files["course.toml"] = files["course.toml"].replace(b'"searches-with-dignity"',
                                                            f'"{slug}"'.encode())
        course = package_ops.import_package(files, academy=academy)
        if publish:
            course_ops.publish_course(course)
        if share:
            course_ops.approve_sharing(course, reviewer)
        db.session.commit()
        return course

    return _make
