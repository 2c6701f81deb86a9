"""What certificate rendering announces, for whoever listens (the metrics count it;
academy/monitoring).

Light on purpose: the renderer's worker processes import it without Flask.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: None; `ok`: whether a PDF came out; `seconds`: how long it took (None when unknown).
certificate_rendered = _signals.signal("certificate-rendered", doc="A certificate PDF was drawn.")
