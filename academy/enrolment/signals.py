"""What enrolment announces, for whoever listens (the app factory connects the receivers:
academy/app.py).

Sent inside the operation, before its caller commits: a receiver's writes join the same
transaction. Blinker calls a signal's receivers in no set order (docs/decisions.md, "Enrolment").
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the enrolment that has just become completed (flushed, not yet committed).
course_completed = _signals.signal("course-completed", doc="A trainee completed a course.")
