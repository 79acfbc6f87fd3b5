"""HSDS 3.0: the schemas, validation against them, and the map between HSDS objects and our tables.

The schemas are the specification's own files (copied into ``hsds_schema/``). They refer to each
other by file name, so they are loaded into one ``referencing`` registry.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import models as m

SCHEMA_DIR = Path(getattr(settings, "HSDS_SCHEMA_DIR", "") or Path(__file__).resolve().parent / "hsds_schema")
HSDS_VERSION = "3.0"


@dataclass(frozen=True)
class Kind:
    """One HSDS object type: its schema name, its CSV file, and the table that stores it."""

    name: str
    csv: str
    model: type[models.Model] | None  # None: kept whole as a SupplementaryRecord
    #: Reference fields that must resolve (to the named kind) for the record to have a place.
    strict_refs: dict[str, str] = field(default_factory=dict)


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("taxonomy", "taxonomies.csv", m.Taxonomy),
    Kind("taxonomy_term", "taxonomy_terms.csv", m.TaxonomyTerm),
    Kind("organization", "organizations.csv", m.Organization),
    Kind("program", "programs.csv", None, {"organization_id": "organization"}),
    Kind("location", "locations.csv", m.Location),
    Kind("service", "services.csv", m.Service, {"organization_id": "organization", "program_id": "program"}),
    Kind("service_at_location", "service_at_location.csv", m.ServiceAtLocation,
         {"service_id": "service", "location_id": "location"}),
    Kind("address", "addresses.csv", m.Address, {"location_id": "location"}),
    Kind("contact", "contacts.csv", m.Contact, {"service_id": "service", "location_id": "location"}),
    Kind("phone", "phones.csv", m.Phone,
         {"location_id": "location", "service_id": "service", "organization_id": "organization",
          "contact_id": "contact", "service_at_location_id": "service_at_location"}),
    Kind("schedule", "schedules.csv", m.Schedule,
         {"service_id": "service", "location_id": "location", "service_at_location_id": "service_at_location"}),
    Kind("language", "languages.csv", m.Language,
         {"service_id": "service", "location_id": "location", "phone_id": "phone"}),
    Kind("service_area", "service_areas.csv", m.ServiceArea, {"service_id": "service"}),
    Kind("attribute", "attributes.csv", m.Attribute, {"taxonomy_term_id": "taxonomy_term"}),
    Kind("funding", "funding.csv", None, {"organization_id": "organization", "service_id": "service"}),
    Kind("cost_option", "cost_options.csv", None, {"service_id": "service"}),
    Kind("required_document", "required_documents.csv", None, {"service_id": "service"}),
    Kind("accessibility", "accessibility.csv", None, {"location_id": "location"}),
    Kind("organization_identifier", "organization_identifiers.csv", None, {"organization_id": "organization"}),
    Kind("meta_table_description", "meta_table_descriptions.csv", None),
    Kind("metadata", "metadata.csv", m.Metadata),
]}

#: Import order: a record comes after everything it refers to.
ORDER = list(KINDS)

#: Nested properties that are not in the schemas but appear in the specification's examples and API.
EXTRA_NESTING = {("organization", "services"): "service", ("service_at_location", "service"): "service"}


# --- schemas ---------------------------------------------------------------------------------

@cache
def schemas() -> dict[str, dict]:
    loaded = {}
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name != "openapi.json":
            loaded[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def registry() -> Registry:
    return Registry().with_resources(
        (f"{name}.json", Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas().items())


@cache
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schemas()[kind], registry=registry(), format_checker=FormatChecker())


def openapi() -> dict:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    """One validation error, placed so that a person can find it: file, row, field."""

    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        return f"{where}, field {self.field or '(record)'}: {self.message}"


def validation_errors(kind: str, obj: Any) -> list[tuple[str, str]]:
    """``(field path, message)`` for every way ``obj`` breaks the ``kind`` schema."""
    found = []
    for error in sorted(validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path)):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = f"{path}.{missing}" if path else missing
            message = "is required"
        else:
            message = error.message
        found.append((path, message))
    return found


def is_valid(kind: str, obj: Any) -> bool:
    return not validation_errors(kind, obj)


# --- fields ----------------------------------------------------------------------------------

def _prop_kind(prop: dict) -> str | None:
    """The nested HSDS kind of an object or array property, or None for a scalar."""
    ref = prop.get("$ref") or (prop.get("items", {}).get("$ref") if prop.get("type") == "array" else None)
    return ref.removesuffix(".json") if ref else None


@cache
def scalar_fields(kind: str) -> list[str]:
    return [name for name, prop in schemas()[kind]["properties"].items() if _prop_kind(prop) is None]


@cache
def nested_fields(kind: str) -> dict[str, tuple[str, bool]]:
    """``{property: (kind, is_array)}`` of the nested objects a ``kind`` object may carry."""
    found = {name: (_prop_kind(prop), prop.get("type") == "array")
             for name, prop in schemas()[kind]["properties"].items() if _prop_kind(prop)}
    for (parent, name), child in EXTRA_NESTING.items():
        if parent == kind:
            found[name] = (child, name.endswith("s"))
    return found


@cache
def field_types(kind: str) -> dict[str, str]:
    return {name: schemas()[kind]["properties"][name].get("type", "string") for name in scalar_fields(kind)}


def required_fields(kind: str, *, tabular: bool = False) -> list[str]:
    schema = schemas()[kind]
    return list(schema.get("required", [])) + (list(schema.get("tabular_required", [])) if tabular else [])


def to_hsds_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value


def flat(kind: str, obj: models.Model) -> dict[str, Any]:
    """The one-to-one fields of a stored record, as HSDS: empty optional fields are left out
    (the schemas do not allow ``null``), required ones are always present."""
    required = set(required_fields(kind))
    out: dict[str, Any] = {}
    for name in scalar_fields(kind):
        value = to_hsds_value(getattr(obj, name, None))
        if value is None or value == "":
            if name in required:
                out[name] = ""
            continue
        out[name] = value
    return out


# --- the OCTIP extension: what HSDS has no field for travels as attributes ---------------------

EXTENSION_NAMESPACE = uuid.UUID("5b0c3c1e-8f0e-4d36-9a51-0c7a1f2b9e01")
EXTENSION_TAXONOMY_ID = uuid.uuid5(EXTENSION_NAMESPACE, "taxonomy")
EXTENSION_TERMS = {
    "visibility": "Who may see the service: 'public' or 'partners' (signed-in partner staff only).",
    "gender_eligibility": "Gender the service is restricted to; absent means any gender.",
    "partner_organization": "Name of the platform partner organization that stewards the record.",
}
EXTENSION_TERM_IDS = {name: uuid.uuid5(EXTENSION_NAMESPACE, f"term:{name}") for name in EXTENSION_TERMS}
EXTENSION_FIELD_BY_TERM = {term_id: name for name, term_id in EXTENSION_TERM_IDS.items()}


def ensure_extension_taxonomy() -> None:
    """The taxonomy and terms that the extension attributes refer to (idempotent)."""
    m.Taxonomy.objects.update_or_create(id=EXTENSION_TAXONOMY_ID, defaults={
        "name": "OCTIP directory extensions",
        "description": "Fields of the OCTIP Platform that HSDS 3.0 has no place for.",
        "version": "1"})
    for name, description in EXTENSION_TERMS.items():
        m.TaxonomyTerm.objects.update_or_create(id=EXTENSION_TERM_IDS[name], defaults={
            "code": name, "name": name, "description": description,
            "taxonomy_id": EXTENSION_TAXONOMY_ID, "taxonomy": "OCTIP directory extensions"})


def extension_values(service: m.Service) -> dict[str, str]:
    values = {"visibility": service.visibility}
    if service.gender_eligibility:
        values["gender_eligibility"] = service.gender_eligibility
    if service.partner_organization_id:
        values["partner_organization"] = service.partner_organization.name
    return values


def extension_attributes(service: m.Service, *, nested_term: bool = False) -> list[dict]:
    out = []
    for name, value in extension_values(service).items():
        attribute = {"id": str(uuid.uuid5(service.id, f"octip:{name}")), "link_id": str(service.id),
                     "taxonomy_term_id": str(EXTENSION_TERM_IDS[name]), "link_type": "octip_extension",
                     "link_entity": "service", "value": value}
        if nested_term:
            attribute["taxonomy_term"] = {"id": str(EXTENSION_TERM_IDS[name]), "code": name, "name": name,
                                          "description": EXTENSION_TERMS[name],
                                          "taxonomy_id": str(EXTENSION_TAXONOMY_ID)}
        out.append(attribute)
    return out
