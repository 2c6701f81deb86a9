"""The instructor's question bank: list, edit and translate, preview, import and export questions.

A question is its structure (type, rows, weights, numbers, right answer: `Question.spec`, shared by
every language) and its words per language (`QuestionText.content`). The editor changes the
structure only in the course's default language, so every translation keeps the same rows.
"""
