"""Every route of the app, classified: who may use it (the roles below), with which method, on
which object of the world (tests/factories/world.py). tests/platform/test_access_matrix.py
checks each route against each role; tests/platform/test_reads_do_not_write.py opens the
reading ones."""
from __future__ import annotations

from dataclasses import dataclass, field

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
        ("index", "GET"), ("create_course", "GET"), ("import_package", "GET"),
                                                                            ("preview", "POST"))},
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
    "catalog.lesson": Access(READERS, values={"course_id": "shared_course",
                                              "lesson_id": "shared_lesson"}),
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
