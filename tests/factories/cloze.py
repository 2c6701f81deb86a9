"""A cloze question (Moodle's embedded answers) for the tests: its source in Spanish and in
English, and the question read from a source."""
from __future__ import annotations

from academy.quizzes import cloze
from academy.quizzes.gift import GiftQuestion

SOURCE = ("La capital de Alemania es {1:SHORTANSWER:=Berlín#Correcto~%50%Bonn#Antes de 1990}. "
          "Un registro dura {2:NUMERICAL:=30:5#Bien~%50%60#Demasiado} minutos; "
          "el color es {1:MULTICHOICE:=rojo#Sí~verde#No~azul}.\n"
          "Marque los derechos: {1:MULTIRESPONSE:%50%dignidad~%50%intimidad~%-100%ninguno}")
SOURCE_EN = ("The capital of Germany is {1:SHORTANSWER:=Berlin#Right~%50%Bonn#Before 1990}. "
             "A search lasts {2:NUMERICAL:=30:5#Good~%50%60#Too long} minutes; "
             "the colour is {1:MULTICHOICE:=red#Yes~green#No~blue}.\n"
             "Tick the rights: {1:MULTIRESPONSE:%50%dignity~%50%privacy~%-100%none}")


def cloze_question(source: str = SOURCE, ident: str = "cloze-1", general: str = "") -> GiftQuestion:
    text, gaps = cloze.parse_embedded(source)
    return GiftQuestion(0, ident, "", "cloze", text, "html", gaps=gaps, general_feedback=general)
