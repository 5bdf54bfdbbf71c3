"""A fuzz run of the ingest API generated from the OpenAPI document it serves (schemathesis):
valid and invalid records of every kind, with the right source's key, in a bounded number of
examples; no answer may be a server error or carry a traceback."""
from __future__ import annotations

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings

from app import create_app
from data_sources.db import database
from data_sources.ingest.feeds import KINDS
from data_sources.ingest.keys import ensure_source, make_key
from tests.helpers import FIXED_NOW, test_settings

SOURCES = {"complaints": "complaints", "devices": "cctv_nvr", "kpis": "kpi_sheet"}  # feed -> the test city's source


@pytest.fixture
def keyed_app(writable_city):
    app = create_app(test_settings(writable_city, frozen_now=FIXED_NOW))
    with app.server.app_context(), database.engine.begin() as conn:
        keys = {source: make_key(conn, ensure_source(conn, "36.71", source, feed)[0], "fuzz", FIXED_NOW)
                for feed, source in SOURCES.items()}
    return app, keys


def _operations(app, key: str):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app.server,
                                            headers={"Authorization": f"Bearer {key}"})  # the document is not public
    return [result.ok() for result in schema.get_all_operations()]


def test_no_generated_request_is_a_server_error(keyed_app):
    """Every operation of the served document, 40 generated requests that fit its schema and 40
    that do not (schemathesis's pytest plugin does not run on this pytest, so its strategies are
    driven by hypothesis here)."""
    app, keys = keyed_app
    operations = _operations(app, keys[SOURCES["complaints"]])
    assert len(operations) == len(KINDS)
    answers = []
    for operation, mode in [(o, m) for o in operations for m in GenerationMode]:  # records that fit, and that do not
        kind = KINDS[operation.path.rsplit("/", 1)[-1]]
        source = SOURCES[kind.feed]

        @given(case=operation.as_strategy(mode, path_parameters={"source": source}))
        @settings(max_examples=40, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={"Authorization": f"Bearer {keys[source]}"})
            answers.append(response.status_code)
            assert response.status_code < 500, (operation.path, response.text[:500])
            assert "Traceback" not in response.text
            if response.status_code == 200:
                body = response.json()
                assert body["received"] == len(body["results"]) == sum(
                    body[r] for r in ("created", "updated", "unchanged", "rejected", "duplicate"))

        check()
    assert len(answers) >= 400 and answers.count(200) >= 100  # the examples reached the stores