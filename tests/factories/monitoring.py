"""/metrics read as numbers."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    """/metrics as {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}
