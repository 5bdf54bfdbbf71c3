"""Masking of personal data in free text and raw records shown to people who may not see it.

Covers Indonesian mobile and landline numbers, e-mail addresses, 16-digit NIK and the
usual personal keys of raw JSON records. Names inside free text need context and are
handled where complaint texts are shown.
"""
from __future__ import annotations

import json
import re

PERSONAL_KEYS = {"name", "nama", "first_name", "last_name", "phone", "telepon", "hp", "email", "e_mail", "nik",
                 "reporter_name", "reporter_phone", "reporter_email", "reporter_nik", "address_string"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
_PHONE = re.compile(r"(?<![\w])(?:\+62|62|0)[\s.-]?8?\d{1,3}(?:[\s.-]?\d{2,4}){2,4}(?!\d)")
MASK = "[disamarkan]"


def mask_text(text: str) -> str:
    """Replace e-mail addresses, NIK and phone numbers in ``text``."""
    text = _EMAIL.sub(MASK, text)
    text = _NIK.sub(MASK, text)
    return _PHONE.sub(MASK, text)


def mask_record(raw: str) -> str:
    """A raw record (JSON or text) with personal keys' values and personal patterns masked."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return mask_text(str(raw))

    def walk(value, key=None):
        if key is not None and key.lower() in PERSONAL_KEYS and value not in (None, ""):
            return MASK
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return mask_text(value) if isinstance(value, str) else value

    return json.dumps(walk(data), ensure_ascii=False)
