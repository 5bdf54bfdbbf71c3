"""Turning a batch of raw records (parsed JSON objects, spreadsheet rows) into validated models
and ``Outcome``s: the first step of every store path, the same for each kind of record."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable

from pydantic import BaseModel, ValidationError

from data_sources.ingest.batch import Outcome, raw_text
from data_sources.ingest.records import error_reasons, json_type

MAX_BATCH = 5000  # records per request or file chunk


def validate(model: type[BaseModel], raws: Iterable, now, *, id_field: str = "external_id",
             id_aliases: tuple[str, ...] = (), key: Callable[[BaseModel], Hashable] | None = None,
             ) -> tuple[list[tuple[int, BaseModel, str]], list[Outcome]]:
    """Each raw record validated against ``model`` (with ``now`` in the context): the valid ones as
    (index, model, raw text), the others as rejected outcomes naming every bad field. A second
    record with the same ``key`` (default: its ``id_field``) in one batch is a duplicate (the
    first is kept)."""
    valid: list[tuple[int, BaseModel, str]] = []
    refused: list[Outcome] = []
    seen: set[str] = set()
    for index, raw in enumerate(raws):
        text = raw_text(raw)
        if not isinstance(raw, dict):
            refused.append(Outcome(index, None, "rejected", f"record {index + 1} is {json_type(raw)}, not an object",
                                   text))
            continue
        guess = next((raw.get(name) for name in (id_field, *id_aliases) if raw.get(name) not in (None, "")), None)
        guess = str(guess)[:128] if isinstance(guess, (str, int)) and not isinstance(guess, bool) else None
        try:
            record = model.model_validate(raw, context={"now": now})
        except ValidationError as exc:
            refused.append(Outcome(index, guess, "rejected", error_reasons(exc), text))
            continue
        same = key(record) if key else getattr(record, id_field, None)
        if same is not None:
            if same in seen:
                refused.append(Outcome(index, guess, "duplicate", f"{id_field} {guess!r}: the same record appears "
                                                                  "more than once in this batch; the first is kept", text))
                continue
            seen.add(same)
        valid.append((index, record, text))
    return valid, refused


def in_order(outcomes: list[Outcome]) -> list[Outcome]:
    return sorted(outcomes, key=lambda o: o.index)
