"""Changes to an academy's people that go beyond one account: the CSV import. Never commits."""
from __future__ import annotations

from academy.accounts import operations as account_ops
from academy.audit import operations as audit
from academy.domain_errors import DomainError
from academy.i18n import lazy_gettext as _l
from academy.people.importing import ImportPreview, read_people_csv


class ImportRejected(DomainError):
    """The file has problems; nothing was imported."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(_l("The file has problems; nobody was imported."), "csv_file")
        self.preview = preview


def import_people(academy, data: bytes, *, actor_id: int | None = None) -> list[tuple[object, str]]:
    """Create every person of the CSV, or nobody (audited: the import, and each creation).
    Returns (user, one-time password) pairs.

    Raises ImportRejected with the full preview when any row or the file itself is wrong.
    """
    preview = read_people_csv(data, academy)
    if not preview.is_valid:
        raise ImportRejected(preview)
    created = []
    for row in preview.rows:
        user, one_time = account_ops.create_user(
            username=row.username,
            display_name=row.display_name,
            email=row.email,
            staff_number=row.staff_number,
            academy=academy,
            locale=row.locale,
            roles=[row.role],
            actor_id=actor_id,
        )
        created.append((user, one_time))
    audit.record("people.import", actor_id=actor_id, target_type="academy", target_id=academy.id,
                 academy_id=academy.id, details={"rows": len(created)})
    return created
