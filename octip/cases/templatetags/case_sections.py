"""Template tags that show a case section's declared fields (``cases.sections``), so the case pages
iterate over the declaration instead of naming fields. ``{% load case_sections %}``.

The view decides which sections are shown; these tags only say what a shown section contains."""

from __future__ import annotations

from typing import Any

from django import template

from octip.cases import sections as declared

register = template.Library()


def _records(person: Any, youth: Any, youth_given: bool) -> dict[str, Any]:
    # Records the page has loaded already are used as they are: a list page reads no row twice, and a
    # youth profile the view did not find is "not applicable" rather than a fresh query.
    records: dict[str, Any] = {}
    if person is not None:
        records["person"] = person
    if youth_given:
        records["youth"] = youth
    return records


@register.simple_tag
def section_facts(case: Any, name: str, on: str = "", person: Any = None, youth: Any = "") -> list[declared.Fact]:
    """The facts of case-level section ``name`` (identity, summary) of ``case``. ``on`` picks the records
    ("case", "person", "youth", comma-separated; all by default); pass ``person`` / ``youth`` when the
    page has them."""
    wanted = None if not on else ["" if o.strip() == "case" else o.strip() for o in on.split(",")]
    records = _records(person, youth or None, youth != "")
    return declared.facts(declared.fields_of(name, on=wanted), case, records)


@register.simple_tag
def row_facts(row: Any, name: str) -> list[declared.Fact]:
    """The facts of one row (a need, a goal, a task...) of section ``name``."""
    return declared.facts(declared.fields_of(name), row)


@register.simple_tag
def open_row_facts(row: Any, name: str, sections: Any) -> list[declared.Fact]:
    """The facts of one row of section ``name`` that a reader of ``sections`` is shown."""
    return declared.facts(declared.open_fields(name, sections), row)


@register.simple_tag
def open_fields(name: str, sections: Any) -> tuple[declared.Field, ...]:
    """The fields of section ``name`` that a reader of ``sections`` is shown (for table headers)."""
    return declared.open_fields(name, sections)


@register.filter
def section_fields(name: str) -> tuple[declared.Field, ...]:
    """The declared fields of section ``name`` (for table headers)."""
    return declared.fields_of(name)


@register.simple_tag
def case_flags(case: Any) -> list[declared.Field]:
    """The summary's flags that are true for ``case`` (badges), in declared order."""
    return declared.flags(case)


@register.filter
def listed_fields(name: str) -> tuple[declared.Field, ...]:
    """The fields of section ``name`` a case list shows."""
    return declared.listed(name)


@register.filter
def listed_columns(name: str) -> tuple[declared.Field, ...]:
    """The listed fields of section ``name`` a case list shows as columns (its flags are badges)."""
    return tuple(f for f in declared.listed(name) if not f.flag)


@register.simple_tag
def listed_facts(case: Any, name: str, person: Any = None) -> list[declared.Fact]:
    """The listed fields of section ``name`` of ``case`` as a case list shows them (not the flags)."""
    return declared.facts(listed_columns(name), case, _records(person, None, False))


@register.simple_tag
def listed_flags(case: Any) -> list[declared.Field]:
    """The summary's listed flags that are true for ``case``."""
    return declared.flags(case, [f for f in declared.listed("summary") if f.flag])


@register.simple_tag
def list_name(case: Any, person: Any) -> str:
    """The name a case list shows: the first listed identity field with a value (preferred, else legal name)."""
    for field in declared.listed("identity"):
        try:
            found = declared.value(field, case, {"person": person})
        except declared.NotApplicable:
            continue
        if found:
            return str(found)
    return ""
