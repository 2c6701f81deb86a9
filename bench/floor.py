"""The floor: a minimal Flask + SQLAlchemy ORM page, what any page of this stack that touches the
database costs. It selects 50 course rows as ORM objects and renders them in a Jinja layout
(a head, a navigation bar, a table, a footer), with a signed-cookie session read on every
request, as Campus's pages do. `bench/pages.py` serves it with the same gunicorn settings as
Campus and compares every page with it.

    ACADEMY_BENCH_FLOOR_DB=postgresql+psycopg://... gunicorn bench.floor:app
"""
from __future__ import annotations

import os
from datetime import datetime

from flask import Flask, render_template, session
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 50
LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} · Floor</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><nav><ul>
{% for label, url in nav %}<li><a href="{{ url }}">{{ label }}</a></li>{% endfor %}
</ul></nav></header>
<main>{% block main %}{% endblock %}</main>
<footer><p>{{ footer }}</p></footer></body></html>"""
PAGE = """{% extends "layout" %}{% block title %}Courses{% endblock %}
{% block main %}<h1>Courses</h1><table><thead><tr><th>Title</th><th>Summary</th><th>Created</th>
</tr></thead><tbody>{% for course in courses %}<tr><td><a href="/c/{{ course.id }}">{{ course.title
}}</a></td><td>{{ course.summary }}</td><td>{{ course.created_at.date() }}</td></tr>{% endfor %}
</tbody></table>{% endblock %}"""


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class FloorCourse(db.Model):
    __tablename__ = "bench_floor_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


def create_app(url: str) -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="floor")
    db.init_app(app)
    from jinja2 import DictLoader

    app.jinja_loader = DictLoader({"layout": LAYOUT, "page": PAGE})  # compiled once, cached
    nav = [(f"Section {n}", f"/s/{n}") for n in range(8)]

    @app.route("/")
    def index():
        session.get("_user_id")
        courses = db.session.scalars(select(FloorCourse).order_by(FloorCourse.id).limit(ROWS)).all()
        return render_template("page", courses=courses, nav=nav, footer="Floor")

    return app


def seed(url: str) -> None:
    """The floor's table and its 50 rows, in the benchmark's database."""
    app = create_app(url)
    with app.app_context():
        FloorCourse.__table__.drop(db.engine, checkfirst=True)
        FloorCourse.__table__.create(db.engine)
        now = datetime(2026, 1, 1)
        db.session.add_all(FloorCourse(title=f"Course {n} on dynamic security and rights",
                                       summary="A summary of a sentence or two. " * 3,
                                       created_at=now) for n in range(ROWS))
        db.session.commit()
        db.engine.dispose()


app = create_app(os.environ["ACADEMY_BENCH_FLOOR_DB"]) if "ACADEMY_BENCH_FLOOR_DB" in os.environ \
    else None
