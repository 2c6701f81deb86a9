"""Every route of the app, classified, against every role: who may open what.

A route that nobody classified here fails `test_every_route_is_classified`, so a page added
later cannot slip through without deciding who may use it.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

ANONYMOUS = "anonymous"
TRAINEE = "trainee"
INSTRUCTOR = "instructor"
ADMIN_HERE = "academy_admin"
ADMIN_ELSEWHERE = "other_academy_admin"
COORDINATOR = "coordinator"
SITE_ADMIN = "site_admin"
ACTORS = [ANONYMOUS, TRAINEE, INSTRUCTOR, ADMIN_HERE, ADMIN_ELSEWHERE, COORDINATOR, SITE_ADMIN]
SIGNED_IN = set(ACTORS) - {ANONYMOUS}
AUTHORS = {INSTRUCTOR, ADMIN_HERE}  # authors of the academy that owns the objects below
ANY_AUTHOR = AUTHORS | {ADMIN_ELSEWHERE}
READERS = {TRAINEE, ADMIN_ELSEWHERE, COORDINATOR}  # of the shared course below
PUBLIC = set(ACTORS)


@dataclass(frozen=True)
class Access:
    """Who may use a route, with which method, on which object of the world below."""

    allowed: set[str]
    method: str = "GET"
    values: dict[str, str] = field(default_factory=dict)  # url values, names into the world
    denied: int = 403  # 404 where an object is not even confirmed to exist (drafts)


ROUTES: dict[str, Access] = {
    "static": Access(PUBLIC, values={"filename": "campus.css"}),
    "home.index": Access(PUBLIC),
    # Probes and metrics: public to every role; /metrics is for the allowed networks (the test
    # client's 127.0.0.1) or a token, and answers 404 elsewhere (tests/monitoring/test_metrics.py).
    "monitoring.live": Access(PUBLIC),
    "monitoring.ready": Access(PUBLIC),
    "monitoring.healthz": Access(PUBLIC),
    "monitoring.prometheus": Access(PUBLIC),
    "accounts.login": Access(PUBLIC),
    "accounts.set_language": Access(PUBLIC, "POST"),
    "accounts.logout": Access(SIGNED_IN, "POST"),
    "accounts.change_password": Access(SIGNED_IN),
    "accounts.profile": Access(SIGNED_IN),
    "academies.index": Access({SITE_ADMIN}),
    "academies.create": Access({SITE_ADMIN}),
    "academies.edit": Access({SITE_ADMIN}, values={"academy_id": "academy"}),
    "academies.logo": Access(PUBLIC, values={"filename": "logo"}),
    "people.index": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"}),
    "people.create": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"}),
    "people.import_people": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"}),
    "people.apply_import": Access({ADMIN_HERE, SITE_ADMIN}, "POST", {"academy_id": "academy"}),
    "people.import_template": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"}),
    "people.edit": Access({ADMIN_HERE, SITE_ADMIN}, values={"user_id": "person"}),
    "people.deactivate": Access({ADMIN_HERE, SITE_ADMIN}, "POST", {"user_id": "person"}),
    "people.reactivate": Access({ADMIN_HERE, SITE_ADMIN}, "POST", {"user_id": "person"}),
    "people.reset_password": Access({ADMIN_HERE, SITE_ADMIN}, "POST", {"user_id": "person"}),
    "people.network_staff": Access({SITE_ADMIN}),
    "catalog.index": Access(PUBLIC),
    **{f"authoring.{name}": Access(ANY_AUTHOR, method) for name, method in (
        ("index", "GET"), ("create_course", "GET"), ("import_package", "GET"), ("preview", "POST"))},
    **{f"authoring.{name}": Access(AUTHORS, method, {"course_id": "draft_course"}, denied=404)
       for name, method in (("course", "GET"), ("settings", "POST"), ("add_module", "POST"),
                            ("change_status", "POST"), ("request_sharing", "POST"),
                            ("stop_sharing", "POST"), ("export_package", "GET"))},
    "authoring.course_texts": Access(AUTHORS, values={"course_id": "draft_course", "locale": "es"},
                                     denied=404),
    **{f"authoring.{name}": Access(AUTHORS, method, {"module_id": "draft_module"}, denied=404)
       for name, method in (("move_module", "POST"), ("delete_module", "POST"),
                            ("add_lesson", "POST"))},
    "authoring.module_texts": Access(AUTHORS, values={"module_id": "draft_module", "locale": "en"},
                                     denied=404),
    **{f"authoring.{name}": Access(AUTHORS, method, {"lesson_id": "draft_lesson"}, denied=404)
       for name, method in (("move_lesson", "POST"), ("delete_lesson", "POST"))},
    "authoring.lesson_texts": Access(AUTHORS, values={"lesson_id": "draft_lesson", "locale": "es"},
                                     denied=404),
    "authoring.adopt": Access(AUTHORS, "POST", {"course_id": "shared_course"}),
    # Revisions: a shared course of this academy changes through one (its authors'), which
    # coordinators read when they review it.
    "authoring.start_revision": Access(AUTHORS, "POST", {"course_id": "shared_here"}, denied=404),
    **{f"authoring.{name}": Access(AUTHORS, "POST", {"course_id": "revision"}, denied=404)
       for name in ("request_revision_review", "discard_revision")},
    "authoring.changes": Access(AUTHORS | {COORDINATOR}, values={"course_id": "revision"},
                                denied=404),
    # An adopted copy whose original has a newer version: its authors see and take the changes.
    "authoring.upstream": Access(AUTHORS, values={"course_id": "adopted"}, denied=404),
    "authoring.take_upstream": Access(AUTHORS, "POST", {"course_id": "adopted"}, denied=404),
    "authoring.upload_file": Access(AUTHORS, "POST", {"course_id": "draft_course"}, denied=404),
    "authoring.delete_file": Access(AUTHORS, "POST", {"course_id": "draft_course",
                                                      "file_id": "draft_file"}, denied=404),
    "catalog.cover": Access(PUBLIC, values={"course_id": "shared_course", "filename": "cover"}),
    "catalog.course_file": Access(READERS, values={"course_id": "shared_course",
                                                   "name": "diagram.png"}, denied=404),
    "authoring.reviews": Access({COORDINATOR}),
    "authoring.topics_index": Access({COORDINATOR}),
    **{f"authoring.{name}": Access({COORDINATOR}, method, {"slug": "topic"})
       for name, method in (("edit_topic", "GET"), ("delete_topic", "POST"))},
    "authoring.review": Access({COORDINATOR}, values={"course_id": "pending_course"}),
    "catalog.course": Access(PUBLIC, values={"course_id": "shared_course"}),
    # Lessons and files of the shared course: its own academy's authors, coordinators, and the
    # trainee who enrolled in it; everyone else who is signed in is refused.
    "catalog.lesson": Access(READERS, values={"course_id": "shared_course", "lesson_id": "shared_lesson"}),
    "enrolment.enrol": Access(SIGNED_IN, "POST", {"course_id": "shared_course"}, denied=404),
    "enrolment.withdraw": Access({TRAINEE}, "POST", {"course_id": "shared_course"}, denied=404),
    "enrolment.lesson_done": Access({TRAINEE}, "POST", {"course_id": "shared_course",
                                                        "lesson_id": "shared_lesson"}, denied=404),
    "home.learning": Access(SIGNED_IN),
    **{f"enrolment.{name}": Access(AUTHORS, method, {"course_id": "draft_course"}, denied=404)
       for name, method in (("manage", "GET"), ("save_rules", "POST"), ("staff_enrol", "POST"))},
    **{f"enrolment.{name}": Access(AUTHORS, "POST", {"enrolment_id": "draft_enrolment"}, denied=404)
       for name in ("approve", "staff_withdraw")},
    **{f"enrolment.{name}": Access(AUTHORS, method, {"course_id": "draft_course"}, denied=404)
       for name, method in (("enrol_cohort", "POST"), ("import_enrolments", "POST"),
                            ("apply_enrolments", "POST"), ("grid", "GET"))},
    "enrolment.export": Access(AUTHORS, "POST", {"course_id": "draft_course", "kind": "xlsx"},
                               denied=404),
    "cohorts.index": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"}),
    **{f"cohorts.{name}": Access({ADMIN_HERE, SITE_ADMIN}, method, {"cohort_id": "cohort"})
       for name, method in (("show", "GET"), ("add_members", "POST"), ("delete", "POST"))},
    "cohorts.remove_member": Access({ADMIN_HERE, SITE_ADMIN}, "POST",
                                    {"cohort_id": "cohort", "user_id": "person"}),
    "people.create_staff": Access({SITE_ADMIN}),
    # Quizzes: the shared course's quiz is taken by its enrolled trainee (authors of its own
    # academy and coordinators may open its page); attempts are their trainee's alone, and
    # finished ones are also read by the course's instructors (of the other academy here).
    "quizzes.quiz": Access({TRAINEE, ADMIN_ELSEWHERE}, values={
        "course_id": "shared_course", "lesson_id": "shared_quiz"}, denied=404),
    "quizzes.start": Access({TRAINEE}, "POST", {"course_id": "shared_course",
                                                "lesson_id": "shared_quiz"}, denied=404),
    **{f"quizzes.{name}": Access({TRAINEE}, method, {"attempt_id": "current_attempt"}, denied=404)
       for name, method in (("attempt_page", "GET"), ("save_page", "POST"), ("autosave", "POST"),
                            ("summary", "GET"), ("submit", "POST"))},
    "quizzes.review": Access({TRAINEE, ADMIN_ELSEWHERE}, values={"attempt_id": "finished_attempt"},
                             denied=404),
    **{f"quiz_admin.{name}": Access(AUTHORS, method, {"course_id": "draft_course",
                                                      "lesson_id": "draft_quiz"}, denied=404)
       for name, method in (("edit_settings", "GET"), ("save_settings", "POST"),
                            ("add_override", "POST"), ("results", "GET"),
                            ("statistics", "GET"))},
    **{f"quiz_editor.{name}": Access(AUTHORS, method, {"course_id": "draft_course",
                                                       "lesson_id": "draft_quiz"}, denied=404)
       for name, method in (("questions", "GET"), ("save_layout", "POST"),
                            ("add_questions", "POST"), ("add_random", "POST"),
                            ("preview", "GET"))},
    "quiz_admin.statistics_export": Access(AUTHORS, values={
        "course_id": "draft_course", "lesson_id": "draft_quiz", "table": "questions",
        "fmt": "xlsx"}, denied=404),
    "quiz_admin.delete_override": Access(AUTHORS, "POST", {
        "course_id": "draft_course", "lesson_id": "draft_quiz", "override_id": "draft_override"},
        denied=404),
    **{f"quiz_admin.{name}": Access(AUTHORS, values={"course_id": "draft_course"}, denied=404)
       for name in ("grading", "gradebook")},
    "quiz_admin.export_gradebook": Access(AUTHORS, "POST", {"course_id": "draft_course",
                                                            "kind": "csv"}, denied=404),
    **{f"quiz_admin.{name}": Access({ADMIN_ELSEWHERE}, method, {
        "attempt_id": "finished_attempt", "position": "essay_position"}, denied=404)
       for name, method in (("essay", "GET"), ("grade_essay", "POST"))},
    **{f"quiz_admin.{name}": Access(AUTHORS, method, {
        "course_id": "draft_course", "question_id": "draft_question"}, denied=404)
       for name, method in (("confirm_regrade", "GET"), ("regrade", "POST"))},
    # The question bank of the draft course: its own academy's authors only.
    **{f"question_bank.{name}": Access(AUTHORS, method, {"course_id": "draft_course"}, denied=404)
       for name, method in (("index", "GET"), ("choose_type", "GET"), ("move", "POST"),
                            ("import_questions", "GET"), ("apply_import", "POST"),
                            ("export", "GET"), ("download", "GET"))},
    "question_bank.create": Access(AUTHORS, values={"course_id": "draft_course", "qtype": "single"},
                                   denied=404),
    **{f"question_bank.{name}": Access(AUTHORS, method, {
        "course_id": "draft_course", "question_id": "draft_question"}, denied=404)
       for name, method in (("edit", "GET"), ("preview", "GET"), ("duplicate", "POST"),
                            ("delete", "GET"))},
    # Certificates: coordinators issue and change them; a certificate is seen by its holder,
    # coordinators, and the admins of the issuing academy and of the holder's academy; a bulk
    # job is its starter's; an academy's design is its admins'; anyone may check a code.
    **{f"certificates.{name}": Access({COORDINATOR}, method) for name, method in (
        ("index", "GET"), ("eligible", "GET"), ("issue", "POST"), ("issue_all", "POST"))},
    "certificates.job": Access({COORDINATOR}, values={"job_id": "job"}, denied=404),
    "certificates.job_download": Access({COORDINATOR}, values={"job_id": "job", "kind": "zip"},
                                        denied=404),
    "certificates.job_retry": Access({COORDINATOR}, "POST", {"job_id": "job"}, denied=404),
    **{f"certificates.{name}": Access({TRAINEE, ADMIN_HERE, ADMIN_ELSEWHERE, COORDINATOR}, values={
        "certificate_id": "certificate"}, denied=404) for name in ("show", "pdf")},
    # Its Open Badges credential: whoever may see the certificate, as its PDF.
    "certificates.credential": Access({TRAINEE, ADMIN_HERE, ADMIN_ELSEWHERE, COORDINATOR},
                                      values={"certificate_id": "certificate", "kind": "jwt"},
                                      denied=404),
    **{f"certificates.{name}": Access({COORDINATOR}, "POST", {"certificate_id": "certificate"})
       for name in ("revoke", "renew", "reissue", "issue_again")},
    "certificates.mine": Access(SIGNED_IN),
    # A partner academy's staff enrol their own people in another academy's shared course.
    "partner_enrolment.choose": Access(AUTHORS, values={"course_id": "shared_course"},
                                       denied=404),
    **{f"partner_enrolment.{name}": Access(AUTHORS, "POST", {"course_id": "shared_course"},
                                           denied=404) for name in ("confirm", "apply")},
    # Grades: one's own; a trainee's for their academy's admins, coordinators and site admins,
    # and in one course for its instructors.
    "grades.mine": Access(SIGNED_IN),
    "grades.my_course": Access({TRAINEE}, values={"course_id": "shared_course"}, denied=404),
    "grades.person": Access({ADMIN_HERE, COORDINATOR, SITE_ADMIN}, values={"user_id": "person"},
                            denied=404),
    "grades.person_course": Access(AUTHORS | {COORDINATOR, SITE_ADMIN}, values={
        "user_id": "enrolled_person", "course_id": "draft_course"}, denied=404),
    "certificates.verify": Access(PUBLIC),
    "certificates.verify_code": Access(PUBLIC, values={"code": "certificate_code"}),
    "certificates.verify_json": Access(PUBLIC, values={"code": "certificate_code"}),
    "certificates.verify_file": Access(PUBLIC, "POST"),
    "certificates.verify_signed": Access(PUBLIC),
    # The offline verifier's page and its service worker: public, like every check.
    "certificates.verify_offline": Access(PUBLIC),
    "certificates.verify_offline_worker": Access(PUBLIC),
    "certificates.verify_credential": Access(PUBLIC, "POST"),
    # Verifiable certificates: the signed trust list and academies' did:web documents, public.
    "credentials.trust_list_json": Access(PUBLIC),
    "credentials.did_document": Access(PUBLIC, values={"slug": "matrix-here"}),
    "certificates.status_list_jwt": Access(PUBLIC, values={"slug": "matrix-here"}),
    "certificates.course_policy": Access(AUTHORS, values={"course_id": "draft_course"},
                                         denied=404),
    **{f"certificates.{name}": Access({ADMIN_HERE, SITE_ADMIN}, values={"academy_id": "academy"},
                                      denied=404) for name in ("design_page", "specimen")},
    "certificates.signature": Access({ADMIN_HERE, SITE_ADMIN}, values={
        "academy_id": "academy", "filename": "signature"}, denied=404),
    # A course's report (aggregates, no names): its own academy's authors, coordinators and
    # site admins; anyone else signed in is refused.
    "course_reports.course": Access(AUTHORS | {COORDINATOR, SITE_ADMIN},
                                    values={"course_id": "draft_course"}, denied=404),
    "course_reports.export": Access(AUTHORS | {COORDINATOR, SITE_ADMIN}, values={
        "course_id": "draft_course", "table": "lessons", "fmt": "csv"}, denied=404),
    # The network's dashboard: coordinators and site admins; an academy's: also its admins.
    "reports.network": Access({COORDINATOR, SITE_ADMIN}),
    "reports.network_export": Access({COORDINATOR, SITE_ADMIN}, values={
        "table": "academies", "fmt": "xlsx"}),
    "reports.academy": Access({ADMIN_HERE, COORDINATOR, SITE_ADMIN},
                              values={"academy_id": "academy"}),
    "reports.academy_export": Access({ADMIN_HERE, COORDINATOR, SITE_ADMIN}, values={
        "academy_id": "academy", "table": "exchange", "fmt": "csv"}),
    # The audit log: site admins read all of it, academy admins their academies' events;
    # checking the chain is the site admin's.
    **{f"audit.{name}": Access({ADMIN_HERE, ADMIN_ELSEWHERE, SITE_ADMIN}, method) for name, method
       in (("index", "GET"), ("export", "POST"))},
    "audit.verify": Access({SITE_ADMIN}),
    # Moodle backups: whoever may import a course package, into their own academies.
    "moodle.upload": Access(ANY_AUTHOR),
    "moodle.confirm": Access(ANY_AUTHOR, "POST"),
}


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unclassified = endpoints - set(ROUTES)
    assert not unclassified, f"classify these routes in ROUTES: {sorted(unclassified)}"
    assert not set(ROUTES) - endpoints, "ROUTES names endpoints that no longer exist"


def test_no_route_changes_data_on_get(app):
    """Routes classified as POST accept nothing else; GET routes are the reading ones."""
    for rule in app.url_map.iter_rules():
        access = ROUTES[rule.endpoint]
        if access.method == "POST":
            assert "GET" not in rule.methods, f"{rule.endpoint} changes data and must be POST-only"


@pytest.fixture
def world(app_ctx, create_academy, create_user):
    """The world below, in the test's own transaction: (a person of each role, the ids and
    names of the objects the routes take). For modules that read it in a few tests."""
    return _build_world(create_academy, create_user)


@pytest.fixture(scope="module")
def matrix_world(app, module_transaction):
    """The same world, built once for this module's ~950 cases (each runs in a savepoint of
    the module's transaction, rolled back after it): people by id, as each case has its own
    session."""
    with app.test_request_context():
        people, objects = _build_world(*_module_factories())
        return {actor: person.id for actor, person in people.items()}, objects


def _module_factories():
    """The conftest's `create_academy` and `create_user`, for a module-scoped fixture (theirs
    are per test): academies and people with unique names, committed."""
    from academy.academies import operations as academy_ops
    from academy.accounts import operations as account_ops
    from academy.extensions import db
    from tests.support import PASSWORD

    serial = itertools.count(1)

    def create_academy(slug):
        academy = academy_ops.create_academy(slug=slug, names={"es": slug, "en": slug},
                                             country="ES", default_locale="es")
        db.session.commit()
        return academy

    def create_user(academy=None, roles=(), network_roles=()):
        n = next(serial)
        user, _ = account_ops.create_user(academy=academy, roles=roles,
                                          network_roles=network_roles, password=PASSWORD,
                                          username=f"matrix{n}", display_name=f"Persona {n}")
        db.session.commit()
        return user

    return create_academy, create_user


def _build_world(create_academy, create_user):
    """An academy with one person of each role, another academy with its admin, and staff."""
    from academy.academies import logos, operations as academy_ops
    from academy.extensions import db
    from tests.factories.images import png_bytes

    here = create_academy(slug="matrix-here")
    elsewhere = create_academy(slug="matrix-elsewhere")
    academy_ops.update_academy(here, slug=here.slug, names=here.names, country=here.country,
                               default_locale=here.default_locale, logo=png_bytes())
    db.session.commit()
    people = {
        TRAINEE: create_user(academy=here, roles=["trainee"]),
        INSTRUCTOR: create_user(academy=here, roles=["instructor"]),
        ADMIN_HERE: create_user(academy=here, roles=["academy_admin"]),
        ADMIN_ELSEWHERE: create_user(academy=elsewhere, roles=["academy_admin"]),
        COORDINATOR: create_user(network_roles=["coordinator"]),
        SITE_ADMIN: create_user(network_roles=["site_admin"]),
    }
    from academy.credentials import operations as key_ops
    from academy.curricula import operations as course_ops
    from academy.packages import operations as package_ops
    from tests.factories.packages import sample_package

    key_ops.create_key(None)  # the network's key signs the trust list
    key_ops.create_key(here.id)  # the academy's signs its status list
    key_ops.create_key(elsewhere.id)  # and the certificate's academy, its Open Badges credential
    shared = package_ops.import_package(sample_package(), academy=elsewhere)
    course_ops.publish_course(shared)
    course_ops.approve_sharing(shared, people[COORDINATOR])
    draft = package_ops.import_package(sample_package(), academy=here)
    pending = course_ops.create_course(here, slug="pending-review", default_locale="es",
                                       locales=["es"], hours=1, tags=[], title="Pendiente")
    course_ops.publish_course(pending)
    course_ops.request_sharing(pending)
    course_ops.add_course_file(shared, "diagram.png", png_bytes())
    from academy.enrolment import operations as enrolment_ops

    enrolment_ops.enrol_self(people[TRAINEE], shared)
    course_ops.publish_course(draft)
    pending_enrolment = enrolment_ops.enrol_by_staff(create_user(academy=here, roles=["trainee"]),
                                                     draft)
    from academy.cohorts import operations as cohort_ops

    cohort = cohort_ops.create_cohort(here, "2026 intake")
    course_ops.set_course_cover(shared, png_bytes())
    draft_file = course_ops.add_course_file(draft, "plan.png", png_bytes())
    from academy.packages import revisions

    shared_here = package_ops.import_package(sample_package(**{"course.toml": sample_package()[
        "course.toml"].replace(b'slug = "searches-with-dignity"', b'slug = "shared-here"')}),
        academy=here)
    course_ops.publish_course(shared_here)
    revisions.approve_course(shared_here, people[COORDINATOR])
    revision = revisions.start_revision(shared_here)
    adopted = package_ops.adopt_course(shared, here)
    from academy.curricula import topics

    topics.save_topic("human-rights", {"en": "Human rights"}, approve=True)
    shared.version = shared.approved_version = shared.version + 1  # a newer version since
    db.session.commit()
    objects = {"academy": here.id, "draft_file": draft_file.id, "person": create_user(academy=here, roles=["trainee"]).id,
               "logo": here.logo_filename, "shared_course": shared.id,
               "shared_lesson": shared.modules[0].lessons[0].id, "draft_course": draft.id,
               "draft_module": draft.modules[0].id, "draft_lesson": draft.modules[0].lessons[0].id,
               "pending_course": pending.id, "cover": shared.cover_filename,
               "draft_enrolment": pending_enrolment.id, "cohort": cohort.id,
               "shared_here": shared_here.id, "revision": revision.id, "adopted": adopted.id,
               "topic": "human-rights", "enrolled_person": pending_enrolment.user_id}
    objects.update(_quiz_objects(shared, draft, people[TRAINEE]))
    objects.update(_certificate_objects(here, shared, people))
    assert logos.logo_path(here.logo_filename) is not None
    return people, objects


def _quiz_objects(shared, draft, trainee) -> dict:
    """The quizzes of both courses, a question of the draft's bank, and the trainee's attempts
    at the shared course's quiz: one finished (with an essay to grade) and one in progress."""
    from academy.quizzes.models import Question
    from academy.db import utcnow
    from academy.enrolment.queries import enrolment_of
    from academy.extensions import db
    from academy.quizzes import closing, configuring, starting
    from academy.quizzes import queries as quiz_queries

    shared_quiz = quiz_queries.quizzes_of(shared.id)[0]
    shared_quiz.settings = {**shared_quiz.settings, "attempts": 0}
    enrolment = enrolment_of(trainee, shared.id)
    settings = quiz_queries.effective_settings(shared_quiz, trainee.id)
    finished = starting.start_attempt(enrolment, shared_quiz, shared, settings, "es", utcnow())
    closing.submit_attempt(finished, utcnow())
    current = starting.start_attempt(enrolment, shared_quiz, shared, settings, "es", utcnow())
    question = db.session.scalar(db.select(Question).where(Question.course_id == draft.id))
    draft_quiz = quiz_queries.quizzes_of(draft.id)[0]
    override = configuring.add_override(draft_quiz, user_id=trainee.id, cohort_id=None, attempts=5)
    essay = next(s for s in finished.slots if s.version.qtype == "essay")
    db.session.commit()
    return {"shared_quiz": shared_quiz.id, "draft_quiz": draft_quiz.id,
            "draft_question": question.id, "finished_attempt": finished.id,
            "current_attempt": current.id, "essay_position": essay.position,
            "draft_override": override.id}


