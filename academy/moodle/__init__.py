"""Moodle course and activity backups (`.mbz`) imported as draft courses.

archive (safe unpacking) -> backup (moodle_backup.xml, course, sections, activities, files)
-> questions (questions.xml) and qtypes (each question type as a GiftQuestion) -> quiz (settings
and slots) -> mapping (a course package's CourseData, and what is skipped) -> operations (the
preview and the import, through the course packages' importer) -> views and cli.
"""
