"""The audit log's hash chain: how an event's hash is computed, appended and verified."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

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
        "at": event.at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
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


@dataclass(frozen=True)
class Verdict:
    """What a check of the chain found: how many events were checked, and the first problem."""

    checked: int
    problem: str | None = None  # "altered", "removed" or "truncated"
    seq: int | None = None  # the event at fault (for "removed": the first number missing)

    @property
    def is_intact(self) -> bool:
        return self.problem is None


def verify(batch: int = 2000) -> Verdict:
    """Walk the log in order, recomputing every hash; stop at the first break."""
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
            prev, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
        if len(events) < batch:
            break
        last_id = events[-1].seq
        db.session.expunge_all()  # keep memory flat on a long log
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return Verdict(checked, "truncated", expected_seq)
    return Verdict(checked)
