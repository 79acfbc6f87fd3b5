"""Reading HSDS data into the directory: validate everything first, then write all of it or nothing.

Accepted inputs: an HSDS JSON document (one object, a list, or an API ``Page``), a JSON object
keyed by CSV file names (the specification's ``tabular.json``), or a tabular data package folder
(``datapackage.json`` and one CSV per table). Records are upserted by id.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from octip.core import audit
from octip.partners.models import Organization as PartnerOrganization
from octip.partners.models import Region

from . import hsds
from . import models as m
from .hsds import KINDS, Problem

#: How a nested single object is tied to the object that carries it.
SINGLE_REFERENCE = {
    ("service", "organization"): "organization_id",
    ("service", "program"): "program_id",
    ("service_at_location", "location"): "location_id",
    ("service_at_location", "service"): "service_id",
    ("attribute", "taxonomy_term"): "taxonomy_term_id",
    ("taxonomy_term", "taxonomy_detail"): "taxonomy_id",
}
KIND_BY_CSV = {kind.csv: kind.name for kind in KINDS.values()}


class ImportRefused(Exception):
    """The input does not validate; nothing was written. ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported.")


def canonical_id(value: Any) -> str:
    """UUIDs compare in their canonical (lower-case, hyphenated) form."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


@dataclass
class Record:
    kind: str
    data: dict[str, Any]
    file: str
    row: int | None
    path: str = ""  # where in a JSON object this record sits ("" at top level)
    top: bool = True

    @property
    def id(self) -> str:
        return canonical_id(self.data.get("id", ""))

    def problem(self, name: str, message: str) -> Problem:
        return Problem(self.file, self.row, f"{self.path}.{name}" if self.path else name, message)


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {"created": sum(self.created.values()), "updated": sum(self.updated.values()),
                "unchanged": sum(self.unchanged.values())}


# --- reading ---------------------------------------------------------------------------------

def guess_kind(stem: str) -> str | None:
    name = re.sub(r"_(full|list)$", "", stem.lower())
    if name in KINDS:
        return name
    return KIND_BY_CSV.get(f"{name}.csv")


def flatten(kind: str, obj: dict, *, file: str, row: int | None, path: str = "",
            parent: tuple[str, str] | None = None, top: bool = True) -> list[Record]:
    """One record per object in ``obj`` (nested ones included), each tied to its parent."""
    scalars = set(hsds.scalar_fields(kind))
    data = {name: value for name, value in obj.items() if name in scalars}
    if parent is not None:
        parent_kind, parent_id = parent
        if kind == "attribute":
            data.setdefault("link_id", parent_id)
            data.setdefault("link_entity", parent_kind)
        elif kind == "metadata":
            data.setdefault("resource_id", parent_id)
            data.setdefault("resource_type", parent_kind)
        elif f"{parent_kind}_id" in scalars:
            data.setdefault(f"{parent_kind}_id", parent_id)
    records: list[Record] = []
    here = (kind, str(obj.get("id", "")))
    for name, (child_kind, is_array) in hsds.nested_fields(kind).items():
        value = obj.get(name)
        if value is None:
            continue
        children = value if is_array and isinstance(value, list) else [value] if isinstance(value, dict) else []
        for index, child in enumerate(children):
            if not isinstance(child, dict):
                continue
            child_path = f"{path + '.' if path else ''}{name}" + (f"[{index}]" if is_array else "")
            link = SINGLE_REFERENCE.get((kind, name))
            if link:
                if child.get("id"):
                    data.setdefault(link, child["id"])
                records += flatten(child_kind, child, file=file, row=row, path=child_path, top=False)
            else:
                records += flatten(child_kind, child, file=file, row=row, path=child_path, parent=here, top=False)
    return [Record(kind, data, file, row, path, top), *records]


def _coerce_cell(kind: str, name: str, raw: str) -> Any:
    """A CSV cell as the JSON value the schema expects (numbers are numbers; empty is absent).

    Our exports prefix cells that a spreadsheet would run as a formula with an apostrophe
    (``core.csv_safety``); that prefix is taken off again here."""
    if raw[:1] == "'" and raw[1:2] in {"=", "+", "-", "@", "\t", "\r"}:
        raw = raw[1:]
    if hsds.field_types(kind).get(name) in {"number", "integer"}:
        try:
            number = float(raw)
        except ValueError:
            return raw  # left as text so that validation names the field
        return int(number) if number.is_integer() else number
    return raw


def read_rows(kind: str, rows: list[dict], *, file: str, first_row: int, problems: list[Problem],
              warnings: list[str]) -> list[Record]:
    known = set(hsds.scalar_fields(kind))
    unknown = sorted({str(name) for row in rows for name in row if name not in known})
    if unknown:
        warnings.append(f"{file}: column(s) {', '.join(unknown)} are not HSDS {kind} fields; ignored.")
    records = []
    for offset, row in enumerate(rows):
        number = first_row + offset
        obj = {name: _coerce_cell(kind, name, value) if isinstance(value, str) else value
               for name, value in row.items() if name in known and value not in ("", None)}
        errors = hsds.validation_errors(kind, obj)
        errors += [(name, "is required in a tabular data package")
                   for name in hsds.required_fields(kind, tabular=True) if name not in obj
                   and (name, "is required") not in errors]
        problems += [Problem(file, number, name, message) for name, message in errors]
        if not errors:
            records.append(Record(kind, obj, file, number))
    return records


def read_package(folder: Path, problems: list[Problem], report: ImportReport) -> list[Record]:
    resources: list[tuple[str, Path]] = []
    descriptor = folder / "datapackage.json"
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
        for resource in package.get("resources", []):
            kind = resource.get("name") if resource.get("name") in KINDS else KIND_BY_CSV.get(
                Path(resource.get("path", "")).name)
            if kind:
                resources.append((kind, folder / resource["path"]))
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        report.warnings.append(f"{descriptor.name} is missing or unreadable; CSV files were recognised by name.")
    if not resources:
        resources = [(KIND_BY_CSV[p.name], p) for p in sorted(folder.glob("*.csv")) if p.name in KIND_BY_CSV]
    known = {p.resolve() for _, p in resources}
    for other in sorted(folder.glob("*.csv")):
        if other.resolve() not in known:
            report.warnings.append(f"{other.name}: not an HSDS table; skipped.")
    records: list[Record] = []
    for kind, path in resources:
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            problems.append(Problem(path.name, None, "", f"cannot be read: {error}"))
            continue
        records += read_rows(kind, rows, file=path.name, first_row=2, problems=problems, warnings=report.warnings)
    return records


def read_json(path: Path, kind: str | None, problems: list[Problem], warnings: list[str]) -> list[Record]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        problems.append(Problem(path.name, None, "", f"is not valid JSON: {error}"))
        return []
    if isinstance(document, dict) and document and all(str(k).endswith(".csv") for k in document):
        records: list[Record] = []
        for csv_name, rows in document.items():
            table = KIND_BY_CSV.get(csv_name)
            if table is None or not isinstance(rows, list):
                problems.append(Problem(path.name, None, csv_name, "is not an HSDS table"))
                continue
            records += read_rows(table, rows, file=f"{path.name}:{csv_name}", first_row=1, problems=problems,
                                 warnings=warnings)
        return records
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    kind = kind or guess_kind(path.stem)
    if kind is None:
        problems.append(Problem(path.name, None, "", "cannot tell which HSDS object this file holds; "
                                                    "name it after the object (services.json) or pass --kind"))
        return []
    records = []
    for row, item in enumerate(items, start=1):
        errors = hsds.validation_errors(kind, item) if isinstance(item, dict) else [("", "is not an object")]
        problems += [Problem(path.name, row, name, message) for name, message in errors]
        if not errors:
            records += flatten(kind, item, file=path.name, row=row)
    return records


def read(path: Path | str, *, kind: str | None = None) -> tuple[list[Record], list[Problem], ImportReport]:
    path = Path(path)
    problems: list[Problem] = []
    report = ImportReport()
    if path.is_dir() and not (path / "datapackage.json").exists() and not any(path.glob("*.csv")):
        # A JSON export: one list per table, read in dependency order.
        records = []
        files = {guess_kind(p.stem): p for p in path.glob("*.json")}
        for name in [k for k in hsds.ORDER if k in files]:
            records += read_json(files[name], name, problems, report.warnings)
        for unknown in sorted(p.name for k, p in files.items() if k is None):
            report.warnings.append(f"{unknown}: not named after an HSDS table; skipped.")
        if not files:
            problems.append(Problem(path.name, None, "", "holds neither a data package nor HSDS JSON files"))
    elif path.is_dir():
        records = read_package(path, problems, report)
    elif path.is_file():
        records = read_json(path, kind, problems, report.warnings)
    else:
        problems.append(Problem(str(path), None, "", "does not exist"))
        records = []
    return records, problems, report


# --- checking the whole batch ----------------------------------------------------------------

def merge_duplicates(records: list[Record], problems: list[Problem]) -> dict[tuple[str, str], Record]:
    """One record per (kind, id). The same id twice as rows of a file is an error; a nested copy
    may repeat a record (a term under many attributes) only if it agrees with the others."""
    merged: dict[tuple[str, str], Record] = {}
    for record in records:
        key = (record.kind, record.id)
        seen = merged.get(key)
        if seen is None:
            merged[key] = record
            continue
        if record.top and seen.top:
            problems.append(record.problem("id", f"duplicate id {record.id} (also in {seen.file}"
                                                 f"{f', row {seen.row}' if seen.row is not None else ''})"))
            continue
        conflicts = [name for name, value in record.data.items()
                     if name in seen.data and seen.data[name] != value]
        if conflicts:
            problems.append(record.problem(conflicts[0], f"{record.kind} {record.id} appears twice with "
                                                         f"different values of {', '.join(conflicts)}"))
            continue
        seen.data.update(record.data)
        if record.top and not seen.top:
            seen.top, seen.file, seen.row, seen.path = True, record.file, record.row, record.path
    return merged


def _stored_ids(kind: str, candidates: set[str]) -> set[str]:
    """Which of ``candidates`` (canonical ids) are already stored as ``kind``."""
    keys = [uuid.UUID(c) for c in candidates if _is_uuid(c)]
    model = KINDS[kind].model
    queryset = m.SupplementaryRecord.objects.filter(kind=kind) if model is None else model._default_manager.all()
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found |= {str(pk) for pk in queryset.filter(pk__in=keys[start:start + 500]).values_list("pk", flat=True)}
    return found


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _exists(kind: str, value: str) -> bool:
    return bool(_stored_ids(kind, {canonical_id(value)}))


def check_references(merged: dict[tuple[str, str], Record], problems: list[Problem]) -> None:
    wanted: dict[str, set[str]] = {}
    references = []
    for record in merged.values():
        for name, target in KINDS[record.kind].strict_refs.items():
            value = record.data.get(name)
            if value in (None, ""):
                continue
            value = canonical_id(value)
            if record.kind == "attribute" and _is_uuid(value) and uuid.UUID(value) in hsds.EXTENSION_FIELD_BY_TERM:
                continue
            if (target, value) not in merged:
                wanted.setdefault(target, set()).add(value)
                references.append((record, name, target, value))
        for name in {"service": ["organization_id"],
                     "service_at_location": ["service_id", "location_id"]}.get(record.kind, []):
            if not record.data.get(name):
                problems.append(record.problem(name, f"is required: a {record.kind} needs its {name[:-3]}"))
    stored = {target: _stored_ids(target, ids) for target, ids in wanted.items()}
    for record, name, target, value in references:
        if value not in stored[target]:
            problems.append(record.problem(name, f"refers to {target} {value}, which is neither in the "
                                                 f"import nor in the directory"))


def apply_extensions(merged: dict[tuple[str, str], Record], problems: list[Problem]) -> dict[str, dict]:
    """Take the OCTIP extension attributes out of the batch and return them per service id."""
    extensions: dict[str, dict] = {}
    partner_names = set(PartnerOrganization.objects.values_list("name", flat=True))
    for key, record in list(merged.items()):
        if record.kind != "attribute":
            continue
        term = record.data.get("taxonomy_term_id")
        name = hsds.EXTENSION_FIELD_BY_TERM.get(uuid.UUID(str(term))) if term else None
        if name is None:
            continue
        del merged[key]
        service_id = canonical_id(record.data.get("link_id", ""))
        value = record.data.get("value", "")
        if ("service", service_id) not in merged and not _exists("service", service_id):
            problems.append(record.problem("link_id", f"the {name} attribute must link to a service"))
            continue
        allowed = {"visibility": set(m.Visibility.values),
                   "gender_eligibility": set(m.GenderEligibility.values),
                   "partner_organization": partner_names}[name]
        if value not in allowed:
            problems.append(record.problem("value", f"{value!r} is not a known {name.replace('_', ' ')}"))
            continue
        extensions.setdefault(service_id, {})[name] = value
    return extensions


# --- writing ---------------------------------------------------------------------------------

def _model_value(model_field, value: Any) -> Any:
    from django.db import models

    if value is None or value == "":
        if isinstance(model_field, models.TextField | models.CharField):
            return ""
        return None
    if isinstance(model_field, models.UUIDField | models.ForeignKey):
        return uuid.UUID(str(value))
    if isinstance(model_field, models.FloatField):
        return float(value)
    if isinstance(model_field, models.DateTimeField):
        return parse_datetime(str(value))
    return value


def _field_values(kind: str, data: dict) -> dict[str, Any]:
    model = KINDS[kind].model
    values = {}
    for name in hsds.scalar_fields(kind):
        if name == "id":
            continue
        model_field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if model_field is None:
            continue
        values[name] = _model_value(model_field, data.get(name))
    return values


def _regions() -> dict[str, Region]:
    found = {}
    for region in Region.objects.all():
        for label in (region.code, region.name, region.name_fr):
            if label:
                found[label.strip().lower().replace("_", " ")] = region
    return found


def _upsert(kind: str, record: Record, extension: dict | None, regions: dict, report: ImportReport) -> None:
    model = KINDS[kind].model
    key = uuid.UUID(record.id)
    if model is None:
        values = {"kind": kind, "body": record.data,
                  **{name: uuid.UUID(str(record.data[name])) if record.data.get(name) else None
                     for name in ("organization_id", "service_id", "location_id")}}
        values["body"] = json.loads(json.dumps(record.data))
    else:
        values = _field_values(kind, record.data)
    if kind == "service_area" and (record.top or "name" in record.data):
        values["region"] = regions.get(str(record.data.get("name", "")).strip().lower())
    if kind == "service" and extension:
        if "visibility" in extension:
            values["visibility"] = extension["visibility"]
        if "gender_eligibility" in extension:
            values["gender_eligibility"] = extension["gender_eligibility"]
        if "partner_organization" in extension:
            values["partner_organization"] = PartnerOrganization.objects.get(name=extension["partner_organization"])
    target = m.SupplementaryRecord if model is None else model
    existing = target._default_manager.filter(pk=key).first()
    if kind == "service" and values.get("last_modified") is None:
        values.pop("last_modified")
        if existing is None:
            values["last_modified"] = timezone.now()
    if existing is None:
        target._default_manager.create(id=key, **values)
        report.created[kind] += 1
        return
    if not record.top:
        # A nested copy (an organization inside a service document) is often abridged: it
        # updates the fields it gives and leaves the others as stored.
        if model is None:
            values["body"] = {**existing.body, **values["body"]}
        else:
            values = {name: value for name, value in values.items()
                      if name in record.data or name in {"visibility", "gender_eligibility", "partner_organization"}}
    changed = {name: value for name, value in values.items() if getattr(existing, name) != value}
    if not changed:
        report.unchanged[kind] += 1
        return
    if kind == "service":
        changed.setdefault("last_modified", timezone.now())
        changed["version"] = existing.version + 1
    target._default_manager.filter(pk=key).update(**changed)
    report.updated[kind] += 1


def import_path(path: Path | str, *, actor=None, kind: str | None = None, visibility: str | None = None,
                dry_run: bool = False) -> ImportReport:
    """Validate everything at ``path``, then upsert it in one transaction. Raises ``ImportRefused``
    (writing nothing) when any object breaks the schemas, an id repeats or a reference is broken.

    ``visibility`` applies to services created by this import that do not carry their own."""
    records, problems, report = read(path, kind=kind)
    merged = merge_duplicates(records, problems)
    extensions = apply_extensions(merged, problems)
    check_references(merged, problems)
    if problems:
        raise ImportRefused(problems)
    regions = _regions()
    with transaction.atomic():
        for kind_name in hsds.ORDER:
            for record in [r for (k, _), r in merged.items() if k == kind_name]:
                extension = extensions.get(record.id, {})
                if kind_name == "service" and visibility and "visibility" not in extension and not \
                        m.Service.objects.filter(pk=record.id).exists():
                    extension = {**extension, "visibility": visibility}
                _upsert(kind_name, record, extension, regions, report)
        audit.record(actor, "directory.imported", ("directory.import", Path(path).name),
                     detail={"source": Path(path).name, **report.totals()})
        if dry_run:
            transaction.set_rollback(True)
    return report
