"""The audit log is tamper-evident: each entry carries the hash of the one before, and the check
(page and command) names the first entry altered or removed."""
from __future__ import annotations

import csv
import io
import re
import threading

import pytest
from sqlalchemy import delete, func, select, text, update

from academy.audit import chain
from academy.audit import operations as audit
from academy.audit.models import AuditChainHead, AuditEvent
from academy.extensions import db
from tests.support import (
    drop_fresh_database,
    fresh_database_url,
    is_postgres,
    make_app,
    post_form,
    upgrade_schema,
)


def _record(n: int, academy_id: int | None = None, action: str = "test.event"
            ) -> list[AuditEvent]:
    events = [audit.record(action, actor_id=None, target_type="thing", target_id=i,
                           academy_id=academy_id, details={"i": i, "name": "Ñandú"})
              for i in range(n)]
    db.session.commit()
    return events


def test_an_untouched_log_is_intact(app_ctx):
    events = _record(5)
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert events[1].prev_hash == events[0].hash
    verdict = chain.verify()
    assert verdict.is_intact and verdict.checked >= 5


def test_an_altered_entry_is_named(app_ctx):
    events = _record(4)
    target = events[2]
    db.session.execute(update(AuditEvent).where(AuditEvent.id == target.id)
                       .values(details={"i": 99, "name": "Ñandú"}))
    db.session.commit()
    verdict = chain.verify()
    assert (verdict.problem, verdict.seq) == ("altered", target.seq)


def test_an_entry_rewritten_with_a_fresh_hash_still_breaks_the_next_link(app_ctx):
    events = _record(4)
    forged = db.session.get(AuditEvent, events[1].id)
    forged.actor_id = None
    forged.address = "198.51.100.7"
    forged.hash = chain.event_hash(forged)  # the forger recomputes this entry's own hash
    db.session.commit()
    verdict = chain.verify()
    assert (verdict.problem, verdict.seq) == ("altered", events[2].seq)


def test_a_removed_entry_is_named(app_ctx):
    events = _record(4)
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[1].id))
    db.session.commit()
    assert (chain.verify().problem, chain.verify().seq) == ("removed", events[1].seq)


def test_removing_the_last_entries_is_noticed(app_ctx):
    events = _record(3)
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[-1].id))
    db.session.commit()
    verdict = chain.verify()
    assert (verdict.problem, verdict.seq) == ("truncated", events[-1].seq)


def test_the_command_says_intact_or_names_the_break(app, app_ctx):
    events = _record(3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[0].id)
                       .values(action="test.other"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"entry #{events[0].seq} was altered" in result.output


def _rewrite_from(event_id: int) -> None:
    """What someone with write access could do: change an entry, then re-hash it and every
    entry after it, head row included. The chain is consistent again."""
    forged = db.session.get(AuditEvent, event_id)
    forged.address = "198.51.100.7"
    prev = forged.prev_hash
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.seq >= forged.seq)
                                    .order_by(AuditEvent.seq)):
        event.prev_hash = prev
        event.hash = prev = chain.event_hash(event)
    db.session.get(AuditChainHead, chain.HEAD_ID).last_hash = prev
    db.session.commit()


def test_an_anchor_noted_earlier_exposes_a_rewritten_chain(app, app_ctx):
    events = _record(4)
    noted = chain.head_anchor()
    assert noted == chain.Anchor(events[-1].seq, events[-1].hash)
    assert chain.parse_anchor(f"#{noted.seq}:{noted.hash.upper()}") == noted
    assert chain.parse_anchor("12:abc") is None
    assert chain.verify(anchors=(noted,)).is_intact
    _rewrite_from(events[1].id)
    assert chain.verify().is_intact  # the hashes alone no longer tell
    verdict = chain.verify(anchors=(noted,))
    assert (verdict.problem, verdict.seq) == ("rewritten", noted.seq)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify", "--anchor", str(noted)])
    assert result.exit_code == 1 and f"entry #{noted.seq} is not the one anchored" in result.output
    assert runner.invoke(args=["audit", "verify", "--anchor", "nonsense"]).exit_code == 2


def test_an_anchor_past_the_end_means_entries_were_cut(app_ctx):
    events = _record(3)
    noted = chain.head_anchor()
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[-1].id))
    head = db.session.get(AuditChainHead, chain.HEAD_ID)
    head.last_seq, head.last_hash = events[-2].seq, events[-2].hash  # the head row too
    db.session.commit()
    assert chain.verify().is_intact
    assert chain.verify(anchors=(noted,)).problem == "truncated"


