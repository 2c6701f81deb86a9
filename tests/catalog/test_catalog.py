"""The catalogue: who sees which course, search and filters, lessons in one's language."""
from __future__ import annotations

from academy.curricula.models import Lesson, LessonText
from academy.extensions import db
from tests.factories.packages import COURSE_TOML

EN = {"Accept-Language": "en"}


def test_shared_course_is_in_everyones_catalogue(client, make_course, other_academy):
    course = make_course(other_academy, share=True)
    page = client.get("/courses", headers=EN).get_data(as_text=True)
    assert "Searches with dignity" in page and "1 course" in page
    detail = client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "Principles" in detail and "Sign in to read the lessons." in detail


def test_academy_only_course_is_seen_by_its_academy_only(app, make_course, academy, other_academy,
                                                         trainee, create_user, login_as):
    course = make_course(academy, share=False)
    mine, stranger = app.test_client(), app.test_client()
    login_as(trainee, mine)
    login_as(create_user(academy=other_academy, roles=["trainee"]), stranger)
    assert "Searches with dignity" in mine.get("/courses", headers=EN).get_data(as_text=True)
    assert mine.get(f"/courses/{course.id}").status_code == 200
    assert "Searches with dignity" not in stranger.get("/courses",
                                                       headers=EN).get_data(as_text=True)
    assert stranger.get(f"/courses/{course.id}").status_code == 404
    assert app.test_client().get(f"/courses/{course.id}").status_code == 404


def test_drafts_are_invisible_outside_their_authors(app, make_course, academy, trainee,
                                                    create_user, login_as):
    course = make_course(academy, publish=False)
    reader, author = app.test_client(), app.test_client()
    login_as(trainee, reader)
    login_as(create_user(academy=academy, roles=["instructor"]), author)
    assert reader.get(f"/courses/{course.id}").status_code == 404
    assert "Searches with dignity" not in reader.get("/courses", headers=EN).get_data(as_text=True)
    page = author.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "This course is not published" in page


def _enrol(trainee, course):
    from academy.enrolment import operations as enrolment_ops

    enrolment_ops.enrol_self(trainee, course)
    db.session.commit()


