"""The WeasyPrint side of certificate PDFs, imported only when a PDF is made (academy/certificates/
rendering.py): WeasyPrint and its libraries cost half a second and about 40 MiB to load, which a
server process that never renders a certificate should not pay (issue 14).

Each process keeps one FontConfiguration and one parsed stylesheet per distinct CSS text: a new
font configuration per PDF (WeasyPrint's default) leaks memory and costs about a quarter of the
time. The URL fetcher serves only files under the directories it is given (the app's uploads and
fonts) and inline data: URLs; anything else, remote or local, is refused, so an edited template
cannot make the server fetch a URL or read a file.
"""
from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from academy.certificates.rendering import PDF_VARIANT

_LOCK = threading.Lock()
_STATE: dict = {"font_config": None, "stylesheets": OrderedDict()}
_MAX_STYLESHEETS = 16


class AppFilesFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to data: URLs and files below the given directories."""

    def __init__(self, roots: tuple[str, ...]) -> None:
        super().__init__(allowed_protocols=("data", "file"))
        self._roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self._roots):
                return URLFetcherResponse(url, path.read_bytes(),
                                          {"Content-Type": _mime_type(path)})
        raise ValueError(f"not fetched while rendering a certificate: {url[:200]}")


def _mime_type(path: Path) -> str:
    return {".png": "image/png", ".svg": "image/svg+xml", ".ttf": "font/ttf",
            ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}.get(
        path.suffix.lower(), "application/octet-stream")


def _font_config():
    if _STATE["font_config"] is None:
        _STATE["font_config"] = FontConfiguration()
    return _STATE["font_config"]


def _stylesheet(css: str, fetcher):
    sheets: OrderedDict = _STATE["stylesheets"]
    if css in sheets:
        sheets.move_to_end(css)
        return sheets[css]
    sheet = CSS(string=css, font_config=_font_config(), url_fetcher=fetcher)
    sheets[css] = sheet
    if len(sheets) > _MAX_STYLESHEETS:
        sheets.popitem(last=False)
    return sheet


def render_pdf(html: str, css: str, roots: tuple[str, ...]) -> bytes:
    """The PDF/A-3b bytes of one certificate's HTML with `css` (files only from `roots`)."""
    fetcher = AppFilesFetcher(roots)
    with _LOCK, warnings.catch_warnings():  # one font configuration: one render at a time
        # WeasyPrint 70 opens its sRGB profile for every PDF/A and leaves the closing to the
        # garbage collector (a ResourceWarning, nothing more): not ours to fix, not worth noise.
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r".*sRGB2014\.icc")
        document = HTML(string=html, url_fetcher=fetcher, base_url=f"file://{roots[0]}/")
        return document.write_pdf(stylesheets=[_stylesheet(css, fetcher)],
                                  font_config=_font_config(), pdf_variant=PDF_VARIANT,
                                  uncompressed_pdf=False)
