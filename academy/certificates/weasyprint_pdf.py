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

import base64
import threading
import warnings
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, Attachment
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


def render_pdf(html: str, css: str, roots: tuple[str, ...], attachments: tuple = ()) -> bytes:
    """The PDF/A-3b bytes of one certificate's HTML with `css` (files only from `roots`) and its
    attachments (rendering.Attachment) as PDF/A-3 associated files.

    Texts too long for their frame (the longest heading, statement and closing line the design
    form allows, a 70-letter name, two languages) are shrunk to fit it, so they never run over
    the signatures and the QR code: a second layout, only for those certificates.
    """
    fetcher = AppFilesFetcher(roots)
    with _LOCK, warnings.catch_warnings():  # one font configuration: one render at a time
        # WeasyPrint 70 opens its sRGB profile for every PDF/A and leaves the closing to the
        # garbage collector (a ResourceWarning, nothing more): not ours to fix, not worth noise.
        warnings.filterwarnings("ignore", category=ResourceWarning, message=r".*sRGB2014\.icc")
        sheets, base = [_stylesheet(css, fetcher)], f"file://{roots[0]}/"
        document = _layout(html, sheets, fetcher, base)
        room = _room_left(document)
        if room is not None:  # too long: measure it laid out freely, then set it smaller
            natural = _content_height(_layout(html, [*sheets, CSS(string=_FREE)], fetcher, base))
            for step in range(4):  # smaller type also wraps shorter: usually one step
                fitting = fitting_css(room, natural / (0.9 ** step))
                document = _layout(html, [*sheets, CSS(string=fitting)], fetcher, base)
                if _room_left(document) is None:
                    break
        return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False,
                                  attachments=[_attachment(item) for item in attachments])


def _attachment(item) -> Attachment:
    """WeasyPrint's attachment of a rendering.Attachment. A data: URL, read by WeasyPrint's own
    fetcher (nothing leaves the process), is how WeasyPrint takes a file's media type."""
    encoded = base64.b64encode(item.data).decode("ascii")
    return Attachment(url=f"data:{item.media_type};base64,{encoded}", name=item.name,
                      description=item.description, relationship=item.relationship)


# The texts laid out without their frame's limits, to measure how tall they are.
_FREE = (".sheet { height: auto !important; } .frame { position: static !important; "
         "overflow: visible !important; height: auto !important; }")


def _layout(html: str, sheets: list, fetcher, base: str):
    document = HTML(string=html, url_fetcher=fetcher, base_url=base)
    return document.render(stylesheets=sheets, font_config=_font_config(),
                           pdf_variant=PDF_VARIANT, uncompressed_pdf=False)


def _room_left(document) -> float | None:
    """None when the .content fits its .frame; else the frame's height."""
    page = document.pages[0]._page_box  # WeasyPrint's laid-out boxes (stable since v53)
    frame, content = _block(page, "frame"), _block(page, "content")
    if frame is None or content is None or len(content.element) == 0:
        return None
    last = _block_of(page, content.element[-1])
    bottom = frame.position_y + frame.padding_height()
    if last is not None and last.position_y + last.margin_height() <= bottom + 0.5:
        return None
    return frame.height


def _content_height(document) -> float:
    """The height of .content laid out freely, over every page it took."""
    return sum(box.margin_height() for page in document.pages
               for box in [_block(page._page_box, "content")] if box is not None)


def fitting_css(room: float, natural: float, base_pt: float = 11.0) -> str:
    """CSS that sets .content's type smaller (every size of it is in em) so that texts
    `natural` pixels tall fit a frame `room` pixels tall; smaller type wraps into fewer lines,
    so this errs on the side of room."""
    scale = max(0.3, min(1.0, room / max(natural, 1.0)))
    return f".frame > .content {{ font-size: {base_pt * scale:.2f}pt; }}"


def _block(box, name: str):
    """The first block box (depth first) of an element with class `name`."""
    return _first(box, lambda element: name in (element.get("class") or "").split())


def _block_of(box, element):
    """The first block-level box (depth first) laid out for `element`, if any."""
    return _first(box, lambda found: found is element)


def _first(box, wanted):
    """Depth first, the first block-level box whose element is `wanted`."""
    from weasyprint.formatting_structure import boxes

    box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
    element = getattr(box, "element", None)
    if element is not None and isinstance(box, (boxes.BlockBox, boxes.InlineBlockBox)) \
            and wanted(element):
        return box
    for child in getattr(box, "children", ()):
        found = _first(child, wanted)
        if found is not None:
            return found
    return None