def test_lessons_are_for_enrolled_readers(app, client, make_course, other_academy, trainee,
                                          login_as):
    course = make_course(other_academy, share=True)
    lesson = course.modules[0].lessons[0]
    url = f"/courses/{course.id}/lessons/{lesson.id}"
    assert "/login" in client.get(url).headers["Location"]
    login_as(trainee)
    assert client.get(url).status_code == 403
    assert "The lessons open once you are enrolled." in client.get(
        f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    _enrol(trainee, course)
    page = client.get(url, headers=EN).get_data(as_text=True)
    assert "<h2>Dignity</h2>" in page and "<strong>proporcional</strong>" in page


def test_a_missing_translation_falls_back_with_a_visible_mark(client, make_course, other_academy,
                                                              trainee, login_as):
    course = make_course(other_academy, share=True)
    _enrol(trainee, course)
    login_as(trainee)
    second_module_lesson = course.modules[1].lessons[0]  # written in Spanish only
    page = client.get(f"/courses/{course.id}/lessons/{second_module_lesson.id}",
                      headers=EN).get_data(as_text=True)
    assert "Celdas" in page and "shown in Spanish" in page
    outline = client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "Práctica" in outline and "shown in Spanish" in outline


def test_malicious_lesson_renders_inert(client, make_course, other_academy, trainee, login_as):
    evil = ('+++\ntitle = "Evil"\n+++\n\n<script>alert(1)</script>\n\n'
            '<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))\n\n'
            '![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNCk+)\n\n'
            '<svg><script>alert(5)</script></svg>\n')
    course = make_course(other_academy, share=True,
                         **{"01-principles__01-why.en.md": evil.encode()})
    _enrol(trainee, course)
    login_as(trainee)
    page = client.get(f"/courses/{course.id}/lessons/{course.modules[0].lessons[0].id}",
                      headers=EN).get_data(as_text=True)
    body = page.split('class="lesson-body"', 1)[1]
    assert "<script" not in body and "<img" not in body and "<svg" not in body
    assert "javascript:" not in body.split("</article>")[0].replace("[click](javascript:alert(3))",
                                                                    "")
    assert 'href="javascript' not in body and "data:image" not in \
        body.split("</article>")[0].replace(
        "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNCk+)", "")


def test_search_looks_at_titles_and_summaries_in_the_active_language(
        client, make_course, other_academy):
    make_course(other_academy, share=True)
    make_course(other_academy, slug="cell-searches", share=True, **{"course.toml": COURSE_TOML
                .replace("searches-with-dignity", "cell-searches")
                .replace("Registros con dignidad", "Requisas de celdas")
                .replace("Searches with dignity", "Cell inspections")
                .replace("with respect for their dignity", "step by step").encode()})
    page = client.get("/courses?q=dignity", headers=EN).get_data(as_text=True)
    assert "Searches with dignity" in page and "Cell inspections" not in page
    page = client.get("/courses?q=REQUISAS",
                      headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Requisas de celdas" in page and "Registros con dignidad" not in page
    assert "No course matches" in client.get("/courses?q=zzzz", headers=EN).get_data(as_text=True)


def test_search_finds_every_word_in_any_order_whatever_the_accents_and_case(
        client, make_course, other_academy):
    make_course(other_academy, slug="alternativas", share=True, **{"course.toml": COURSE_TOML
                .replace("searches-with-dignity", "alternativas")
                .replace("Registros con dignidad", "Penas y medidas alternativas en la práctica")
                .encode()})
    make_course(other_academy, share=True)
    es = {"Accept-Language": "es"}
    for query in ("penas alternativas", "ALTERNATIVAS  penas", "práctica, medidas",
                  "alternatívas"):
        page = client.get("/courses", query_string={"q": query}, headers=es).text
        assert "Penas y medidas alternativas" in page, query
        assert "Registros con dignidad" not in page, query
    page = client.get("/courses", query_string={"q": "penas privativas"}, headers=es).text
    assert "Ningún curso coincide con su búsqueda." in page


def test_filters_by_academy_country_language_and_topic(client, make_course, academy,
                                                       other_academy):
    make_course(other_academy, share=True)
    page = client.get(f"/courses?academy={other_academy.id}&country=FR&language=en&tag=searches",
                      headers=EN).get_data(as_text=True)
    assert "Searches with dignity" in page
    for query in (f"academy={academy.id}", "country=ES", "language=it", "tag=cooking"):
        page = client.get(f"/courses?{query}", headers=EN).get_data(as_text=True)
        assert "Searches with dignity" not in page, query
    assert client.get("/courses?page=zz&academy=abc&language=xx").status_code == 200


def test_catalogue_and_course_page_use_a_bounded_number_of_queries(
        client, make_course, other_academy, trainee, login_as, count_queries, app_ctx):
    course = make_course(other_academy, share=True)
    _enrol(trainee, course)
    login_as(trainee)

    def open_pages():
        assert client.get("/courses").status_code == 200
        assert client.get(f"/courses/{course.id}").status_code == 200
        first = course.modules[0].lessons[0].id
        assert client.get(f"/courses/{course.id}/lessons/{first}").status_code == 200

    def add_lessons(n):
        module = course.modules[1]
        for i in range(n):
            module.lessons.append(Lesson(slug=f"extra-{len(module.lessons)}-{i}", position=99 + i,
                                         texts=[LessonText(locale="es", title=f"Extra {i}",
                                                           body="Texto")]))
        db.session.commit()

    add_lessons(8)  # 10 lessons in all
    few = count_queries(open_pages)
    add_lessons(190)  # 200
    for n in range(5):
        make_course(other_academy, slug=f"more-{n}", share=True)
    assert count_queries(open_pages) == few
