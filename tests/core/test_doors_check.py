"""Views and API handlers never use a protected model's manager (``tools/check_doors.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.check_doors import ROOT, check, check_source, face_files, is_face


def uses(source: str, module: str = "octip.cases.views", *, is_package: bool = False) -> list[tuple[int, str]]:
    return [(f.line, f.model) for f in check_source(source, module=module, is_package=is_package)]


def test_no_view_or_api_handler_uses_a_protected_models_manager():
    findings = list(check(face_files()))
    assert not findings, "Read through a selector, write through a service:\n" + "\n".join(map(str, findings))


def test_every_face_is_checked_and_nothing_else():
    faces = {str(p.relative_to(ROOT)) for p in face_files()}
    assert {"octip/cases/views.py", "octip/cases/api.py", "octip/directory/views_hsds.py",
            "octip/directory/views_public.py", "octip/api.py"} <= faces
    assert "octip/cases/selectors.py" not in faces
    assert not any("/services" in face for face in faces)
    assert is_face(Path("octip/cases/views/page.py"))
    assert not is_face(Path("octip/cases/reviews.py"))


@pytest.mark.parametrize("source", [
    "from .models import Case\nCase.objects.all()",
    "from .models import Case as C\nC.objects.filter(pk=1)",
    "from . import models as m\nm.Case.objects.none()",
    "from octip.cases import models\nmodels.Case._default_manager.all()",
    "import octip.cases.models\noctip.cases.models.Case.objects.all()",
    "import octip.cases.models as cm\ncm.Case._base_manager.all()",
    "from .models import *\nCase.objects.all()",
    "def view(request):\n    from octip.cases.models import Case\n    return Case.objects.visible_to(request.user)",
])
def test_an_alias_does_not_hide_the_model(source):
    assert uses(source) == [(source.count("\n") + 1, "octip.cases.models.Case")]


def test_each_protected_model_is_caught():
    source = ("from octip.cases.models import Case, Person\nfrom octip.consent.models import Consent\n"
              "from octip.referrals.models import Referral, Transfer\nfrom octip.hotline.models import Contact\n"
              "Case.objects; Person.objects; Consent.objects; Referral.objects; Transfer.objects; Contact.objects")
    assert sorted(model for _, model in uses(source, "octip.site.views")) == sorted([
        "octip.cases.models.Case", "octip.cases.models.Person", "octip.consent.models.Consent",
        "octip.referrals.models.Referral", "octip.referrals.models.Transfer", "octip.hotline.models.Contact"])


def test_the_directorys_contact_is_not_the_hotlines():
    assert uses("from .models import Contact\nContact.objects.all()", "octip.directory.views") == []
    assert uses("from .models import Contact\nContact.objects.all()", "octip.hotline.views") == [
        (2, "octip.hotline.models.Contact")]
    assert uses("from octip.hotline.models import Contact\nContact.objects.all()", "octip.directory.views") == [
        (2, "octip.hotline.models.Contact")]


def test_relative_imports_resolve_from_a_package_init():
    assert uses("from .models import Case\nCase.objects.all()", "octip.cases", is_package=True) == [
        (2, "octip.cases.models.Case")]
    assert uses("from ..models import Case\nCase.objects.all()", "octip.cases.views.page") == [
        (2, "octip.cases.models.Case")]


def test_shortcuts_that_query_the_default_manager_are_caught():
    source = ("from django.shortcuts import get_object_or_404 as fetch\nfrom django import shortcuts\n"
              "from .models import Person\n"
              "fetch(Person, pk=1)\nshortcuts.get_list_or_404(Person)\ngetattr(Person, 'objects')")
    assert uses(source) == [(4, "octip.cases.models.Person"), (5, "octip.cases.models.Person"),
                            (6, "octip.cases.models.Person")]


def test_what_a_face_may_do_is_not_flagged():
    source = ("from django.shortcuts import get_object_or_404\nfrom .models import Case, Task\n"
              "from .selectors import case_page\n"
              "def view(request, case_id):\n"
              "    page = case_page(actor=request.user, case_id=case_id)\n"
              "    isinstance(page.case, Case); Case.DoesNotExist; Case._meta.label\n"
              "    get_object_or_404(Task, pk=1); Task.objects.all()\n"
              "    get_object_or_404(page.cases, pk=case_id)\n")
    assert uses(source) == []
