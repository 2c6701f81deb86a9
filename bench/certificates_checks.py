"""After the bulk job: the certificates, their serials, codes, audit events and stored PDFs, a
sample's text and metadata read back with pypdf, and the downloads' counts."""
from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bench.certificates_bulk import BulkRun
from bench.certificates_seed import LOCALES


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class Verdict:
    certificates: int = 0
    distinct_serials: int = 0
    distinct_codes: int = 0
    hash_mismatches: int = 0
    missing_files: int = 0
    sizes: list[int] = field(default_factory=list)
    sample: list[str] = field(default_factory=list)  # one line per sampled certificate
    sample_failures: int = 0
    zip_entries: int = 0
    zip_size: int = 0
    merged_pages: int = 0
    merged_size: int = 0
    audit_events: int = 0
    problems: list[str] = field(default_factory=list)


def verify(app, run: BulkRun, expected: int, sample_size: int) -> Verdict:
    from academy.audit.models import AuditEvent
    from academy.certificates import queries
    from academy.extensions import db

    verdict = Verdict()
    with app.app_context():
        certificates = queries.of_job(run.job_id)
        verdict.certificates = len(certificates)
        verdict.distinct_serials = len({c.serial for c in certificates})
        verdict.distinct_codes = len({c.code for c in certificates})
        verdict.audit_events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                                 .where(AuditEvent.action == "certificate.issue",
                                                        AuditEvent.target_id.in_(
                                                            [c.id for c in certificates])))
        by_locale = check_stored(verdict, certificates)
        for certificate, data in sample(by_locale, verdict, sample_size):
            check_sampled(verdict, certificate, data)
        for kind in ("zip", "pdf"):
            check_download(verdict, run, kind)
        db.session.remove()
    verdict.problems += problems(verdict, expected)
    return verdict


def check_stored(verdict: Verdict, certificates: list) -> dict[str, list]:
    """Every stored PDF against its recorded hash and size; the PDFs by language."""
    from academy import storage
    from academy.certificates import contents

    by_locale: dict[str, list] = {}
    for certificate in certificates:
        path = storage.stored_path(contents.PDF_KIND, certificate.pdf_sha256, ".pdf")
        if path is None:
            verdict.missing_files += 1
            continue
        data = path.read_bytes()
        verdict.sizes.append(len(data))
        if hashlib.sha256(data).hexdigest() != certificate.pdf_sha256 \
                or len(data) != certificate.pdf_size:
            verdict.hash_mismatches += 1
        by_locale.setdefault(certificate.locale, []).append((certificate, data))
    return by_locale


def sample(by_locale: dict[str, list], verdict: Verdict, sample_size: int) -> list:
    """Up to `sample_size` certificates, the languages in turn."""
    chosen = []
    while len(chosen) < min(sample_size, verdict.certificates - verdict.missing_files):
        for locale in LOCALES:
            if by_locale.get(locale) and len(chosen) < sample_size:
                chosen.append(by_locale[locale].pop(len(by_locale[locale]) // 2))
    return chosen


def check_sampled(verdict: Verdict, certificate, data: bytes) -> None:
    """One page with the trainee's name and the serial in its text, and PDF/A-3B in its XMP."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = flat(reader.pages[0].extract_text())
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()  # inflated
    metadata = b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    ok = (flat(certificate.name) in text and certificate.serial in text
          and len(reader.pages) == 1 and metadata)
    verdict.sample_failures += not ok
    verdict.sample.append(f"{certificate.serial} [{certificate.locale}] "
                          f"{certificate.name!r}: {'found' if ok else 'NOT FOUND'} in "
                          f"{len(reader.pages)} page(s) of {len(data):,} B; XMP says "
                          f"{'PDF/A-3B' if metadata else 'NOT PDF/A-3B'}")
    if not ok:
        verdict.sample.append(f"    extracted: {text[:300]!r}")


def check_download(verdict: Verdict, run: BulkRun, kind: str) -> None:
    """The zip's distinct files, or the merged PDF's pages."""
    from pypdf import PdfReader

    from academy import storage
    from academy.certificates import bulk

    path = storage.stored_path(bulk.DOWNLOADS, run.result.get(kind), f".{kind}")
    if path is None:
        verdict.problems.append(f"no {kind} download")
        return
    if kind == "zip":
        verdict.zip_size = path.stat().st_size
        with zipfile.ZipFile(path) as bundle:
            names = bundle.namelist()
            verdict.zip_entries = len(set(names))
            if len(names) != len(set(names)):
                verdict.problems.append("the zip repeats file names")
    else:
        verdict.merged_size = path.stat().st_size
        verdict.merged_pages = len(PdfReader(path).pages)


def problems(verdict: Verdict, expected: int) -> list[str]:
    """What the counts say is wrong."""
    found = []
    if verdict.certificates != expected:
        found.append(f"{verdict.certificates} certificates for {expected} enrolments")
    if verdict.distinct_serials != verdict.certificates:
        found.append("serials repeat")
    if verdict.distinct_codes != verdict.certificates:
        found.append("codes repeat")
    if verdict.hash_mismatches or verdict.missing_files:
        found.append(f"{verdict.hash_mismatches} PDFs differ from their hash, "
                     f"{verdict.missing_files} missing")
    if verdict.sample_failures:
        found.append(f"{verdict.sample_failures} sampled PDFs without the name, the "
                     f"serial, one page or the PDF/A-3B identification")
    found += count_problems(verdict)
    return found


def count_problems(verdict: Verdict) -> list[str]:
    found = []
    if verdict.zip_entries != verdict.certificates:
        found.append(f"the zip holds {verdict.zip_entries} files")
    if verdict.merged_pages != verdict.certificates:
        found.append(f"the merged PDF has {verdict.merged_pages} pages")
    if verdict.audit_events != verdict.certificates:
        found.append(f"{verdict.audit_events} audit events")
    return found
