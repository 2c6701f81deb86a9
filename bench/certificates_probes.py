"""Renderer probes: the same documents rendered three ways, each way in a fresh spawned process
(as configured, without HarfBuzz's subsetter, with a new FontConfiguration per PDF)."""
from __future__ import annotations

import statistics

from bench.certificates_seed import PUBLIC_URL
from bench.measures import now, proc_status

_PROBE: dict = {}


def probe_start(mode: str, roots: tuple[str, ...]) -> None:
    """Set a fresh probe process up to render the way `mode` says."""
    import warnings

    from academy.certificates import rendering, weasyprint_pdf

    if mode == "no-harfbuzz":
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint falls back to fontTools
    if mode == "fresh-fonts":  # WeasyPrint's default: a new FontConfiguration per document
        from weasyprint import CSS, HTML

        def render(html, css):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                fetcher = weasyprint_pdf.AppFilesFetcher(roots)
                return HTML(string=html, url_fetcher=fetcher,
                            base_url=f"file://{roots[0]}/").write_pdf(
                    stylesheets=[CSS(string=css, url_fetcher=fetcher)],
                    pdf_variant=rendering.PDF_VARIANT)
    else:
        def render(html, css):
            return rendering.render_pdf(html, css, roots)
    _PROBE["render"] = render


def probe_render(items: list[tuple[str, str]]) -> dict:
    """Render `items` in the probe process: ms and size of each, and its RSS afterwards."""
    times, sizes = [], []
    for html, css in items:
        started = now()
        sizes.append(len(_PROBE["render"](html, css)))
        times.append((now() - started) * 1000)
    status = proc_status("self")
    return {"ms": times, "sizes": sizes, "rss": status.get("VmRSS", 0)}


def run_probes(app, certificate_ids: list[int], count: int) -> list[dict]:
    """The same documents rendered by three fresh processes, one way each, taking turns five
    PDFs at a time so that what else the machine does weighs on all three alike."""
    from multiprocessing import get_context

    from academy.certificates import contents, documents
    from academy.certificates.models import Certificate
    from academy.curricula.models import Course
    from academy.extensions import db

    with app.test_request_context():
        items = []
        for certificate_id in certificate_ids:
            certificate = db.session.get(Certificate, certificate_id)
            items.append(contents.document_of(certificate, db.session.get(
                Course, certificate.course_id), PUBLIC_URL))
        roots = documents.file_roots()
        db.session.remove()
    items = (items * (count // max(1, len(items)) + 1))[:count]
    modes = ("as configured", "no-harfbuzz", "fresh-fonts")
    context = get_context("spawn")
    pools = [context.Pool(1, initializer=probe_start, initargs=(mode, roots)) for mode in modes]
    try:
        results = []
        for pool, mode in zip(pools, modes, strict=False):
            first = pool.apply(probe_render, (items[:1],))  # fonts found, stylesheet parsed
            results.append({"mode": mode, "ms": [], "sizes": [], "rss_first": first["rss"]})
        for start in range(0, len(items), 5):
            for pool, result in zip(pools, results, strict=False):
                found = pool.apply(probe_render, (items[start:start + 5],))
                result["ms"] += found["ms"]
                result["sizes"] += found["sizes"]
                result["rss_end"] = found["rss"]
    finally:
        for pool in pools:
            pool.close()
            pool.join()
    for result in results:
        result["size"] = statistics.mean(result["sizes"])
    return results