def _certificate_objects(here, shared, people) -> dict:
    """A certificate of the trainee for the shared course (of the other academy), a finished
    bulk job of the coordinator's with its downloads, and a signature in this academy's design.
    The PDFs are stand-in bytes: this test is about who may open what, not about rendering."""
    from academy import storage
    from academy.certificates import bulk, codes, configuring, contents, issuing, serials
    from academy.db import utcnow
    from academy.enrolment.models import COMPLETED
    from academy.enrolment.queries import enrolment_of
    from academy.extensions import db
    from academy.jobs import runner
    from academy.jobs.models import FINISHED
    from tests.factories.images import png_bytes

    trainee = people[TRAINEE]
    enrolment = enrolment_of(trainee, shared.id)
    enrolment.status, enrolment.completed_at = COMPLETED, utcnow()
    job = runner.create_job(bulk.KIND, owner_id=people[COORDINATOR].id, payload={}, total=1)
    draft = issuing.draft_certificate(enrolment.completed_at, trainee, shared,
                                      serial=serials.next_serials(2026)[0], actor_id=None,
                                      base_url="http://localhost", now=utcnow(), grade=None,
                                      job_id=job.id)
    contents.attach_pdf(draft.certificate, b"%PDF-1.7 stand-in")
    db.session.add(draft.certificate)
    db.session.flush()
    job.status, job.done = FINISHED, 1
    job.result = {"zip": storage.store(bulk.DOWNLOADS, b"PK stand-in", ".zip")}
    signature = configuring.store_signature(png_bytes())
    configuring.save_template(here, actor_id=people[ADMIN_HERE].id, signatures=[
        {"name": "A", "title": "B", "image": signature}])
    db.session.commit()
    return {"certificate": draft.certificate.id, "job": job.id, "signature": signature,
            "certificate_code": codes.grouped(draft.certificate.code)}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_access(app, matrix_world, login_as, endpoint, actor):
    from flask import url_for

    from academy.accounts.models import User
    from academy.extensions import db

    people, objects = matrix_world
    access = ROUTES[endpoint]
    client = app.test_client()
    if actor != ANONYMOUS:
        login_as(db.session.get(User, people[actor]), client)
    values = {name: objects.get(ref, ref) for name, ref in access.values.items()}
    with app.test_request_context():
        url = url_for(endpoint, **values)
    app.config["WTF_CSRF_ENABLED"] = False  # this test is about roles; CSRF has its own tests
    try:
        response = client.open(url, method=access.method)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    response.close()
    location = response.headers.get("Location", "")
    if actor in access.allowed:
        assert response.status_code not in (401, 403, 404, 405), (endpoint, actor)
        assert "/login" not in location or endpoint == "accounts.logout", (endpoint, actor)
        assert response.status_code < 500
    elif actor == ANONYMOUS:
        assert response.status_code == 302 and "/login" in location, (endpoint, response.status_code)
    else:
        assert response.status_code == access.denied, (endpoint, actor, response.status_code)
