"""Certificate PDFs: HTML built from plain values, laid out by WeasyPrint.

WeasyPrint itself is loaded on the first PDF a process makes (weasyprint_pdf.py holds what uses
it), not when the app starts: most server processes never render one.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import time
from dataclasses import dataclass

from academy.certificates.signals import certificate_rendered

PDF_VARIANT = "pdf/a-3b"
# How HarfBuzz's subset library is named on Linux, Windows and macOS.
_SUBSETTER_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset-0.dll",
                    "libharfbuzz-subset.0.dylib")


@dataclass(frozen=True)
class Attachment:
    """A file the PDF carries as a PDF/A-3 associated file: plain values, so the bulk job's
    worker processes get it like the HTML. "Data" is PDF/A-3's relationship for the data the
    visible content is drawn from (as the e-invoices of Factur-X use it)."""

    name: str
    data: bytes
    media_type: str
    description: str
    relationship: str = "Data"


def render_pdf(html: str, css: str, roots: tuple[str, ...],
               attachments: tuple[Attachment, ...] = ()) -> bytes:
    """The PDF/A-3b bytes of one certificate's HTML with `css` (files only from `roots`) and
    its `attachments`, announced with `certificate_rendered` (drawn or not)."""
    started, ok = time.perf_counter(), False
    try:
        pdf = render_timed(html, css, roots, attachments)[0]
        ok = True
        return pdf
    finally:
        certificate_rendered.send(None, ok=ok, seconds=time.perf_counter() - started)


def render_timed(html: str, css: str, roots: tuple[str, ...],
                 attachments: tuple[Attachment, ...] = ()) -> tuple[bytes, float]:
    """A PDF and the seconds it took, unannounced: for the bulk job's worker processes, where
    nobody listens; the job's own process announces them with `collect`."""
    from academy.certificates import weasyprint_pdf

    started = time.perf_counter()
    return (weasyprint_pdf.render_pdf(html, css, roots, attachments),
            time.perf_counter() - started)


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


def render_many(items: list[tuple], roots: tuple[str, ...]) -> list[bytes]:
    """PDFs of several (html, css[, attachments]) items, in order, rendered in this process."""
    return [render_pdf(*item[:2], roots, *item[2:]) for item in items]


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
