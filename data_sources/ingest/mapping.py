"""Column mappings for uploads: which column of a city's file holds which field of the
project's records, how its values translate to the profile's codes, and how its dates and
numbers are written. The fields of each record kind come from its pydantic model
(``feeds.KINDS``), so a new field needs no change here.

A mapping (also the JSON file the command line and the upload page read and write)::

    {"kind": "complaints",
     "fields": {"external_id": "No Tiket", "received_at": "Tanggal Lapor", "category": "Kategori"},
     "values": {"status": {"Baru": "received", "Selesai": "resolved"}, "category": {"Sampah": "sampah"}},
     "date_format": "%d/%m/%Y %H.%M", "decimal": ",", "separator": ";"}

``fields`` maps field -> column; ``values`` (optional) maps a field's words in the file to codes;
``date_format`` (strftime codes) reads times, which without an offset are the city's local time;
``decimal`` is ``,`` or ``.``; ``separator`` (``,`` ``;`` ``\\t``, or comma/semicolon/tab) for CSV.
"""
from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, timezone
from difflib import SequenceMatcher

from pydantic import AliasChoices, AwareDatetime, ValidationError

from cities import CityProfile
from data_sources.ingest import convert
from data_sources.ingest.feeds import KINDS
from data_sources.ingest.geocode import name_key
from data_sources.ingest.records import show
from data_sources.ingest.spreadsheet import SEPARATORS, Table
from data_sources.ingest.vocabulary import COLUMN_SYNONYMS, vocabulary

MAPPING_KEYS = ("kind", "fields", "values", "date_format", "decimal", "separator")
SEPARATOR_WORDS = {"comma": ",", "semicolon": ";", "tab": "\t", "koma": ",", "titik koma": ";"}
_MATCH_THRESHOLD = 0.7
_SAMPLE_ROWS = 500  # rows looked at to guess formats and propose value codes
_MAX_PROPOSED_VALUES = 100  # distinct words per field


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record kind: its name, how a cell converts (text, choice, number,
    integer, bool, datetime, date), whether a record needs it, and its other accepted names."""

    name: str
    type: str
    required: bool
    aliases: tuple[str, ...] = ()


class MappingError(ValueError):
    """A mapping file that cannot be used; ``problems`` names each thing wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _field_type(annotation) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _field_type(args[0])
    if origin in (typing.Union, types.UnionType):
        return _field_type(next(a for a in args if a is not type(None)))
    if origin is typing.Literal:
        return "choice"
    if annotation is AwareDatetime or (isinstance(annotation, type) and issubclass(annotation, datetime)):
        return "datetime"
    simple = {bool: "bool", int: "integer", float: "number", date: "date"}
    return simple.get(annotation, "text")


def fields_of(kind: str) -> list[FieldSpec]:
    """The fields of record kind ``kind``, in the model's order; required are those an empty
    record is refused for."""
    model = KINDS[kind].model
    try:
        model.model_validate({}, context={"now": datetime.now(timezone.utc)})
        required: set[str] = set()
    except ValidationError as exc:
        required = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    specs = []
    for name, info in model.model_fields.items():
        alias = info.validation_alias
        aliases = tuple(a for a in alias.choices if a != name) if isinstance(alias, AliasChoices) else ()
        specs.append(FieldSpec(name, _field_type(info.annotation), name in required, aliases))
    return specs


# --- the mapping file ---------------------------------------------------------------------------------


def empty_mapping(kind: str) -> dict:
    return {"kind": kind, "fields": {}, "values": {}, "date_format": None, "decimal": ".", "separator": None}


