"""/metrics under a real server with several worker processes: whichever worker answers the
scrape, it reports what every worker counted (prometheus-client's multiprocess mode)."""
from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from academy.extensions import db
from tests.factories.servers import Server
from tests.support import drop_fresh_database, fresh_database_url, make_app, upgrade_schema

pytestmark = pytest.mark.no_transaction
PROBES = 16


@pytest.fixture
def database(tmp_path):
    url = fresh_database_url(tmp_path)
    yield url
    drop_fresh_database(url)


def _live_requests(server: Server) -> float:
    with urllib.request.urlopen(f"{server.base}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(sample.value
               for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "campus_http_requests_total"
               and sample.labels.get("endpoint") == "monitoring.live")


def test_every_scrape_adds_up_what_every_worker_counted(database, tmp_path):
    app = make_app(database, tmp_path)
    upgrade_schema(app)
    with app.app_context():
        db.engine.dispose()  # the server has its own connections
    folder = tmp_path / "prometheus"
    folder.mkdir()
    server = Server(database, tmp_path, app.config["SECRET_KEY"])
    server.env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    server.start()  # two workers or more (one per core, at least two)
    try:
        for _ in range(PROBES):  # a new connection each: the workers share them out
            urllib.request.urlopen(f"{server.base}/health/live", timeout=10).close()
        scrapes = [_live_requests(server) for _ in range(6)]
    finally:
        server.kill()
    assert scrapes == [PROBES] * 6
    assert len(list(folder.glob("counter_*.db"))) >= 2  # the master's and a worker's at least
