"""Every page in English shows no Indonesian-only string, and in Indonesian no English-only one:
the lists are the translation table's two columns and the city profile's two-language fields
(agencies, categories, KPIs, indicators, sub-dimensions, units, sources), each string only
where its two forms differ."""
from __future__ import annotations

import re

import pytest

from cities import load_profile
from components.i18n import CATALOGUE
from tests.browser import wait_for_page
from tests.helpers import FIXED_NOW

PAGES = ["/", "/complaints", "/cctv", "/wifi", "/services", "/evaluation", "/briefing", "/sources", "/upload",
         "/evidence", "/admin"]
MIN_LENGTH = 8  # shorter fragments ("Mati", "Menu") are too likely to be part of a name or a word of both


def _fragments(text: str) -> list[str]:
    """The literal parts of a catalogue text (around its {placeholders}), long enough to be telling."""
    return [part.strip(" :·,.()") for part in re.split(r"\{[^}]*\}", text) if len(part.strip(" :·,.()")) >= MIN_LENGTH]


def _pairs() -> list[tuple[str, str]]:
    """(Indonesian, English) forms that differ: the catalogue's, then the profile's."""
    pairs = [(entry["id"], entry["en"]) for entry in CATALOGUE.values() if entry.get("en") and entry["id"] != entry["en"]]
    profile = load_profile("kota_tangerang")
    pairs += [(a.name, a.name_en) for a in profile.agencies]
    pairs += [(s.name, s.name_en) for s in profile.sources]
    pairs += [(c.name_id, c.name_en) for c in profile.complaint_categories]
    pairs += [(k.name_id, k.name_en) for k in [*profile.kpis, *profile.indicators]]
    pairs += [(s.name_id, s.name_en) for s in profile.sub_dimensions.values()]
    return pairs


def _only_in(lang: str) -> set[str]:
    """Fragments of one language's forms that the other language's forms do not contain."""
    pairs = _pairs()
    mine = [p[0] if lang == "id" else p[1] for p in pairs]
    theirs = " \n".join(p[1] if lang == "id" else p[0] for p in pairs)
    return {fragment for text in mine for fragment in _fragments(text) if fragment not in theirs}


# The page's visible text, leaving out what is marked data-translate="no" (text that is not in
# the page's language by design: proper names of applications, codes and keys, records as
# their source sent them, the audit log's technical details; Dash has no ``translate`` attribute).
TEXT_JS = """
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
while (walker.nextNode()) {
  const node = walker.currentNode, parent = node.parentElement;
  if (!parent || parent.closest('[data-translate="no"], script, style') || !parent.getClientRects().length) { continue; }
  parts.push(node.textContent);
}
return parts.join(' \\n ');
"""


@pytest.mark.parametrize("lang", ["en", "id"])
def test_every_page_speaks_one_language(live_app, lang):
    dash_duo = live_app(frozen_now=FIXED_NOW)
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + f"/set-language/{lang}")
    foreign = _only_in("id" if lang == "en" else "en")  # the other language's own strings
    found = {}
    for path in PAGES:
        driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(".page", timeout=20)
        wait_for_page(driver)
        driver.implicitly_wait(0)
        text = driver.execute_script(TEXT_JS)
        hits = sorted(fragment for fragment in foreign if fragment in text)
        if hits:
            found[path] = hits[:8]
    assert not found, found
