"""Backups: a snapshot folder holds the database (pg_dump's custom format, or an SQLite copy made
with SQLite's online backup API), the upload folder's files, and a manifest.json with the SHA-256
and size of every file. `snapshots` makes and restores them, `manifest` checks them, `databases`
talks to SQLite and to PostgreSQL's client tools; `commands` is the `flask backup` group.
"""
from __future__ import annotations


class BackupError(Exception):
    """A snapshot cannot be made, checked or restored; the message says why, for an operator."""
