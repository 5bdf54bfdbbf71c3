"""Who may see what, and do what: the roles, the pages each may open, and what each may do.
Checked on the server (page layouts, every callback, every endpoint); a link hidden in the
menu is only a convenience.

| role | sees | may |
|---|---|---|
| admin | every page, personal data | everything: users, wall screens, source keys, uploads, corrections, exports |
| operator | every page but the admin's, personal data | uploads, corrections, exports |
| leadership | every page but the admin's and the data steward's tools, masked | exports |
| evaluator | overview, services, evaluation, briefing; never personal data | briefing exports |
| wall | the kiosk pages its screen was given, masked | nothing; its device login does not expire |
"""
from __future__ import annotations

ROLES = ("admin", "operator", "leadership", "evaluator", "wall")
PEOPLE_ROLES = ROLES[:4]  # the roles a person's account can have; "wall" is a screen's

_EVERYONE = frozenset(ROLES)
_STAFF = frozenset({"admin", "operator", "leadership"})
PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": _EVERYONE,
    "complaints": _STAFF | {"wall"},
    "cctv": _STAFF | {"wall"},
    "wifi": _STAFF | {"wall"},
    "services": _EVERYONE,
    "evaluation": _STAFF | {"evaluator", "wall"},
    "briefing": _STAFF | {"evaluator", "wall"},
    "sources": frozenset({"admin", "operator", "leadership"}),
    "upload": frozenset({"admin", "operator"}),
    "evidence": frozenset({"admin", "operator"}),  # adding the evaluation's documents and links
    "admin": frozenset({"admin"}),
    "not_found_404": _EVERYONE,
}
WALL_PAGES = ("overview", "complaints", "cctv", "wifi", "services", "evaluation", "briefing")  # a screen may be given

PERMISSIONS: dict[str, frozenset[str]] = {
    "personal_data": frozenset({"admin", "operator"}),  # complaint texts, addresses and reporters unmasked
    "upload": frozenset({"admin", "operator"}),
    "correct_records": frozenset({"admin", "operator"}),  # refused records corrected and sent again
    "export": frozenset({"admin", "operator", "leadership"}),  # CSV and Excel of the complaint tables
    "briefing_export": frozenset({"admin", "operator", "leadership", "evaluator"}),  # the PDF and PNGs
    "read_api": frozenset({"admin", "operator", "leadership", "evaluator"}),  # the JSON endpoints
    "evidence": frozenset({"admin", "operator", "leadership", "evaluator"}),  # opening the evaluation's documents
    "kpi_template": frozenset({"admin", "operator"}),  # the agencies' KPI spreadsheet templates
    "admin": frozenset({"admin"}),
}


def may_see_page(role: str | None, slug: str, wall_pages: tuple[str, ...] = ()) -> bool:
    """Whether ``role`` may open the page ``slug`` (a wall screen only the pages it was given)."""
    if role is None or role not in PAGE_ROLES.get(slug, frozenset()):
        return False
    return role != "wall" or slug in wall_pages or slug == "not_found_404"


def may(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS[permission]
