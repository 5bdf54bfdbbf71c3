"""The evaluation's evidence store: documents and links that back the smart-city evaluation, per
section of the evaluators' outline (``queries.evidence.SECTIONS``) and optionally per indicator.

An item is a link (``http``/``https`` only) or a file the app keeps: PDF, PNG or JPEG, recognised
by its content (its first bytes, and for images Pillow reading them), not by its name; at most
``settings.evidence_max_bytes``; written under ``settings.evidence_dir`` with a random name, so
nothing the uploader chose (a name with ``../`` in it, say) ever becomes part of a path. The
uploaded name is kept only to offer the file back under it.

What a kind adds is validated and kept as JSON in ``details``:

- ``budget``: ``amount`` (rupiah, required) and ``realised`` (optional); the year is required;
- ``award``: ``giver`` (required) and ``category``; the year is required;
- ``assessment`` (BSSN's Indeks KAMI): ``scores`` per area (``KAMI_AREAS``), the ``maturity``
  level (``MATURITY_LEVELS``), ``assessed_on`` (a date, required), ``assessor``, ``category``
  (the electronic system's category) and ``total``;
- ``regulation``: ``number`` (e.g. "Perwal No. 31 Tahun 2019").

Every change is written to the audit log in the change's own transaction (action
``admin_change``). A problem raises ``EvidenceError`` carrying a text key of
``components/texts/evidence.py`` and its values, so pages say it in the reader's language.
"""
from __future__ import annotations

import io
import json
import math
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, insert, select

from data_sources import audit
from data_sources.models import EvidenceItem
from data_sources.queries.evidence import KINDS, SECTIONS

