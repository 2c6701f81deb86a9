"""The network data set's catalogue: courses, their modules, lessons and quiz questions."""
from __future__ import annotations

from datetime import datetime, timedelta

from bench.network_seed_data import (
    ACADEMIES,
    DAY,
    QTYPES,
    QUIZ_SETTINGS,
    TOPICS,
    CourseInfo,
    QuestionInfo,
    pick,
    question_words,
    weighted,
)
from bench.network_seed_loader import COLUMNS


class CourseSeeding:
    """Courses and their content (a part of `network_seed.Seeder`)."""

    def catalogue(self) -> None:
        rng, n = self.rng, self.scale.courses
        owners = [i % len(ACADEMIES) for i in range(min(n, 8 * len(ACADEMIES)))]
        pool = weighted(list(range(len(ACADEMIES))), [a[4] for a in ACADEMIES])
        owners += [pick(rng, pool) for _ in range(n - len(owners))]
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
            spec, content = question_words(qtype, right, position)
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
