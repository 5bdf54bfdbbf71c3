"""The evaluation's query layer on SQLite and PostgreSQL against independent SQL: every
indicator with its values for all years in one small frame, and the scorecard built from it."""
import math

import pytest

from cities import load_profile
from data_sources.queries import indicators
from data_sources.rules import scorecard
from data_sources.rules.scorecard import HISTORY_COLUMNS
from tests.sql import rows

PROFILE = load_profile("kota_tangerang")


@pytest.fixture
def bound(city_any, query_context):
    server = query_context(city_any)
    with server.app_context():
        yield city_any


def test_history_holds_every_indicator_and_year(bound):
    history = indicators.history(PROFILE.code)
    expected = rows(bound, """SELECT i.code, v.year, v.value FROM indicators i
                              JOIN indicator_values v ON v.indicator_id = i.id WHERE i.city_code = :c""", c=PROFILE.code)
    assert list(history.columns) == HISTORY_COLUMNS
    assert len(history) == len(expected) == 45 * 9  # 2017 to 2025, one query
    got = {(c, int(y)): v for c, y, v in zip(history["code"], history["year"], history["value"])}
    assert got == {(c, y): v for c, y, v in expected}
    assert set(history["unit_en"]) >= {"index", "services"} and history["weight"].max() == 2
    assert indicators.years(PROFILE.code) == list(range(2017, 2026)) == scorecard.years(history)


def test_an_indicator_without_values_appears_once(writable_city_any, query_context):
    from sqlalchemy import create_engine, text

    engine = create_engine(writable_city_any)  # a private copy: this test deletes values
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM indicator_values WHERE indicator_id = "
                          "(SELECT id FROM indicators WHERE code = 'eco_qris' AND city_code = :c)"), {"c": PROFILE.code})
    engine.dispose()
    with query_context(writable_city_any).app_context():
        history = indicators.history(PROFILE.code)
    lone = history[history["code"] == "eco_qris"]
    assert len(lone) == 1 and math.isnan(lone["year"].iloc[0]) and math.isnan(lone["value"].iloc[0])
    card = scorecard.build(history, PROFILE, 2025)
    assert int(card.dimensions[["met", "close", "missed", "no_data"]].to_numpy().sum()) == 45
    assert card.indicators.set_index("code").loc["eco_qris", "status"] == "no_data"
