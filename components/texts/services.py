"""Texts of the services area (see components/texts/__init__.py)."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
}