def test_the_check_page_prints_the_head_and_checks_an_anchor(client, login_as, site_admin):
    events = _record(2)
    login_as(site_admin)
    noted = chain.head_anchor()
    page = client.get("/audit/verify?lang=en").get_data(as_text=True)
    assert str(noted) in page
    page = client.get(f"/audit/verify?lang=en&anchor={noted}").get_data(as_text=True)
    assert f"Entry #{noted.seq} is still the one noted." in page
    page = client.get("/audit/verify?lang=en&anchor=12:xyz").get_data(as_text=True)
    assert 'id="anchor-error"' in page and "64" in page
    _rewrite_from(events[0].id)
    page = client.get(f"/audit/verify?lang=en&anchor={noted}").get_data(as_text=True)
    assert "the chain was rewritten from that entry on" in page


def test_the_site_admin_checks_the_chain_in_the_browser(client, login_as, site_admin):
    _record(2)
    login_as(site_admin)
    page = client.get("/audit/verify?lang=en").get_data(as_text=True)
    assert "The log is intact" in page


def test_academy_admins_read_only_their_academys_entries(client, login_as, academy,
                                                        other_academy, academy_admin):
    _record(2, academy_id=academy.id, action="certificate.issue")
    _record(3, academy_id=other_academy.id, action="certificate.issue")
    login_as(academy_admin)
    page = client.get("/audit?action=certificate.issue&lang=en").get_data(as_text=True)
    assert "2 entries" in page
    # Asking for the other academy by its id in the URL gives nothing of it.
    other = client.get(f"/audit?academy={other_academy.id}&lang=en").get_data(as_text=True)
    own = client.get("/audit?lang=en").get_data(as_text=True)
    count = re.compile(r"<p>(\d+) entr")
    assert "Not a valid choice" in other
    assert count.search(other).group(1) == count.search(own).group(1)  # only their own
    exported = post_form(client, "/audit.csv", {"academy": other_academy.id},
                         token_from="/audit")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row[5] for row in rows[1:]} <= {academy.slug, ""}
    assert all(row[4] != "certificate.issue" or row[5] == academy.slug for row in rows[1:])
    assert sum(1 for row in rows[1:] if row[4] == "certificate.issue") == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "export.audit")) == 1


def test_the_site_admin_filters_by_actor_action_academy_and_date(client, login_as, site_admin,
                                                                 academy):
    _record(2, academy_id=academy.id)
    audit.record("certificate.revoke", actor_id=site_admin.id, target_type="certificate",
                 target_id=1, academy_id=academy.id, details={"reason": "x"})
    db.session.commit()
    login_as(site_admin)
    assert "1 entry" in client.get(f"/audit?action=certificate.revoke&actor={site_admin.username}"
                                   "&lang=en").get_data(as_text=True)
    for query in ("lang=en", "action=test.event", f"academy={academy.id}", "since=2000-01-01",
                  "until=2999-12-31", "actor=nobody", "since=not-a-date", "page=999999999999"):
        assert client.get(f"/audit?{query}").status_code == 200, query
    assert "0 entries" in client.get("/audit?actor=nobody&lang=en").get_data(as_text=True)
    assert "1 entry" in client.get(f"/audit?academy={academy.id}&since=2000-01-01&lang=en"
                                   "&action=certificate.revoke").get_data(as_text=True)
    assert "0 entries" in client.get("/audit?until=2000-01-01&lang=en").get_data(as_text=True)


@pytest.mark.no_transaction
def test_concurrent_writers_keep_one_unbroken_chain(tmp_path):
    if not is_postgres():
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    url = fresh_database_url(tmp_path)
    apps = [make_app(url, tmp_path) for _ in range(6)]
    upgrade_schema(apps[0])
    barrier = threading.Barrier(len(apps))

    def write(index: int) -> None:
        with apps[index].test_request_context():
            barrier.wait()
            for i in range(20):
                audit.record("test.race", actor_id=None, target_type="thing", target_id=i)
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(apps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with apps[0].app_context():
            verdict = chain.verify()
            assert verdict.is_intact and verdict.checked == 120
            head = db.session.get(AuditChainHead, chain.HEAD_ID)
            assert head.last_seq == 120
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()
        drop_fresh_database(url)


@pytest.mark.no_transaction
def test_events_recorded_before_the_chain_are_chained_by_the_migration(tmp_path):
    from flask_migrate import upgrade

    url = fresh_database_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0007")
            for i in range(3):
                db.session.execute(text(
                    "INSERT INTO audit_events (at, action, target_type, target_id, details) "
                    "VALUES (:at, 'certificate.issue', 'certificate', :i, :details)"),
                    {"at": f"2026-11-0{i + 1:d} 10:00:00.123456+00:00", "i": i,
                     "details": f'{{"serial": "PAN-2026-00000{i:d}"}}'})
            db.session.commit()
            upgrade()
            verdict = chain.verify()
            assert verdict.is_intact and verdict.checked == 3
            audit.record("test.after", actor_id=None, target_type="thing", target_id=None)
            db.session.commit()
            assert chain.verify().checked == 4
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_fresh_database(url)
