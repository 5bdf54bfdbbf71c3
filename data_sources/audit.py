"""The audit log: who did what, when and from where (sign-ins, failed sign-ins, exports, views of
unmasked personal data, admin changes), for the admins to read and filter."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, insert, select

from data_sources.frames import to_frame
from data_sources.models import AuditEntry

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "wall_sign_in", "export", "unmasked_view", "admin_change",
           "refused")
COLUMNS = ["at", "actor", "role", "action", "detail", "address"]


def record(conn: Connection, at: datetime, actor: str, role: str | None, action: str, detail: str | None = None,
           address: str | None = None) -> None:
    conn.execute(insert(AuditEntry).values(at=at, actor=actor[:120], role=role, action=action,
                                           detail=(detail or None) and detail[:2000], address=(address or "")[:64] or None))


def entries(conn: Connection, *, actor: str | None = None, action: str | None = None, limit: int = 500) -> pd.DataFrame:
    """The newest entries first, filtered by who (a part of the name) and by action."""
    stmt = select(*(getattr(AuditEntry, c) for c in COLUMNS)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        stmt = stmt.where(AuditEntry.actor.contains(actor[:120], autoescape=True))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return to_frame(conn.execute(stmt.limit(limit)), columns=COLUMNS)
