"""The network-scale data set of `bench/network.py` (issue 7): 20 academies in 14 countries,
50,000 trainees, 500 courses, 500,000 enrolments and 1,000,000 quiz responses by default.

Rows are drawn in Python from one seeded random generator (the same figures on every run,
dated back from the moment of the run) and loaded in batches with COPY on PostgreSQL (with
foreign-key triggers off: the rows are consistent by construction) or with executemany inserts
on SQLite. The schema comes first from the app's migrations; sequences are moved past the ids
given here at the end.

What the rows look like:

- academies of different sizes (trainees and courses in proportion), each with an academy
  admin and three instructors; two network coordinators and a site admin; every trainee has
  a home academy and a trainee membership there;
- courses with two to four modules and 8 to 12 lessons, one or two of them quizzes of 8 to 12
  questions (single and multiple choice, true/false, short answer: Question, QuestionText and
  the frozen QuestionVersion that attempts point at); most courses shared with the network
  (approved), some for their academy only, some waiting for review or returned, some adopted
  copies of another academy's shared course (`source_course_id`), a few archived or drafts;
- popularity skewed (a Zipf law over the courses), trainees following mostly their own
  academy's courses and a share (`exchange`) of other academies' shared courses;
- enrolments activated over the last 24 months (more recently, fewer in August and December):
  about 40 % completed days to weeks later, some withdrawn, pending or waitlisted, the rest
  active; LessonProgress rows in course order (every lesson of a completed course, the first
  few of the others) with last_lesson_id and last_activity_at to match;
- finished quiz attempts graded by an item-response model (trainee ability, question
  difficulty; a few questions that sort trainees the wrong way), passed where the quiz lesson
  is done, failed where a trainee is stuck at it; their slots carry responses of the
  question's type; a QuizResult per person and quiz;
- certificates for most completions of courses with a certificate policy, serials numbered
  per year in order of issue, unique codes, some revoked, some expired (12- or 24-month
  validity).

Completing a course needs every quiz passed, so at 40 % completions every completion would
bring all its quizzes' attempts (about three million responses). To keep the issue's
1,000,000 responses, only a share of the quiz lessons done get their attempts (drawn at
random; the rest read as if their attempts had been deleted); `seed` reports that share.
"""
from __future__ import annotations

import bisect
import json
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import JSON, insert, text

from bench.certificates_seed import NAMES

DAY = 86_400.0
# slug, country, default locale, name, relative size
ACADEMIES = [
    ("es-cep", "ES", "es", "Centro de Estudios Penitenciarios", 9),
    ("es-cejfe", "ES", "es", "Centro de Estudios Jurídicos y Formación Especializada", 5),
    ("es-euskadi", "ES", "es", "Escuela Penitenciaria de Euskadi", 2),
    ("pt-dgrsp", "PT", "pt", "Centro de Formação Penitenciária", 5),
    ("fr-enap", "FR", "fr", "École nationale d'administration pénitentiaire", 10),
    ("be-cfpp", "BE", "fr", "Centre de formation pénitentiaire de Belgique", 3),
    ("it-ssep", "IT", "it", "Scuola Superiore dell'Esecuzione Penale", 7),
    ("it-ispe", "IT", "it", "Istituto Superiore di Studi Penitenziari", 3),
    ("br-espen", "BR", "pt", "Escola Nacional de Serviços Penais", 10),
    ("br-eap-sp", "BR", "pt", "Escola de Administração Penitenciária de São Paulo", 6),
    ("mx-anap", "MX", "es", "Academia Nacional de Administración Penitenciaria", 7),
    ("mx-jalisco", "MX", "es", "Academia Penitenciaria de Jalisco", 3),
    ("co-epn", "CO", "es", "Escuela Penitenciaria Nacional", 5),
    ("ar-epn", "AR", "es", "Escuela Penitenciaria de la Nación", 5),
    ("ar-bonaerense", "AR", "es", "Escuela de Cadetes del Servicio Penitenciario Bonaerense", 3),
    ("cl-gendarmeria", "CL", "es", "Escuela Institucional de Gendarmería de Chile", 4),
    ("pe-cenecp", "PE", "es", "Centro Nacional de Estudios Criminológicos y Penitenciarios", 3),
    ("cr-ecp", "CR", "es", "Escuela de Capacitación Penitenciaria", 2),
    ("ie-ipstdc", "IE", "en", "Irish Prison Service Training and Development Centre", 3),
    ("mt-ccf", "MT", "en", "Corradino Correctional Facility Training Academy", 1),
]
TOPICS = {
    "en": ["Dynamic security", "Human rights in prison", "The Nelson Mandela Rules",
           "Suicide prevention", "De-escalating conflict", "Mental health in custody",
           "Radicalisation: signs and responses", "Women in prison", "First aid",
           "Writing reports", "Rehabilitation and reintegration", "Use of force"],
    "es": ["Seguridad dinámica", "Derechos humanos en prisión", "Las Reglas Nelson Mandela",
           "Prevención del suicidio", "Desescalada de conflictos", "Salud mental en prisión",
           "Radicalización: señales y respuestas", "Mujeres en prisión", "Primeros auxilios",
           "Redacción de informes", "Rehabilitación y reinserción", "Uso de la fuerza"],
    "fr": ["Sécurité dynamique", "Droits de l'homme en détention", "Les règles Nelson Mandela",
           "Prévention du suicide", "Désescalade des conflits", "Santé mentale en détention",
           "Radicalisation : signes et réponses", "Les femmes détenues", "Premiers secours",
           "Rédaction de rapports", "Réhabilitation et réinsertion", "Usage de la force"],
    "pt": ["Segurança dinâmica", "Direitos humanos na prisão", "As Regras de Nelson Mandela",
           "Prevenção do suicídio", "Desescalada de conflitos", "Saúde mental na prisão",
           "Radicalização: sinais e respostas", "Mulheres na prisão", "Primeiros socorros",
           "Redação de relatórios", "Reabilitação e reinserção", "Uso da força"],
    "it": ["Sicurezza dinamica", "Diritti umani in carcere", "Le Regole Nelson Mandela",
           "Prevenzione del suicidio", "De-escalation dei conflitti", "Salute mentale in carcere",
           "Radicalizzazione: segnali e risposte", "Donne in carcere", "Primo soccorso",
           "Redazione di rapporti", "Riabilitazione e reinserimento", "Uso della forza"],
}
QUIZ_SETTINGS = {
    "time_limit_minutes": 0, "attempts": 0, "pass_mark": 50, "shuffle_questions": False,
    "shuffle_choices": False, "grading_method": "highest", "questions_per_page": 5,
    "grace_minutes": 2, "review_score": "immediately", "review_feedback": "immediately",
    "review_answers": "after_close",
}
QTYPES = ["single"] * 5 + ["multiple"] * 2 + ["truefalse"] * 2 + ["shortanswer"]
PASS = 0.5
COMPLETING = 0.47  # of the enrolments neither withdrawn nor undecided: about 40 % in all
BATCH = 2_000  # trainees (or quiz pairs x 10) per COPY batch