# what a stored file may be: its type -> the extensions its name may have (the first is used on disk)
FILE_TYPES = {"application/pdf": (".pdf",), "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
# BSSN's Indeks KAMI: the areas scored (information-security index of a government body) ...
KAMI_AREAS = ("governance", "risk", "framework", "assets", "technology", "data_protection", "third_party")
# ... and the maturity levels, lowest first
MATURITY_LEVELS = ("I", "I+", "II", "II+", "III", "III+", "IV", "IV+", "V")
KINDS_WITH_YEAR = ("budget", "award")
MAX_TITLE = 300
MAX_URL = 500
MAX_NAME = 200


class EvidenceError(ValueError):
    """What is wrong with an item, as a text key (``components/texts/evidence.py``) and its values."""

    def __init__(self, key: str, **values) -> None:
        super().__init__(key if not values else f"{key} {values}")
        self.key, self.values = key, values


@dataclass
class Evidence:
    """An item as given (before it is checked): where it belongs, what it is, what it says."""

    city_code: str
    section: str
    kind: str
    title_id: str
    title_en: str | None = None
    indicator_code: str | None = None
    year: int | None = None
    url: str | None = None
    details: dict = field(default_factory=dict)
    demo: bool = False


# --- checks ---------------------------------------------------------------------------------------


def check_url(url: str | None) -> str:
    """``url`` stripped, if it is an absolute http(s) address with a host; else ``EvidenceError``."""
    text = str(url or "").strip()
    if not text:
        raise EvidenceError("evidence.error.url_missing")
    parts = urlsplit(text)
    if len(text) > MAX_URL or parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or any(c.isspace() or ord(c) < 32 for c in text):
        raise EvidenceError("evidence.error.url", url=text[:80])
    return text


def _number(value, key: str) -> float:
    if isinstance(value, bool):
        raise EvidenceError(key)
    try:
        number = float(str(value).strip().replace(" ", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise EvidenceError(key) from None
    if not math.isfinite(number) or number < 0:
        raise EvidenceError(key)
    return number


def _text(value, limit: int = MAX_NAME) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:limit] or None


def check_details(kind: str, details: dict | None, year: int | None) -> dict:
    """What ``kind`` adds, checked and tidied; raises ``EvidenceError``."""
    given = details if isinstance(details, dict) else {}
    if kind in KINDS_WITH_YEAR and year is None:
        raise EvidenceError("evidence.error.year_needed")
    if kind == "budget":
        out = {"amount": _number(given.get("amount"), "evidence.error.amount")}
        if given.get("realised") not in (None, ""):
            out["realised"] = _number(given["realised"], "evidence.error.amount")
        return out
    if kind == "award":
        giver = _text(given.get("giver"))
        if not giver:
            raise EvidenceError("evidence.error.giver")
        return {"giver": giver} | ({"category": c} if (c := _text(given.get("category"))) else {})
    if kind == "assessment":
        scores = given.get("scores") if isinstance(given.get("scores"), dict) else {}
        checked = {area: _number(scores[area], "evidence.error.score") for area in KAMI_AREAS
                   if scores.get(area) not in (None, "")}
        unknown = sorted(set(scores) - set(KAMI_AREAS))
        if unknown or not checked:
            raise EvidenceError("evidence.error.scores")
        if given.get("maturity") not in MATURITY_LEVELS:
            raise EvidenceError("evidence.error.maturity")
        try:
            assessed = date.fromisoformat(str(given.get("assessed_on") or "")[:10])
        except ValueError:
            raise EvidenceError("evidence.error.assessed_on") from None
        out = {"scores": checked, "maturity": given["maturity"], "assessed_on": assessed.isoformat(),
               "assessor": _text(given.get("assessor")) or "BSSN"}
        if _text(given.get("category")):
            out["category"] = _text(given.get("category"))
        out["total"] = _number(given["total"], "evidence.error.score") if given.get("total") not in (None, "") \
            else sum(checked.values())
        return out
    if kind == "regulation":
        return {"number": n} if (n := _text(given.get("number"))) else {}
    return {}


def check_item(item: Evidence, indicator_codes: set[str] | None = None) -> Evidence:
    """``item`` checked and tidied (a new object); raises ``EvidenceError``."""
    if item.section not in SECTIONS:
        raise EvidenceError("evidence.error.section")
    if item.kind not in KINDS:
        raise EvidenceError("evidence.error.kind")
    indicator = (item.indicator_code or "").strip() or None
    if indicator is not None and indicator_codes is not None and indicator not in indicator_codes:
        raise EvidenceError("evidence.error.indicator", code=indicator[:64])
    title_id = _text(item.title_id, MAX_TITLE)
    if not title_id or len(title_id) < 3:
        raise EvidenceError("evidence.error.title")
    year = item.year
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2100):
        raise EvidenceError("evidence.error.year")
    url = check_url(item.url) if item.url not in (None, "") else None
    return Evidence(item.city_code, item.section, item.kind, title_id, _text(item.title_en, MAX_TITLE) or title_id,
                    indicator, year, url, check_details(item.kind, item.details, year), bool(item.demo))


def file_type(content: bytes) -> str | None:
    """The type of ``content`` from its first bytes (and, for images, Pillow reading them): one of
    ``FILE_TYPES`` or None."""
    if content.startswith(b"%PDF-"):
        return "application/pdf" if b"%%EOF" in content[-2048:] else None  # a PDF ends with %%EOF (not cut off)
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        expected = "PNG"
    elif content.startswith(b"\xff\xd8\xff"):
        expected = "JPEG"
    else:
        return None
    try:
        from PIL import Image  # fpdf2's dependency, so always installed with the app

        with Image.open(io.BytesIO(content)) as image:
            found = image.format
            image.verify()
    except Exception:  # noqa: BLE001 - whatever Pillow cannot read is not an image we keep
        return None
    return {"PNG": "image/png", "JPEG": "image/jpeg"}[expected] if found == expected else None


def safe_name(name: str | None) -> str:
    """The uploaded file's name without any path, control characters or odd spacing (at most
    ``MAX_NAME`` characters, its extension kept); "file" when nothing is left."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", str(name or "")))[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    base = " ".join(base.split()).strip(" .") or "file"
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > MAX_NAME:
        return stem[:MAX_NAME - len(ext) - 1] + "." + ext[:20]
    return base[:MAX_NAME]


def check_file(name: str | None, content: bytes, max_bytes: int) -> tuple[str, str]:
    """(the type, the safe name) of an uploaded file; raises ``EvidenceError`` for an empty or
    oversized file, a name whose extension is not PDF/PNG/JPEG, or content that is not what
    the name says (a text file renamed .pdf)."""
    shown = safe_name(name)
    if not content:
        raise EvidenceError("evidence.error.empty", name=shown)
    if len(content) > max_bytes:
        raise EvidenceError("evidence.error.too_big", name=shown, size=len(content), limit=max_bytes)  # bytes
    extension = os.path.splitext(shown)[1].lower()
    if not any(extension in extensions for extensions in FILE_TYPES.values()):
        raise EvidenceError("evidence.error.type", name=shown)
    found = file_type(content)
    if found is None or extension not in FILE_TYPES[found]:
        raise EvidenceError("evidence.error.content", name=shown)
    return found, shown


# --- storing ----------------------------------------------------------------------------------------


def stored_path(directory: Path | str, stored_name: str) -> Path:
    """Where a stored file lives; ``stored_name`` comes from the database (made by ``_new_name``),
    and anything else is refused, so no path from a request can reach the disk."""
    if not re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg)", stored_name or ""):
        raise EvidenceError("evidence.error.not_found")
    return Path(directory) / stored_name


def _new_name(mime: str) -> str:
    return secrets.token_hex(16) + FILE_TYPES[mime][0]


def _record(conn: Connection, item: Evidence, *, actor: str, now: datetime, role: str | None, address: str | None,
            file: dict | None = None) -> int:
    values = dict(city_code=item.city_code, section=item.section, indicator_code=item.indicator_code, kind=item.kind,
                  title_id=item.title_id, title_en=item.title_en, year=item.year, url=item.url,
                  details=json.dumps(item.details, ensure_ascii=False) if item.details else None, demo=item.demo,
                  added_by=actor[:120], added_at=now, **(file or {}))
    item_id = conn.execute(insert(EvidenceItem).values(**values).returning(EvidenceItem.id)).scalar_one()
    what = f"file {file['file_name']!r} ({file['size_bytes']} bytes)" if file else f"link {item.url}"
    audit.record(conn, now, actor, role, "admin_change",
                 f"evidence {item_id} added: {item.section}/{item.kind} {what}: {item.title_id}", address)
    return item_id


def add_link(conn: Connection, item: Evidence, *, actor: str, now: datetime, role: str | None = None,
             address: str | None = None, indicator_codes: set[str] | None = None) -> int:
    """Store a link (the item's ``url``); returns its id. Raises ``EvidenceError``."""
    checked = check_item(item, indicator_codes)
    if checked.url is None:
        raise EvidenceError("evidence.error.url_missing")
    return _record(conn, checked, actor=actor, now=now, role=role, address=address)


def add_file(conn: Connection, item: Evidence, name: str | None, content: bytes, *, directory: Path | str,
             max_bytes: int, actor: str, now: datetime, role: str | None = None, address: str | None = None,
             indicator_codes: set[str] | None = None) -> int:
    """Store a file under ``directory`` (a random name) and its item; returns the item's id.

    The file is written before the row; if the row cannot be written the file is removed again,
    so the caller's transaction failing leaves nothing behind but what ``remove_orphans`` finds.
    Raises ``EvidenceError``."""
    checked = check_item(item, indicator_codes)
    mime, shown = check_file(name, content, max_bytes)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stored = _new_name(mime)
    target = stored_path(folder, stored)
    temporary = folder / f".{stored}.part"
    with open(temporary, "xb") as out:
        out.write(content)
    os.chmod(temporary, 0o640)
    os.replace(temporary, target)
    try:
        return _record(conn, checked, actor=actor, now=now, role=role, address=address,
                       file={"file_name": shown, "stored_name": stored, "mime_type": mime, "size_bytes": len(content)})
    except Exception:
        target.unlink(missing_ok=True)
        raise


def delete_item(conn: Connection, city_code: str, item_id: int, *, directory: Path | str, actor: str, now: datetime,
                role: str | None = None, address: str | None = None) -> bool:
    """Delete an item of ``city_code`` and its file; False when there is no such item. The file is
    removed once the row is gone (in this transaction; a file whose row stays is never orphaned)."""
    row = conn.execute(select(EvidenceItem.stored_name, EvidenceItem.title_id, EvidenceItem.section)
                       .where(EvidenceItem.id == item_id, EvidenceItem.city_code == city_code)).first()
    if row is None:
        return False
    conn.execute(delete(EvidenceItem).where(EvidenceItem.id == item_id))
    audit.record(conn, now, actor, role, "admin_change",
                 f"evidence {item_id} deleted: {row.section} {row.title_id}" + (" (and its file)" if row.stored_name
                                                                                else ""), address)
    if row.stored_name:
        try:
            stored_path(directory, row.stored_name).unlink(missing_ok=True)
        except (OSError, EvidenceError):
            pass  # the row is gone; a file left behind is found by remove_orphans
    return True


def file_of(conn: Connection, city_code: str, item_id: int) -> dict | None:
    """The stored file of an item: {path name, mime_type, file_name, size_bytes}; None when the
    item does not exist (in this city) or has no file."""
    row = conn.execute(select(EvidenceItem.stored_name, EvidenceItem.mime_type, EvidenceItem.file_name,
                              EvidenceItem.size_bytes)
                       .where(EvidenceItem.id == item_id, EvidenceItem.city_code == city_code)).first()
    if row is None or not row.stored_name or row.mime_type not in FILE_TYPES:
        return None
    return {"stored_name": row.stored_name, "mime_type": row.mime_type, "file_name": row.file_name or "file",
            "size_bytes": row.size_bytes}


def remove_orphans(conn: Connection, directory: Path | str) -> int:
    """Delete stored files no item points at (left by a transaction that failed after writing
    its file); returns how many."""
    folder = Path(directory)
    if not folder.is_dir():
        return 0
    known = set(conn.execute(select(EvidenceItem.stored_name).where(EvidenceItem.stored_name.is_not(None))).scalars())
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg)", path.name) and path.name not in known:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
