"""The ingest API's OpenAPI 3.1 document, built from the pydantic models that validate the
records (``data_sources.ingest.schemas``, ``feeds.KINDS``): nothing here is a copy of a field
list, so the document cannot drift from what the API accepts."""
from __future__ import annotations

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from data_sources.ingest.feeds import KINDS
from data_sources.ingest.schemas import BatchResult, Problem
from data_sources.ingest.validation import MAX_BATCH
from version import __version__

REF = "#/components/schemas/{model}"
ERRORS = {"400": "unreadable JSON or the wrong shape", "401": "no valid key", "403": "a key of another source or feed",
          "413": "the body or the batch is too large", "415": "not JSON", "503": "the database cannot be reached"}


def _schemas(models: list[type[BaseModel]]) -> dict:
    _, top = models_json_schema([(model, "validation") for model in models], ref_template=REF)
    return top.get("$defs", {})


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(kind) -> dict:
    one = _ref(kind.model)
    body = {"oneOf": [one, {"type": "array", "items": one, "maxItems": MAX_BATCH},
                      {"type": "object", "required": ["records"],
                       "properties": {"records": {"type": "array", "items": one, "maxItems": MAX_BATCH}}}]}
    responses = {"200": {"description": "one result per record", "content": {"application/json": {
        "schema": _ref(BatchResult)}}}}
    responses |= {code: {"description": text, "content": {"application/json": {"schema": _ref(Problem)}}}
                  for code, text in ERRORS.items()}
    return {"post": {
        "operationId": f"push_{kind.name.replace('-', '_')}",
        "summary": f"Send {kind.label} (one record, a list, or {{\"records\": [...]}}) for a source of the "
                   f"{kind.feed} feed",
        "parameters": [{"name": "source", "in": "path", "required": True, "schema": {"type": "string"},
                        "description": "the source's key; the bearer key must be one of this source's keys"}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": responses,
        "security": [{"sourceKey": []}],
    }}


def openapi_document() -> dict:
    models = [kind.model for kind in KINDS.values()] + [BatchResult, Problem]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Live Room ingest API", "version": __version__,
                 "description": "Push complaints, complaint status changes, devices, device samples and KPI values. "
                                "Every record is checked; good ones are stored, bad ones kept with their reason. "
                                "Sending the same records again changes nothing; a newer updated_at wins."},
        "servers": [{"url": "/"}],
        "paths": {f"/api/v1/sources/{{source}}/{kind.name}": _operation(kind) for kind in KINDS.values()},
        "components": {"schemas": _schemas(models),
                       "securitySchemes": {"sourceKey": {"type": "http", "scheme": "bearer",
                                                         "description": "python -m data_sources.ingest.keys create"}}},
    }
