"""Writing the directory out as HSDS 3.0: JSON (one list per table) or a tabular data package.

Every object written validates against its schema (checked as it is written: an export that would
not validate stops with the offending record named). The OCTIP fields HSDS has no place for travel
as attributes of the OCTIP extension taxonomy, so that importing an export into an empty database
gives the same directory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

from octip.core import audit
from octip.core.csv_safety import neutralise

from . import hsds
from . import models as m
from .hsds import KINDS


class ExportInvalid(Exception):
    pass


def records(kind: str) -> Iterator[dict]:
    """Every stored ``kind`` object, flat (one-to-one fields only), in a stable order."""
    model = KINDS[kind].model
    if model is None:
        for row in m.SupplementaryRecord.objects.filter(kind=kind).order_by("id"):
            yield row.body
        return
    queryset = model._default_manager.order_by("pk")
    for obj in queryset.iterator():
        yield hsds.flat(kind, obj)
    if kind == "attribute":
        for service in m.Service.objects.select_related("partner_organization").order_by("pk"):
            yield from hsds.extension_attributes(service)


def _checked(kind: str, obj: dict) -> dict:
    errors = hsds.validation_errors(kind, obj)
    if errors:
        name, message = errors[0]
        raise ExportInvalid(f"{kind} {obj.get('id')}: field {name} {message}")
    return obj


def _cell(value) -> str:
    if value is None:
        return ""
    return str(neutralise(value if isinstance(value, str) else json.dumps(value)))


def export(directory: Path | str, *, fmt: str = "json", actor=None) -> dict[str, int]:
    """Write the whole directory (every visibility: this is the data steward's copy) to ``directory``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    hsds.ensure_extension_taxonomy()
    counts: dict[str, int] = {}
    resources = []
    for kind in hsds.ORDER:
        rows = [_checked(kind, obj) for obj in records(kind)]
        counts[kind] = len(rows)
        stem = KINDS[kind].csv.removesuffix(".csv")
        if fmt == "json":
            (directory / f"{stem}.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n",
                                                    encoding="utf-8")
            continue
        columns = hsds.scalar_fields(kind)
        with (directory / KINDS[kind].csv).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({name: _cell(row.get(name)) for name in columns})
        types = hsds.field_types(kind)
        resources.append({
            "name": kind, "path": KINDS[kind].csv, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [{"name": name, "type": "number" if types[name] in {"number", "integer"}
                                   else "string"} for name in columns], "primaryKey": "id"},
        })
    if fmt == "csv":
        package = {"name": "octip-directory", "title": "OCTIP service directory (HSDS 3.0)",
                   "profile": "tabular-data-package", "resources": resources}
        (directory / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    audit.record(actor, "directory.exported", ("directory.export", fmt), detail={"format": fmt, **counts})
    return counts
