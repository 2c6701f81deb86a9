"""What taking a quiz announces, for whoever listens (the metrics count it; academy/monitoring).

The views send these after their commit, so a save announced is a save kept.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the app; `via`: "page" (the page's form) or "autosave" (the background save).
answers_saved = _signals.signal("answers-saved", doc="A page of an attempt's answers was saved.")
