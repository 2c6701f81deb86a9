"""The sample course package (es and en, two modules, a quiz of seven questions, one of each
type) and its parts, for tests that import, change or export a course."""
from __future__ import annotations

COURSE_TOML = '''format = 1
slug = "searches-with-dignity"
owner = "cep-madrid"
version = 3
default_locale = "es"
locales = ["es", "en"]
hours = 1
tags = ["searches", "human-rights"]
visibility = "network"
modules = ["01-principles", "02-practice"]

[title]
es = "Registros con dignidad"
en = "Searches with dignity"

[summary]
es = """Cómo registrar a personas y celdas
respetando su dignidad."""
en = "How to search people and cells with respect for their dignity."
'''


MODULE_1 = '''lessons = ["01-why", "quiz-principles"]

[title]
es = "Principios"
en = "Principles"
'''


MODULE_2 = '''lessons = ["01-cells"]

[title]
es = "Práctica"
'''


LESSON_ES = '''+++
title = "Por qué importa"
minutes = 15
+++

## Dignidad

Un registro **proporcional** respeta a la persona.
'''


LESSON_EN = LESSON_ES.replace("Por qué importa", "Why it matters").replace("Dignidad", "Dignity")


QUIZ_TOML = '''time_limit_minutes = 10
attempts = 2
pass_mark = 70
shuffle_questions = true
shuffle_choices = false

[title]
es = "Cuestionario"
en = "Quiz"
'''


GIFT_ES = '''$CATEGORY: searches-with-dignity/principles

::p-q1:: ¿Quién decide un registro integral? {
  =El director, por escrito #Correcto
  ~Cualquier funcionario #No
  ####Las normas exigen autorización.
}

::p-q2:: Un registro debe ser proporcional. {T#Revise la lección.#Así es.}

::p-q3:: ¿Cuántos funcionarios como mínimo? {#2:0}

::p-q4:: Elija las dos correctas {~%50%Respeto ~%50%Intimidad ~%-100%Humillación}

::p-q5:: Relacione {=Celda -> Espacio =Persona -> Cuerpo}

::p-q6:: Palabra clave {=dignidad =respeto}

::p-q7:: Explique el principio de necesidad. {}
'''


GIFT_EN = (GIFT_ES.replace("¿Quién decide un registro integral?", "Who decides a full search?")
           .replace("Elija las dos correctas", "Choose the two right ones"))


def sample_package(**changes: bytes | None) -> dict[str, bytes]:
    files = {
        "course.toml": COURSE_TOML.encode(),
        "01-principles/module.toml": MODULE_1.encode(),
        "01-principles/01-why.es.md": LESSON_ES.encode(),
        "01-principles/01-why.en.md": LESSON_EN.encode(),
        "01-principles/quiz-principles.toml": QUIZ_TOML.encode(),
        "01-principles/quiz-principles.es.gift": GIFT_ES.encode(),
        "01-principles/quiz-principles.en.gift": GIFT_EN.encode(),
        "02-practice/module.toml": MODULE_2.encode(),
        "02-practice/01-cells.es.md": LESSON_ES.replace("Por qué importa", "Celdas").encode(),
    }
    for name, content in changes.items():
        name = name.replace("__", "/")
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files
