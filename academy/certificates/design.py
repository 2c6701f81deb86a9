"""A sample certificate for the template page: the academy's design filled with example data."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from academy.academies.models import Academy
from academy.certificates import codes, contents, documents, rendering, serials
from academy.certificates.models import CertificateTemplate
from academy.db import utcnow


def specimen_pdf(academy: Academy, template: CertificateTemplate, locale: str,
                 base_url: str) -> bytes:
    """A PDF marked as a specimen, in `locale` (and the academy's language if bilingual)."""
    now = utcnow()
    second = contents.second_locale(academy, template, locale)
    titles = {}
    for code in filter(None, (locale, second)):
        with force_locale(code):
            # i18n: the course title on the sample certificate shown while editing the template.
            titles[code] = _("Dynamic security in prisons")
    code = codes.new_code()
    facts = documents.Facts(
        serial=serials.format_serial(now.year, 0), code=code,
        name="María José Gonçalves-Núñez d'Ávila", course_titles=titles, hours=40, grade=87.5,
        completed_at=now, issued_at=now, expires_at=None,
        academy_names=dict(academy.names or {}), logo_filename=academy.logo_filename,
        verify_url=contents.verify_url(base_url, code))
    values = documents.values(facts, template, locale, second, specimen=True)
    return rendering.render_pdf(documents.html(values), documents.stylesheet(template),
                                documents.file_roots())
