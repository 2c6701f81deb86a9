"""What signing in announces, for whoever listens (the metrics count it; academy/monitoring).

The views send these after their commit; nothing here knows who listens.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the app.
signed_in = _signals.signal("signed-in", doc="Someone signed in.")
# sender: the app; `reason`: "invalid" (wrong name or password), "throttled" (too many
# failures), or "refused" (a right password for an account that may not sign in).
sign_in_failed = _signals.signal("sign-in-failed", doc="A sign-in was refused.")
