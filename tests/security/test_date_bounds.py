"""Finding 10: every date and time a person enters — in any form of any app, and in any body or query
the API accepts — lies between 1900 and 2100. A far date is a 400 naming the field, never a server
error (a date near year 9999 or 1 overflows as soon as it meets arithmetic or a time-zone change)."""

from __future__ import annotations

import datetime
import importlib
import pkgutil
import typing
from typing import Annotated, Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as SchemaValidationError

import octip
from octip.partners.services import create_api_token
from tests.cases.conftest import open_case

MESSAGE = "Enter a date between 1900 and 2100."
FAR_DATES = ["0001-01-01", "9999-12-31"]
FAR_TIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01T00:00:00-14:00", "9999-12-31T23:59:59+14:00"]
PLAIN_DATE, PLAIN_TIME = "2026-05-01", "2026-05-01T09:30"


# --- the walk: every form field and every API input field that holds a date or a time ----------------

def _octip_modules() -> None:
    for module in pkgutil.walk_packages(octip.__path__, "octip."):
        if ".migrations" in module.name or module.name in {"octip.wsgi", "octip.asgi", "octip.settings"}:
            continue
        importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def form_date_fields() -> list[tuple[str, str, forms.Field]]:
    _octip_modules()
    return sorted(((form.__qualname__, name, field)
                   for form in _subclasses(forms.BaseForm) if form.__module__.startswith("octip.")
                   for name, field in getattr(form, "base_fields", {}).items()
                   if isinstance(field, forms.DateField | forms.DateTimeField)),
                  key=lambda row: row[:2])


def _holds_a_date(annotation: Any) -> bool:
    if annotation in (datetime.date, datetime.datetime):
        return True
    return any(_holds_a_date(arg) for arg in typing.get_args(annotation) if not isinstance(arg, str | int))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def api_date_fields() -> list[tuple[str, str, Any]]:
    """Every date or time field of every model the API reads a request into (path, query, body, form),
    nested models included; response schemas are not inputs, and stored values must stay readable."""
    from octip.api import api

    seen: dict[tuple[str, str], Any] = {}
    queue: list[type[BaseModel]] = [model for _prefix, router in api._routers
                                    for view in router.path_operations.values()
                                    for operation in view.operations for model in operation.models]
    visited: set[type] = set()
    while queue:
        model = queue.pop()
        if model in visited:
            continue
        visited.add(model)
        for name, field in model.model_fields.items():
            queue += _models_in(field.annotation)
            if _holds_a_date(field.annotation):
                full = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
                seen[(model.__qualname__, name)] = full
    return sorted(((owner, name, annotation) for (owner, name), annotation in seen.items()), key=lambda r: r[:2])


def _is_datetime(annotation: Any) -> bool:
    return annotation is datetime.datetime or any(_is_datetime(a) for a in typing.get_args(annotation))


FORM_FIELDS = form_date_fields()
API_FIELDS = api_date_fields()


def test_the_walk_finds_the_fields_the_review_named():
    forms_found = {(owner, name) for owner, name, _field in FORM_FIELDS}
    api_found = {(owner, name) for owner, name, _annotation in API_FIELDS}
    assert {("AuditFilterForm", "date_to"), ("CaseFieldsForm", "first_contact_date"), ("TaskForm", "due"),
            ("ShiftForm", "ends_at"), ("ConsentForm", "expires_on")} <= forms_found
    assert {("CaseIn", "first_contact_date"), ("CasePatch", "first_contact_date"), ("PersonIn", "date_of_birth"),
            ("CaseQuery", "date_of_birth")} <= api_found
    assert any(name == "due" for _owner, name in api_found)


@pytest.mark.parametrize(("owner", "name", "field"), FORM_FIELDS, ids=[f"{o}.{n}" for o, n, _f in FORM_FIELDS])
def test_every_form_date_field_refuses_far_dates(owner, name, field):
    far = FAR_TIMES[:2] if isinstance(field, forms.DateTimeField) else FAR_DATES
    for value in far:
        with pytest.raises(ValidationError) as refused:
            field.clean(value)
        assert refused.value.messages == [MESSAGE], (owner, name, value)
    field.clean(PLAIN_TIME if isinstance(field, forms.DateTimeField) else PLAIN_DATE)  # a real date passes


@pytest.mark.parametrize(("owner", "name", "annotation"), API_FIELDS, ids=[f"{o}.{n}" for o, n, _a in API_FIELDS])
def test_every_api_date_field_refuses_far_dates(owner, name, annotation):
    adapter = TypeAdapter(annotation)
    for value in FAR_TIMES if _is_datetime(annotation) else FAR_DATES:
        with pytest.raises(SchemaValidationError) as refused:
            adapter.validate_python(value)
        assert [error["msg"] for error in refused.value.errors()] == [MESSAGE], (owner, name, value)
    adapter.validate_python(PLAIN_TIME if _is_datetime(annotation) else PLAIN_DATE)


# --- the doors the review knocked on ----------------------------------------------------------------------

@pytest.fixture
def auditor_client(make_user, client_for):
    client = client_for(make_user("auditor"))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", ["/app/audit/", "/app/audit/export.csv"])
@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
def test_the_audit_log_answers_400_to_a_far_date(auditor_client, path, query):
    response = auditor_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_an_on_call_shift_ending_in_9999_is_refused(client_for, make_user, org):
    from octip.hotline.models import OnCallShift

    coordinator = make_user("coordinator", organization=org)
    person = make_user("hotline_operator", organization=org)
    client = client_for(coordinator)
    client.raise_request_exception = False
    start = timezone.localtime() + datetime.timedelta(days=1)
    response = client.post(reverse("hotline:shift_create"), {
        "person": person.pk, "escalation_contact": coordinator.pk,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"), "ends_at": "9999-12-31T23:59"})
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not OnCallShift.objects.exists()


def test_the_api_refuses_a_first_contact_in_year_1_and_a_task_due_in_9999(make_user):
    from django.test import Client

    caseworker = make_user("caseworker")
    case = open_case(caseworker)
    _token, raw = create_api_token(actor=caseworker, name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.raise_request_exception = False
    patched = client.patch(f"/api/v1/cases/{case.pk}", {"version": case.version, "first_contact_date": "0001-01-01"},
                           content_type="application/json")
    assert patched.status_code == 400 and patched.json()["errors"]["first_contact_date"] == [MESSAGE]
    task = client.post(f"/api/v1/cases/{case.pk}/tasks", {"title": "Follow up", "due": "9999-12-31"},
                       content_type="application/json")
    assert task.status_code == 400 and task.json()["errors"]["due"] == [MESSAGE]
    case.refresh_from_db()
    assert case.first_contact_date.year > 1900 and not case.tasks.exists()


def test_the_case_form_refuses_a_first_contact_in_year_1(make_user, client_for):
    caseworker = make_user("caseworker")
    case = open_case(caseworker)
    client = client_for(caseworker)
    page = client.get(reverse("cases:edit", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'min="1900-01-01"' in html and 'max="2100-12-31"' in html  # the browser says so before sending
    data = {"version": case.version, "region": case.region_id, "referral_source": case.referral_source,
            "first_contact_date": "0001-01-01", "setting": case.setting}
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 400 and MESSAGE in response.content.decode()




def test_the_audit_selector_refuses_a_far_date_itself(make_user):
    from octip.core.selectors import audit_events

    with pytest.raises(ValidationError):
        audit_events(actor=make_user("auditor"), filters={"date_to": datetime.date(9999, 12, 31)})