def normalise(data, kind: str) -> dict:
    """A mapping as read from JSON, checked for its shape; raises ``MappingError``."""
    if not isinstance(data, dict):
        raise MappingError(['the mapping must be a JSON object with "fields" (and optionally "values", '
                            '"date_format", "decimal", "separator")'])
    problems = [f"unknown key {key!r} (keys: {', '.join(MAPPING_KEYS)})" for key in data if key not in MAPPING_KEYS]
    mapping = empty_mapping(kind)
    if data.get("kind") not in (None, kind):
        problems.append(f"the mapping is for kind {data['kind']!r}, not {kind!r}")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        problems.append('"fields" must be an object: field name -> column name')
    else:
        mapping["fields"] = {str(k): v for k, v in fields.items() if v.strip()}
    values = data.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) and all(isinstance(c, str) for c in v.values())
                                                for v in values.values()):
        problems.append('"values" must be an object: field name -> {value in the file: code}')
    else:
        mapping["values"] = {f: {str(k): c for k, c in v.items()} for f, v in values.items() if v}
    date_format = data.get("date_format")
    if date_format not in (None, "") and not _usable_format(date_format):
        problems.append(f'"date_format" {show(date_format)} is not a strftime format (e.g. "%d/%m/%Y %H.%M")')
    else:
        mapping["date_format"] = date_format or None
    if data.get("decimal", ".") not in convert.DECIMALS:
        problems.append(f'"decimal" must be "," or ".", not {show(data.get("decimal"))}')
    else:
        mapping["decimal"] = data.get("decimal", ".")
    separator = data.get("separator")
    separator = SEPARATOR_WORDS.get(separator, separator) if isinstance(separator, str) else separator
    if separator not in (None, "", *SEPARATORS):
        problems.append(f'"separator" must be ",", ";" or "\\t" (or comma, semicolon, tab), not {show(separator)}')
    else:
        mapping["separator"] = separator or None
    if problems:
        raise MappingError(problems)
    return mapping


def _usable_format(fmt) -> bool:
    if not isinstance(fmt, str) or "%" not in fmt:
        return False
    try:
        sample = datetime(2026, 11, 21, 7, 45, 30).strftime(fmt)
        datetime.strptime(sample, fmt)
    except ValueError:
        return False
    return True


def load_mapping(payload: str | bytes, kind: str) -> dict:
    """A mapping file's content (JSON); raises ``MappingError``."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MappingError([f"the mapping file is not JSON: {exc}"]) from None
    return normalise(data, kind)


def dump_mapping(mapping: dict) -> str:
    """The mapping as the JSON file the command line's ``--mapping`` reads."""
    keep = {k: mapping[k] for k in MAPPING_KEYS if mapping.get(k) not in (None, {}, "")}
    return json.dumps(keep, ensure_ascii=False, indent=2)


def check_mapping(mapping: dict, kind: str, columns: list[str]) -> list[str]:
    """What in ``mapping`` does not fit the record kind or the file: unknown fields, columns
    that are not in the file."""
    known = [f.name for f in fields_of(kind)]
    problems = []
    for name, column in mapping["fields"].items():
        if name not in known:
            problems.append(f"{name!r} is not a field of {kind} (fields: {', '.join(known)})")
        elif column not in columns:
            problems.append(f"{name}: the file has no column {column!r} (columns: {', '.join(columns)})")
    problems += [f"values: {name!r} is not a field of {kind}" for name in mapping["values"] if name not in known]
    return problems


def unmapped_required(mapping: dict, kind: str) -> list[str]:
    """The fields every record needs that no column is mapped to (every row would be refused)."""
    return [f.name for f in fields_of(kind) if f.required and f.name not in mapping["fields"]]


# --- proposing a mapping -----------------------------------------------------------------------------


def _words(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(name).lower()).split())


def _score(column: str, names: list[str]) -> float:
    """How well a column name matches a field's names: 1 equal, less for joined words, a name
    inside the column name, or a near spelling."""
    best = 0.0
    for name in names:
        if column == name:
            return 1.0
        if column.replace(" ", "") == name.replace(" ", ""):
            best = max(best, 0.95)
        elif len(name) >= 4 and f" {name} " in f" {column} ":
            best = max(best, 0.6 + 0.3 * len(name) / len(column))
        elif len(name) >= 4:
            ratio = SequenceMatcher(None, column, name).ratio()
            best = max(best, ratio * 0.9 if ratio >= 0.85 else 0.0)
    return best


def propose_fields(columns: list[str], kind: str) -> dict[str, str]:
    """field -> column by name and synonyms; each column and each field used once, best matches first."""
    candidates = []
    for order, spec in enumerate(fields_of(kind)):
        names = [_words(n) for n in (spec.name, *spec.aliases, *COLUMN_SYNONYMS.get(spec.name, ()))]
        for column in columns:
            score = _score(_words(column), names)
            if score >= _MATCH_THRESHOLD:
                candidates.append((-score, not spec.required, order, spec.name, column))
    fields: dict[str, str] = {}
    for _, _, _, name, column in sorted(candidates):
        if name not in fields and column not in fields.values():
            fields[name] = column
    specs = [f.name for f in fields_of(kind)]
    return dict(sorted(fields.items(), key=lambda item: specs.index(item[0])))


