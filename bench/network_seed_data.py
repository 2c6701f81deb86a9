"""The shapes of the network data set: its academies, topics and quiz settings, what the seeder
remembers of courses, questions and quizzes, and the draws it makes (weights, timelines, the
words of questions and of responses)."""
from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

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


def weighted(items: list, weights: list[float]) -> tuple[list, list[float]]:
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    return items, cumulative


def pick(rng: random.Random, pool: tuple[list, list[float]]):
    items, cumulative = pool
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def timeline(rng: random.Random, start: datetime, end: datetime, n: int) -> list[datetime]:
    """n moments between start and end, in order, the last one at end."""
    span = max(0.0, (end - start).total_seconds())
    moments = sorted(rng.random() for _ in range(n - 1))
    return [start + timedelta(seconds=span * u) for u in moments] + [end]


def question_words(qtype: str, right, position: int) -> tuple[dict, dict]:
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


def draw_response(rng: random.Random, q: QuestionInfo, score: float):
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
