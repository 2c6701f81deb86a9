"""The quizzes' blueprints: taking quizzes (views.py), their settings (admin_views.py),
their questions (editor_views.py), the question bank (bank/views.py, bank/preview_views.py,
bank/import_export_views.py) and grades (grade_views.py)."""
from __future__ import annotations

from flask import Blueprint

quizzes = Blueprint("quizzes", __name__, template_folder="templates")
quiz_admin = Blueprint("quiz_admin", __name__, template_folder="templates")
quiz_editor = Blueprint("quiz_editor", __name__, template_folder="templates")
# The question bank's templates are in bank/templates.
question_bank = Blueprint("question_bank", __name__, template_folder="bank/templates")
grades = Blueprint("grades", __name__, template_folder="templates")


def with_views() -> list[Blueprint]:
    """This package's blueprints, in the order the app registers them, with every view
    attached (the modules that declare them are imported)."""
    from academy.quizzes import admin_views, editor_views, grade_views, views  # noqa: F401
    from academy.quizzes.bank import import_export_views, preview_views  # noqa: F401
    from academy.quizzes.bank import views as _bank_views  # noqa: F401

    return [quizzes, quiz_admin, quiz_editor, question_bank, grades]