@dataclass
class Scale:
    trainees: int = 50_000
    courses: int = 500
    enrolments: int = 500_000
    responses: int = 1_000_000
    exchange: float = 0.3  # share of enrolments in other academies' shared courses
    months: int = 24
    seed: int = 7


@dataclass
class QuestionInfo:
    id: int
    version_id: int
    qtype: str
    right: int  # index of the right choice (single); True/False (truefalse)
    difficulty: float
    slope: float  # negative: the question sorts trainees the wrong way


@dataclass
class CourseInfo:
    id: int
    academy: int  # index in ACADEMIES
    locale: str
    title: str
    hours: int
    status: str
    shared: bool
    lessons: list[int] = field(default_factory=list)  # in course order
    quizzes: dict[int, list[QuestionInfo]] = field(default_factory=dict)
    weight: float = 0.0
    policy: tuple | None = None  # (issuance, validity months, shows grade)
    opens: datetime | None = None  # published: no enrolment before


@dataclass
class QuizPair:
    """A trainee at a quiz: passed it (the lesson is done) or stuck at it."""
    user: int
    course: CourseInfo
    lesson: int
    passed: bool
    at: datetime  # when the last attempt finished
    since: datetime  # not before (the enrolment's activation)


class Loader:
    """Writes rows to tables in one transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, conn, metadata) -> None:
        self.conn, self.metadata = conn, metadata
        self.postgres = conn.dialect.name == "postgresql"
        self.counts: Counter[str] = Counter()
        if self.postgres and conn.exec_driver_sql(
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar():
            # The rows are consistent by construction: no per-row foreign-key trigger.
            conn.exec_driver_sql("SET session_replication_role = replica")

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        json_at = [i for i, name in enumerate(columns)
                   if isinstance(self.metadata.tables[table].c[name].type, JSON)]
        if not self.postgres:
            batch = [dict(zip(columns, row)) for row in rows]
            if batch:
                self.conn.execute(insert(self.metadata.tables[table]), batch)
            self.counts[table] += len(batch)
            return
        cursor = self.conn.connection.driver_connection.cursor()
        n = 0
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        if row[i] is not None:
                            row[i] = json.dumps(row[i], ensure_ascii=False)
                copy.write_row(row)
                n += 1
        self.counts[table] += n

    def finish(self) -> None:
        """Sequences past the ids given here; foreign-key triggers back on."""
        if not self.postgres:
            return
        for table in self.counts:
            if "id" in self.metadata.tables[table].c and \
                    self.metadata.tables[table].c["id"].autoincrement in (True, "auto"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
        self.conn.exec_driver_sql("SET session_replication_role = DEFAULT")


class Ids:
    """The next id of each table (rows carry their ids, so children can name them)."""

    def __init__(self) -> None:
        self.last: Counter[str] = Counter()

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def _weighted(items: list, weights: list[float]) -> tuple[list, list[float]]:
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return items, cumulative


def _pick(rng: random.Random, pool: tuple[list, list[float]]):
    items, cumulative = pool
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def _timeline(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n moments between start and end, in order, the last one at end."""
    span = max(0.0, (end - start).total_seconds())
    moments = sorted(rng.random() for _ in range(n - 1))
    return [start + timedelta(seconds=span * u) for u in moments] + [end]


