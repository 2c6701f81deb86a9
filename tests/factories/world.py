"""The world the access matrix's routes take: an academy with one person of each role, another
academy with its admin, network staff, and the objects (courses, quizzes, certificates …) the
routes name."""
from __future__ import annotations

import itertools

from tests.factories.routes import (
    ADMIN_ELSEWHERE,
    ADMIN_HERE,
    COORDINATOR,
    INSTRUCTOR,
    SITE_ADMIN,
    TRAINEE,
)


def module_factories():
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


def build_world(create_academy, create_user):
    """An academy with one person of each role, another academy with its admin, and staff."""
    from academy.academies import logos
    from academy.academies import operations as academy_ops
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
    objects = {"academy": here.id, "draft_file": draft_file.id,
               "person": create_user(academy=here, roles=["trainee"]).id,
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
    from academy.db import utcnow
    from academy.enrolment.queries import enrolment_of
    from academy.extensions import db
    from academy.quizzes import closing, configuring, starting
    from academy.quizzes import queries as quiz_queries
    from academy.quizzes.models import Question

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
