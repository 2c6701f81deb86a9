"""The audit log's hash chain: how an event's hash is computed, appended and verified."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select, update

from academy.audit.models import AuditChainHead, AuditEvent
from academy.extensions import db

GENESIS = "0" * 64
HEAD_ID = 1


def canonical(details: dict | None) -> dict:
    """Details as they will read back from the JSON column (so the hash can be recomputed)."""
    return json.loads(json.dumps(details or {}, sort_keys=True, default=str))


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's number, the previous hash and everything the event says."""
    content = {
        "seq": event.seq, "prev": event.prev_hash,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id, "academy_id": event.academy_id, "action": event.action,
        "target_type": event.target_type, "target_id": event.target_id,
        "address": event.address, "details": event.details,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link(event: AuditEvent) -> None:
    """Give a new event its place in the chain (takes the head row's lock until commit)."""
    seq, prev = db.session.execute(
        update(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + 1)
        .returning(AuditChainHead.last_seq, AuditChainHead.last_hash)).one()
    event.seq, event.prev_hash = seq, prev
    event.hash = event_hash(event)
    db.session.execute(update(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
                       .values(last_hash=event.hash))


ANCHOR = re.compile(r"^#?(\d{1,18}):([0-9a-f]{64})$")


@dataclass(frozen=True)
class Anchor:
    """An entry's number and hash, noted outside the database (printed, mailed, kept by
    another system). A chain rewritten from an earlier entry on, head row included, no
    longer holds it."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse_anchor(text: str) -> Anchor | None:
    """'123:<64 hex digits>' (a leading # is allowed); None when it is not one."""
    found = ANCHOR.match(text.strip().lower())
    return Anchor(int(found.group(1)), found.group(2)) if found else None


def head_anchor() -> Anchor | None:
    """The chain's last entry, to note elsewhere; None while the log is empty."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    return Anchor(head.last_seq, head.last_hash) if head is not None and head.last_seq else None


@dataclass(frozen=True)
class Verdict:
    """What a check of the chain found: how many events were checked, and the first problem."""

    checked: int
    problem: str | None = None  # "altered", "removed", "truncated" or "rewritten"
    seq: int | None = None  # the event at fault (for "removed": the first number missing)

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def verify(batch: int = 2000, anchors: tuple[Anchor, ...] = ()) -> Verdict:
    """Walk the log in order, recomputing every hash; stop at the first break. Each anchor
    given must still be in the chain: same number, same hash."""
    expected = {anchor.seq: anchor.hash for anchor in anchors}
    expected_seq, prev, checked = 1, GENESIS, 0
    last_id = 0
    while True:
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.seq > last_id)
                                         .order_by(AuditEvent.seq).limit(batch)))
        for event in events:
            if event.seq != expected_seq:
                return Verdict(checked, "removed", expected_seq)
            if event.prev_hash != prev or event_hash(event) != event.hash:
                return Verdict(checked, "altered", event.seq)
            if expected.get(event.seq, event.hash) != event.hash:
                return Verdict(checked, "rewritten", event.seq)
            prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if len(events) < batch:
            break
        last_id = events[-1].seq
        db.session.expunge_all()  # keep memory flat on a long log
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return Verdict(checked, "truncated", expected_seq)
    beyond = [seq for seq in expected if seq >= expected_seq]
    if beyond:
        return Verdict(checked, "truncated", min(beyond))
    return Verdict(checked)