def _samples(table: Table, column: str) -> list:
    position = table.columns.index(column)
    return [row[position] for row in table.rows[:_SAMPLE_ROWS] if not convert.is_blank(row[position])]


def propose(table: Table, kind: str, profile: CityProfile) -> dict:
    """A mapping for ``table``: fields by column name, then the date format and decimal mark its
    values are written in, and codes for the words of coded fields the city would not take."""
    mapping = empty_mapping(kind) | {"fields": propose_fields(table.columns, kind), "separator": table.separator}
    types_ = {f.name: f.type for f in fields_of(kind)}
    dates, numbers = [], []
    for name, column in mapping["fields"].items():
        samples = _samples(table, column)
        if types_[name] in ("datetime", "date"):
            dates += samples
        elif types_[name] in ("number", "integer"):
            numbers += samples
        words = vocabulary(kind, name, profile)
        if words is not None:
            texts = sorted({convert.text(s) for s in samples})[:_MAX_PROPOSED_VALUES]
            codes = {w: words.propose(w) for w in texts if not words.accepts(w)}
            if any(codes.values()):
                mapping["values"][name] = {w: c for w, c in codes.items() if c}
    mapping["date_format"] = convert.guess_date_format(dates)
    mapping["decimal"] = convert.guess_decimal(numbers, table.separator)
    return mapping


# --- applying a mapping --------------------------------------------------------------------------------


@dataclass
class Mapped:
    """Each row of a table as a record with the project's field names (``records``), the
    reason a row's values could not be converted (``problems``, by position), the row numbers,
    and each row as it was in the file (``originals``)."""

    records: list[dict]
    problems: dict[int, str]
    row_numbers: list[int]
    originals: list[dict]


def _mapped_word(word: str, codes: dict[str, str] | None) -> str:
    if not codes:
        return word
    if word in codes:
        return codes[word]
    loose = {name_key(k): v for k, v in codes.items()}
    return loose.get(name_key(word), word)


def _convert(cell, spec: FieldSpec, mapping: dict, tz: str):
    word = _mapped_word(convert.text(cell), mapping["values"].get(spec.name))
    coded = spec.name in mapping["values"] and word != convert.text(cell)
    value = word if coded or isinstance(cell, str) else cell
    if spec.type in ("number", "integer"):
        return convert.number(value, mapping["decimal"], whole=spec.type == "integer")
    if spec.type == "bool":
        return convert.boolean(value)
    if spec.type == "datetime":
        return convert.moment(value, mapping["date_format"], tz)
    if spec.type == "date":
        return convert.day(value, mapping["date_format"])
    return word


def apply_mapping(table: Table, mapping: dict, kind: str, tz: str) -> Mapped:
    """Every row of ``table`` through ``mapping``: values mapped to codes, numbers, times in the
    city's zone ``tz`` as ISO 8601 with the offset. Never raises for a bad value: the row gets a
    problem naming the column and the value."""
    specs = {f.name: f for f in fields_of(kind)}
    used = [(specs[name], column) for name, column in mapping["fields"].items() if name in specs]
    result = Mapped([], {}, list(table.row_numbers), [])
    for position, _number, row in table.records():
        record, errors = {}, []
        if position in table.problems:
            errors.append(table.problems[position])
        for spec, column in used:
            cell = row.get(column)
            if convert.is_blank(cell):
                continue
            try:
                record[spec.name] = _convert(cell, spec, mapping, tz)
            except ValueError as exc:
                errors.append(f"{spec.name} [{column}]: {show(convert.text(cell))} {exc}")
        result.records.append(record)
        result.originals.append(row)
        if errors:
            result.problems[position] = "; ".join(errors)
    return result


_NEXT_PART = re.compile(r"; (?=[\w/.]+(?: \[[^\]]*\])?: )")


def reason_parts(reason: str) -> list[str]:
    """A reason's parts, one per field: ``field: message; field: message``."""
    return _NEXT_PART.split(reason)


def name_columns(reason: str, mapping: dict) -> str:
    """A store's reason with each field's column: ``category: ...`` -> ``category [Kategori]: ...``."""
    parts = []
    for part in reason_parts(reason):
        head, sep, rest = part.partition(": ")
        columns = [mapping["fields"].get(name) for name in head.split("/")]
        if sep and all(columns) and "[" not in head:
            head = f"{head} [{'/'.join(columns)}]"
        parts.append(f"{head}{sep}{rest}")
    return "; ".join(parts)
