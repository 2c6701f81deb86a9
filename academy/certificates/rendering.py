"""Certificate PDFs: HTML built from plain values, laid out by WeasyPrint.

WeasyPrint itself is loaded on the first PDF a process makes (weasyprint_pdf.py holds what uses
it), not when the app starts: most server processes never render one.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import time

from academy.certificates.signals import certificate_rendered

PDF_VARIANT = "pdf/a-3b"
# How HarfBuzz's subset library is named on Linux, Windows and macOS.
_SUBSETTER_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset-0.dll",
                    "libharfbuzz-subset.0.dylib")


def render_pdf(html: str, css: str, roots: tuple[str, ...]) -> bytes:
    """The PDF/A-3b bytes of one certificate's HTML with `css` (files only from `roots`),
    announced with `certificate_rendered` (drawn or not)."""
    started, ok = time.perf_counter(), False
    try:
        pdf = render_timed(html, css, roots)[0]
        ok = True
        return pdf
    finally:
        certificate_rendered.send(None, ok=ok, seconds=time.perf_counter() - started)


def render_timed(html: str, css: str, roots: tuple[str, ...]) -> tuple[bytes, float]:
    """A PDF and the seconds it took, unannounced: for the bulk job's worker processes, where
    nobody listens; the job's own process announces them with `collect`."""
    from academy.certificates import weasyprint_pdf

    started = time.perf_counter()
    return weasyprint_pdf.render_pdf(html, css, roots), time.perf_counter() - started


def collect(futures) -> list[bytes]:
    """The PDFs of `render_timed` futures, in order, each announced here."""
    pdfs = []
    for future in futures:
        try:
            pdf, seconds = future.result()
        except Exception:
            certificate_rendered.send(None, ok=False, seconds=None)
            raise
        certificate_rendered.send(None, ok=True, seconds=seconds)
        pdfs.append(pdf)
    return pdfs


def render_many(items: list[tuple[str, str]], roots: tuple[str, ...]) -> list[bytes]:
    """PDFs of several (html, css) pairs, in order, rendered in this process."""
    return [render_pdf(html, css, roots) for html, css in items]


def has_fast_subsetter() -> bool:
    """Whether HarfBuzz's subsetter (Debian's libharfbuzz-subset0) is there for WeasyPrint,
    found as WeasyPrint finds it but without loading WeasyPrint.

    Without it WeasyPrint subsets fonts in pure Python and each PDF takes 5 to 6 times longer.
    """
    for name in _SUBSETTER_NAMES:
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            continue
    found = ctypes.util.find_library("harfbuzz-subset")  # elsewhere: ask the system's linker
    return found is not None
