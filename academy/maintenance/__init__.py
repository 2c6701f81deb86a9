"""Maintenance mode: while it is on, pages answer a translated 503 to everyone but site admins.

Kept in the database (one row per window), so every process and node sees the same state; each
process reads it at most every MAINTENANCE_CHECK_SECONDS (state.py). When it ends, quiz deadlines
move by the time it lasted (academy/quizzes/downtime.py).
"""