class Seeder:
    def __init__(self, loader: Loader, scale: Scale, now: datetime, password_hash: str) -> None:
        from academy.i18n import sort_key

        self.load, self.scale, self.now = loader, scale, now
        self.rng = random.Random(scale.seed)
        self.ids = Ids()
        self.sort_key = sort_key
        self.password_hash = password_hash
        self.span = scale.months * 30.44 * DAY
        self.start = now - timedelta(seconds=self.span)
        self.academy_ids: list[int] = []
        self.trainees: list[tuple[int, int, str]] = []  # (user id, academy index, display name)
        self.ability: dict[int, float] = {}
        self.courses: list[CourseInfo] = []
        self.coordinator = 0
        self.pairs: list[QuizPair] = []
        self.completions: list[tuple[int, CourseInfo, datetime]] = []
        self.results: dict[tuple[int, int], list[float]] = {}
        self.status_mix: Counter[str] = Counter()
        self.quiz_share = 1.0
        self.away = 0  # enrolments in other academies' courses

    # --- People ------------------------------------------------------------------------------

    def people(self) -> None:
        rng, now = self.rng, self.now
        academies, users, members, network = [], [], [], []
        for slug, country, locale, name, _size in ACADEMIES:
            aid = self.ids("academies")
            self.academy_ids.append(aid)
            academies.append((aid, slug, {locale: name}, country, locale, None, True,
                              self.start - timedelta(days=400)))
        staff_since = self.start - timedelta(days=200)

        def user(username, display, academy_index, *, created=staff_since):
            uid = self.ids("users")
            users.append((uid, username, display, self.sort_key(display), None, None,
                          self.academy_ids[academy_index] if academy_index is not None else None,
                          None, self.password_hash, False, True, created, None, None))
            return uid

        site_admin = user("site.admin", "Administración del campus", None)
        network.append((site_admin, "site_admin", staff_since))
        for n in (1, 2):
            uid = user(f"coordinator.{n}", f"Coordinación de la red {n}", 0)
            network.append((uid, "coordinator", staff_since))
            self.coordinator = self.coordinator or uid
        for index, (slug, _c, locale, _n, _s) in enumerate(ACADEMIES):
            first, last = NAMES[locale]
            uid = user(f"admin.{slug}", f"{first[index % 8]} {last[index % 8]}", index)
            members.append((self.ids("memberships"), uid, self.academy_ids[index], "academy_admin",
                            staff_since))
            for k in range(3):
                uid = user(f"instructor{k + 1}.{slug}", f"{first[(index + k + 1) % 8]} "
                           f"{last[(index + 2 * k + 3) % 8]}", index)
                members.append((self.ids("memberships"), uid, self.academy_ids[index],
                                "instructor", staff_since))
        sizes = [a[4] for a in ACADEMIES]
        pool = _weighted(list(range(len(ACADEMIES))), sizes)
        for n in range(self.scale.trainees):
            index = _pick(rng, pool)
            slug, _c, locale, _name, _s = ACADEMIES[index]
            first, last = NAMES[locale]
            display = f"{rng.choice(first)} {rng.choice(last)} {rng.choice(last)}"
            created = self.start - timedelta(seconds=rng.random() * 365 * DAY)
            uid = user(f"{slug}.{n:06d}", display, index, created=created)
            if rng.random() < 0.02:  # left the service
                users[-1] = users[-1][:10] + (False,) + users[-1][11:13] + (
                    now - timedelta(seconds=rng.random() * 200 * DAY),)
            members.append((self.ids("memberships"), uid, self.academy_ids[index], "trainee",
                            created))
            self.trainees.append((uid, index, display))
            self.ability[uid] = rng.gauss(0.0, 1.0)
        self.load.write("academies", ("id", "slug", "names", "country", "default_locale",
                                      "logo_filename", "is_active", "created_at"), academies)
        self.load.write("users", ("id", "username", "display_name", "sort_name", "email",
                                  "staff_number", "academy_id", "locale", "password_hash",
                                  "must_change_password", "is_active", "created_at",
                                  "last_login_at", "deactivated_at"), users)
        self.load.write("memberships", ("id", "user_id", "academy_id", "role", "created_at"),
                        members)
        self.load.write("network_roles", ("user_id", "role", "granted_at"), network)

    # --- Courses -----------------------------------------------------------------------------

    def catalogue(self) -> None:
        rng, n = self.rng, self.scale.courses
        owners = [i % len(ACADEMIES) for i in range(min(n, 8 * len(ACADEMIES)))]
        pool = _weighted(list(range(len(ACADEMIES))), [a[4] for a in ACADEMIES])
        owners += [_pick(rng, pool) for _ in range(n - len(owners))]
        adopted = int(n * 0.12)
        rows = {name: [] for name in ("courses", "course_texts", "modules", "module_texts",
                                      "lessons", "lesson_texts", "questions", "question_texts",
                                      "quiz_slots", "question_versions", "certificate_policies")}
        ranks = list(range(n))
        rng.shuffle(ranks)
        for c, owner in enumerate(owners):
            source = None
            if c >= n - adopted:  # an adopted copy of another academy's shared course
                candidates = [x for x in self.courses if x.shared and x.academy != owner
                              and x.status == "published"]
                source = max(rng.sample(candidates, min(5, len(candidates))),
                             key=lambda x: x.weight)
            self._course(rows, c, owner, source, 1.0 / (ranks[c] + 3) ** 1.1)
        for table, table_rows in rows.items():
            self.load.write(table, COLUMNS[table], table_rows)

    def _course(self, rows: dict, c: int, owner: int, source: CourseInfo | None,
                weight: float) -> None:
        rng = self.rng
        slug, _country, locale, _name, _size = ACADEMIES[owner]
        cid = self.ids("courses")
        draw = rng.random()
        status = "draft" if draw < 0.03 else "archived" if draw < 0.06 else "published"
        vis = rng.random()
        if source is not None:  # copies mostly stay with the academy that adopted them
            visibility, review, approved = ("network", "approved", 1) if vis < 0.2 else \
                ("academy", None, None)
        elif vis < 0.78:
            visibility, review, approved = "network", "approved", 1
        elif vis < 0.9:
            visibility, review, approved = "academy", None, None
        else:
            visibility, review, approved = "network", "pending" if vis < 0.96 else "returned", None
        shared = status == "published" and approved is not None
        topic = c % len(TOPICS["en"])
        title = source.title if source else f"{TOPICS[locale][topic]} {c // len(TOPICS['en']) + 1}"
        locales = [locale] if locale == "en" or rng.random() < 0.5 else [locale, "en"]
        if source is None:
            created = self.start - timedelta(days=30 + rng.random() * 400)
        else:  # copies made during the period, so the exchange counts adoptions
            created = self.start + timedelta(seconds=rng.random() * (self.span - 90 * DAY))
        hours = source.hours if source else rng.choice([4, 6, 8, 10, 12, 16, 20, 30, 40])
        published = None if status == "draft" else created + timedelta(days=7)
        info = CourseInfo(cid, owner, locale, title, hours, status, shared,
                          weight=0.0 if status == "draft" else weight, opens=published)
        rows["courses"].append((
            cid, self.academy_ids[owner], f"c{c:04d}", locale, locales, status, visibility, review,
            1, approved, hours, None, source.id if source else None, 1 if source else None,
            created, created, published))
        for loc in locales:
            words = title if loc == locale else f"{TOPICS[loc][topic]} {c // 12 + 1}"
            summary = f"{words}: curso de la red ({slug})."
            rows["course_texts"].append((cid, loc, words, summary,
                                         self.sort_key(f"{words}\n{summary}")))
        self._content(rows, info, locale, created)
        if rng.random() < 0.7:
            issuance = "automatic" if rng.random() < 0.5 else "approval"
            validity = rng.choice([None, None, 12, 24])
            shows = rng.random() < 0.5
            info.policy = (issuance, validity, shows)
            rows["certificate_policies"].append((cid, issuance, 50 if shows else None, validity,
                                                 shows))
        self.courses.append(info)

    def _content(self, rows: dict, info: CourseInfo, locale: str, created: datetime) -> None:
        rng = self.rng
        n_lessons, n_modules = rng.randint(8, 12), rng.randint(2, 4)
        quizzes = {n_lessons - 1} | ({n_lessons // n_modules - 1} if rng.random() < 0.4 else set())
        per_module = [n_lessons // n_modules + (1 if m < n_lessons % n_modules else 0)
                      for m in range(n_modules)]
        index = 0
        for m, count in enumerate(per_module):
            mid = self.ids("modules")
            rows["modules"].append((mid, info.id, f"m{m + 1}", m + 1))
            rows["module_texts"].append((mid, locale, f"Módulo {m + 1}"))
            for p in range(count):
                lid = self.ids("lessons")
                kind = "quiz" if index in quizzes else "page"
                rows["lessons"].append((lid, mid, f"l{p + 1}", p + 1, kind, rng.randint(5, 40),
                                        dict(QUIZ_SETTINGS) if kind == "quiz" else {}))
                rows["lesson_texts"].append((lid, locale, f"Lección {index + 1}",
                                             "## Texto\n\nLa lección, en **Markdown**.\n"))
                info.lessons.append(lid)
                if kind == "quiz":
                    info.quizzes[lid] = self._questions(rows, info, lid, locale, created)
                index += 1

    def _questions(self, rows: dict, info: CourseInfo, lid: int, locale: str,
                   created: datetime) -> list[QuestionInfo]:
        rng, found = self.rng, []
        for position in range(1, rng.randint(8, 12) + 1):
            qid, vid = self.ids("questions"), self.ids("question_versions")
            qtype = rng.choice(QTYPES)
            right = rng.randrange(4) if qtype == "single" else rng.random() < 0.5
            spec, content = _question_words(qtype, right, position)
            ident = f"q{lid}-{position}"
            rows["questions"].append((qid, info.id, ident, "", position, qtype, spec, 1, None))
            rows["quiz_slots"].append((self.ids("quiz_slots"), lid, position,
                                       (position - 1) // QUIZ_SETTINGS["questions_per_page"] + 1,
                                       qid, None, 1.0))
            rows["question_texts"].append((qid, locale, content))
            rows["question_versions"].append((vid, qid, info.id, 1, ident, qtype, spec,
                                              {locale: content}, created))
            slope = -0.8 if rng.random() < 0.03 else rng.uniform(0.6, 2.0)
            found.append(QuestionInfo(qid, vid, qtype, int(right), rng.gauss(-0.7, 0.9), slope))
        return found

    # --- Enrolments and progress ------------------------------------------------------------

    def enrolments(self) -> None:
        rng, scale = self.rng, self.scale
        followed = [c for c in self.courses if c.weight > 0]
        home = {}
        away = {}
        for index in range(len(ACADEMIES)):
            own = [c for c in followed if c.academy == index]
            other = [c for c in followed if c.academy != index and c.shared]
            home[index] = _weighted(own, [c.weight for c in own]) if own else None
            away[index] = _weighted(other, [c.weight for c in other])
        wants = [rng.gammavariate(2.0, 1.0) for _ in self.trainees]
        factor = scale.enrolments / sum(wants)
        carry = 0.0
        batch_e, batch_p = [], []
        for (uid, index, _name), want in zip(self.trainees, wants):
            carry += want * factor
            count, carry = int(carry), carry - int(carry)
            own = home[index][0] if home[index] else []
            at_home = min(len(own), sum(rng.random() >= scale.exchange for _ in range(count)))
            # Weighted sampling without replacement (Efraimidis-Spirakis keys) in the small pool
            # of the trainee's own academy; repeated draws would spill over to the others.
            chosen = {c.id: c for c in sorted(own, key=lambda c: -rng.random() ** (1 / c.weight)
                                              )[:at_home]}
            for _ in range(count * 4):
                if len(chosen) >= count:
                    break
                course = _pick(rng, away[index])
                chosen.setdefault(course.id, course)
            for course in chosen.values():
                self._enrolment(batch_e, batch_p, uid, course)
                self.away += course.academy != index
            if len(batch_e) >= BATCH * 10:
                self._flush_enrolments(batch_e, batch_p)
        self._flush_enrolments(batch_e, batch_p)

    def _flush_enrolments(self, enrolments: list, progress: list) -> None:
        self.load.write("enrolments", COLUMNS["enrolments"], enrolments)
        self.load.write("lesson_progress", COLUMNS["lesson_progress"], progress)
        enrolments.clear()
        progress.clear()

    def _activation(self, opens: datetime) -> datetime:
        rng = self.rng
        while True:
            u = rng.random()
            x = u if rng.random() < 0.5 else math.sqrt(u)  # activity grows over the months
            moment = self.start + timedelta(seconds=self.span * x)
            if moment.month in (8, 12) and rng.random() < 0.35:  # holidays
                continue
            if moment < opens:  # a course adopted during the period: from its publication on
                moment = opens + (self.now - opens) * rng.random()
            return moment

    def _enrolment(self, enrolments: list, progress: list, uid: int, course: CourseInfo) -> None:
        rng, now = self.rng, self.now
        activated = self._activation(course.opens)
        requested = activated - timedelta(seconds=rng.random() * 2 * DAY)
        age = (now - activated).total_seconds() / DAY
        completed = withdrawn = last_lesson = last_activity = None
        lessons, done = course.lessons, 0
        draw = rng.random()
        if age < 45 and draw < 0.2:  # recent requests not decided yet
            status = "pending" if draw < 0.15 else "waitlisted"
            activated = None
        elif 0.2 <= draw < 0.27:
            status = "withdrawn"
            withdrawn = min(now, activated + timedelta(days=rng.uniform(3, 90)))
            done = int(len(lessons) * rng.random() ** 2)
        else:
            duration = timedelta(days=min(150.0, rng.lognormvariate(math.log(21), 0.7)))
            if rng.random() < COMPLETING and activated + duration <= now:
                status, completed, done = "completed", activated + duration, len(lessons)
            else:
                status = "active"
                done = min(len(lessons) - 1, int(len(lessons) * rng.random() ** 1.6))
        self.status_mix[status] += 1
        eid = self.ids("enrolments")
        if activated is not None:
            end = completed or withdrawn or min(now, activated + timedelta(
                days=rng.uniform(1, 60)))
            moments = _timeline(rng, activated, end, done) if done else []
            for lid, moment in zip(lessons[:done], moments):
                progress.append((self.ids("lesson_progress"), uid, lid, moment))
                if lid in course.quizzes:
                    self.pairs.append(QuizPair(uid, course, lid, True, moment, activated))
            last_lesson = lessons[min(done, len(lessons) - 1)]
            last_activity = moments[-1] if moments else activated + timedelta(minutes=5)
            if status == "active" and lessons[done] in course.quizzes and rng.random() < 0.6:
                stuck = min(now, last_activity + timedelta(days=rng.uniform(0.1, 10)))
                self.pairs.append(QuizPair(uid, course, lessons[done], False, stuck, activated))
            if status == "completed":
                self.completions.append((uid, course, completed))
        enrolments.append((eid, course.id, uid, status, requested, activated, completed,
                           withdrawn, last_lesson, last_activity, None))

    # --- Quizzes -----------------------------------------------------------------------------

    def attempts(self) -> None:
        rng = self.rng
        counts = []
        for pair in self.pairs:
            draw = rng.random()
            counts.append((1 if draw < 0.72 else 2 if draw < 0.94 else 3) if pair.passed
                          else (1 if draw < 0.7 else 2))
        offered = sum(k * len(p.course.quizzes[p.lesson]) for p, k in zip(self.pairs, counts))
        self.quiz_share = min(1.0, self.scale.responses / max(1, offered))
        attempts, slots, results = [], [], []
        for pair, k in zip(self.pairs, counts):
            if rng.random() >= self.quiz_share:
                continue
            self._pair(pair, k, attempts, slots, results)
            if len(slots) >= BATCH * 50:
                self._flush_attempts(attempts, slots, results)
        self._flush_attempts(attempts, slots, results)

    def _flush_attempts(self, attempts: list, slots: list, results: list) -> None:
        self.load.write("quiz_attempts", COLUMNS["quiz_attempts"], attempts)
        self.load.write("quiz_attempt_slots", COLUMNS["quiz_attempt_slots"], slots)
        self.load.write("quiz_results", COLUMNS["quiz_results"], results)
        for rows in (attempts, slots, results):
            rows.clear()

    def _pair(self, pair: QuizPair, k: int, attempts: list, slots: list, results: list) -> None:
        rng = self.rng
        questions = pair.course.quizzes[pair.lesson]
        ability = self.ability[pair.user]
        finishes = [pair.at]
        for _ in range(k - 1):
            finishes.insert(0, max(pair.since + timedelta(minutes=30),
                                   finishes[0] - timedelta(seconds=rng.uniform(0.05, 6) * DAY)))
        fractions = []
        for number, finished in enumerate(finishes, 1):
            must_pass = pair.passed and number == k
            aid = self.ids("quiz_attempts")
            started = finished - timedelta(minutes=rng.uniform(4, 40))
            scores = self._scores(questions, ability + 0.4 * (number - 1), must_pass)
            fraction = sum(scores) / len(scores)
            fractions.append(fraction)
            locale = pair.course.locale
            attempts.append((aid, pair.course.id, pair.lesson, pair.user, number, locale,
                             "finished", started, None, 120, finished, fraction,
                             (len(questions) - 1) // 5 + 1))
            for position, (question, score) in enumerate(zip(questions, scores), 1):
                saved = started + (finished - started) * (position / (len(questions) + 1))
                response, order = _response(rng, question, score)
                slots.append((aid, position, (position - 1) // 5 + 1, question.id,
                               question.version_id, order, response, rng.randint(1, 3), saved,
                               score, ""))
        best = max(fractions)
        results.append((pair.lesson, pair.user, pair.course.id, best, best >= PASS, k, pair.at))
        self.results.setdefault((pair.user, pair.course.id), []).append(best)

    def _scores(self, questions: list[QuestionInfo], ability: float, must_pass: bool
                ) -> list[float]:
        rng, scores = self.rng, []
        for q in questions:
            p = 1.0 / (1.0 + math.exp(-(q.slope * (ability - q.difficulty))))
            right = rng.random() < p
            if q.qtype in ("multiple", "shortanswer") and not right:
                scores.append(0.5 if rng.random() < 0.4 else 0.0)
            else:
                scores.append(1.0 if right else 0.0)
        order = list(range(len(scores)))
        rng.shuffle(order)
        for i in order:  # a pass (or a failure) as the pair says, by changing a few answers
            total = sum(scores) / len(scores)
            if must_pass and total < PASS:
                scores[i] = 1.0
            elif not must_pass and total >= PASS:
                scores[i] = 0.0
        return scores

    # --- Certificates ------------------------------------------------------------------------

    def certificates(self) -> None:
        from academy.certificates.codes import ALPHABET

        rng, now = self.rng, self.now
        names = {uid: name for uid, _index, name in self.trainees}
        drafts, codes = [], set()
        for uid, course, completed in self.completions:
            if course.policy is None:
                continue
            issuance, validity, shows = course.policy
            if issuance == "automatic":
                if rng.random() >= 0.97:
                    continue
                issued, by = completed + timedelta(minutes=1), None
            else:
                issued = completed + timedelta(days=rng.uniform(1, 30))
                if rng.random() >= 0.65 or issued > now:
                    continue
                by = self.coordinator
            code = "".join(rng.choice(ALPHABET) for _ in range(28))
            while code in codes:
                code = "".join(rng.choice(ALPHABET) for _ in range(28))
            codes.add(code)
            grades = self.results.get((uid, course.id))
            grade = round(100 * sum(grades) / len(grades), 1) if shows and grades else None
            expires = issued + timedelta(days=30.44 * validity) if validity else None
            revoked = issued + timedelta(days=rng.uniform(5, 200)) if rng.random() < 0.015 else None
            if revoked and revoked > now:
                revoked = None
            drafts.append([issued, code, uid, course, completed, expires, by, grade, revoked])
        drafts.sort(key=lambda d: d[0])
        rows, last = [], Counter()
        for issued, code, uid, course, completed, expires, by, grade, revoked in drafts:
            last[issued.year] += 1
            rows.append((self.ids("certificates"), f"PAN-{issued.year}-{last[issued.year]:06d}",
                         code, uid, course.id, self.academy_ids[course.academy], course.locale,
                         None, names[uid], course.title, course.hours, grade, completed, issued,
                         expires, by, revoked, "Error en la matrícula" if revoked else None,
                         None, None, None, None, None, None))
        self.load.write("certificates", COLUMNS["certificates"], rows)
        self.load.write("certificate_serials", ("year", "last_number"), sorted(last.items()))


def _question_words(qtype: str, right, position: int) -> tuple[dict, dict]:
    text = f"Pregunta {position}: ¿qué dicen las Reglas Nelson Mandela sobre este caso?"
    content = {"text": text, "format": "moodle", "general_feedback": ""}
    if qtype == "truefalse":
        content.update(feedback_true="", feedback_false="")
        return {"format": "moodle", "correct": bool(right)}, content
    if qtype == "single":
        fractions = [1.0 if i == right else 0.0 for i in range(4)]
        words = ["El director, por escrito", "Cualquier funcionario", "Nadie", "El juez"]
    elif qtype == "multiple":
        fractions = [0.5, 0.5, -0.5, -0.5]
        words = ["Respeto", "Intimidad", "Humillación", "Castigo colectivo"]
    else:
        fractions = [1.0, 0.5]
        words = ["respeto", "humanidad"]
    content["answers"] = [{"text": w, "feedback": "", "match": None} for w in words]
    return {"format": "moodle", "answers": [{"fraction": f} for f in fractions]}, content


IDENTITY = {n: list(range(n)) for n in (2, 4)}


def _response(rng: random.Random, q: QuestionInfo, score: float):
    """(response, choice order) of a slot that earned `score`, as the quiz engine stores them."""
    if q.qtype == "single":
        return (q.right if score else rng.choice([i for i in range(4) if i != q.right])), \
            IDENTITY[4]
    if q.qtype == "multiple":
        return ([0, 1] if score == 1.0 else [rng.choice((0, 1))] if score else
                [rng.choice((2, 3))]), IDENTITY[4]
    if q.qtype == "truefalse":
        return (bool(q.right) if score else not q.right), []
    return ("respeto" if score == 1.0 else "humanidad" if score else "no lo sé"), []


COLUMNS = {
    "courses": ("id", "academy_id", "slug", "default_locale", "locales", "status", "visibility",
                "review_status", "version", "approved_version", "hours", "cover_filename",
                "source_course_id", "source_version", "created_at", "updated_at",
                "published_at"),
    "course_texts": ("course_id", "locale", "title", "summary", "search_text"),
    "modules": ("id", "course_id", "slug", "position"),
    "module_texts": ("module_id", "locale", "title"),
    "lessons": ("id", "module_id", "slug", "position", "kind", "minutes", "settings"),
    "lesson_texts": ("lesson_id", "locale", "title", "body"),
    "questions": ("id", "course_id", "ident", "category", "position", "qtype",
                  "spec", "version", "updated_at"),
    "quiz_slots": ("id", "lesson_id", "position", "page", "question_id", "category", "mark"),
    "question_texts": ("question_id", "locale", "content"),
    "question_versions": ("id", "question_id", "course_id", "version", "ident", "qtype", "spec",
                          "texts", "created_at"),
    "certificate_policies": ("course_id", "issuance", "min_grade", "validity_months",
                             "shows_grade"),
    "enrolments": ("id", "course_id", "user_id", "status", "requested_at", "activated_at",
                   "completed_at", "withdrawn_at", "last_lesson_id", "last_activity_at",
                   "promoted_at"),
    "lesson_progress": ("id", "user_id", "lesson_id", "completed_at"),
    "quiz_attempts": ("id", "course_id", "lesson_id", "user_id", "number", "locale", "status",
                      "started_at", "deadline_at", "grace_seconds", "finished_at", "fraction",
                      "pages"),
    "quiz_attempt_slots": ("attempt_id", "position", "page", "question_id", "version_id",
                           "choice_order", "response", "saved_seq", "saved_at", "fraction",
                           "comment"),
    "quiz_results": ("lesson_id", "user_id", "course_id", "fraction", "is_passed", "attempts",
                     "updated_at"),
    "certificates": ("id", "serial", "code", "user_id", "course_id", "academy_id", "locale",
                     "second_locale", "name", "course_title", "hours", "grade", "completed_at",
                     "issued_at", "expires_at", "issued_by_id", "revoked_at", "revoked_reason",
                     "superseded_at", "superseded_by_id", "supersede_reason", "pdf_sha256",
                     "pdf_size", "job_id"),
}


def seed(app, scale: Scale, log=print) -> dict:
    """Fill the app's (migrated, empty) database; returns rows per table, timings and shares."""
    from academy.accounts.passwords import hash_password
    from academy.db import utcnow
    from academy.extensions import db

    timings: dict[str, float] = {}
    with app.app_context():
        now = utcnow().replace(microsecond=0)
        with db.engine.connect() as conn:
            loader = Loader(conn, db.metadata)
            seeder = Seeder(loader, scale, now, hash_password("bench password 1"))
            for step in ("people", "catalogue", "enrolments", "attempts", "certificates"):
                started = time.perf_counter()
                getattr(seeder, step)()
                timings[step] = time.perf_counter() - started
                log(f"  {step}: {timings[step]:.1f} s")
            loader.finish()
            # Completion keeps the course grade with the enrolment (quizzes.record_final_grade);
            # rows loaded by COPY get it the way migration 0010 gives it to older ones.
            conn.exec_driver_sql(
                "UPDATE enrolments SET final_grade = (SELECT avg(q.fraction) * 100 "
                "FROM quiz_results q WHERE q.user_id = enrolments.user_id "
                "AND q.course_id = enrolments.course_id) WHERE status = 'completed'")
            conn.commit()
    return {"rows": dict(loader.counts), "timings": timings, "quiz_share": seeder.quiz_share,
            "statuses": dict(seeder.status_mix), "quiz_pairs": len(seeder.pairs),
            "exchange": seeder.away / max(1, sum(seeder.status_mix.values()))}


def vacuum_analyze(app) -> float:
    """VACUUM ANALYZE (PostgreSQL: statistics, and the visibility map for index-only scans) or
    ANALYZE (SQLite); returns the seconds it took."""
    from academy.extensions import db

    started = time.perf_counter()
    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
    return time.perf_counter() - started


def table_sizes(app) -> list[tuple[str, int, int | None]]:
    """(table, rows, bytes with indexes and TOAST on PostgreSQL) of every table with rows."""
    from academy.extensions import db

    found = []
    with app.app_context():
        with db.engine.connect() as conn:
            postgres = conn.dialect.name == "postgresql"
            for table in sorted(db.metadata.tables):
                rows = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                if not rows:
                    continue
                size = conn.execute(text("SELECT pg_total_relation_size(:t)"), {"t": table}
                                    ).scalar() if postgres else None
                found.append((table, rows, size))
    return sorted(found, key=lambda row: -(row[2] or row[1]))
