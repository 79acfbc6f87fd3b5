"""Issue 9 #4: an organization-wide grant is intersected with the reader's role scope and permissions.

In the receiving organization, a screener (scope ``own``, no ``case.view_identifying``) downloaded a
passport scan and read the notes of a referred case. Now:

- a grant to the organization does not reach an own-scope role: the case, its notes and its documents
  are 404 to the screener, and the referral is not in its inbox;
- documents of kind ``identity``, and every document's file name, belong to the ``identity`` section;
- a role without ``case.view_identifying`` never reads a document's content, even on its own case.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from octip.cases import services
from octip.cases.selectors import case_or_404
from octip.partners.models import User
from octip.referrals.services import change_referral_status, send_referral, without_email
from tests.factories.cases import make_case
from tests.factories.consent import make_consent

pytestmark = pytest.mark.django_db

PASSPORT = "IDSCAN-passport-front.txt"
LETTER = "LETTERMARK-from-the-clinic.txt"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}


@pytest.fixture
def documents(case, caseworker):
    passport = services.upload_document(actor=caseworker, case=case, kind="identity", filename=PASSPORT,
                                        content=b"A synthetic passport scan.")
    letter = services.upload_document(actor=caseworker, case=case, kind="correspondence", filename=LETTER,
                                      content=b"A synthetic letter.")
    services.add_note(actor=caseworker, case=case, body="NOTEMARK met at the depot")
    return passport, letter


def _refer(case, caseworker, partner_org, sections):
    """Refer the case and have a caseworker of the partner accept it (its sections open then)."""
    make_consent(case=case, obtained_by=caseworker, organization=partner_org, sections=sections)
    accepting = User.objects.get(organization=partner_org, role="caseworker")
    with without_email():
        referral = send_referral(actor=caseworker, case=case, organization=partner_org, purpose="Support",
                                 urgency="urgent", sections=sections)
        return change_referral_status(actor=accepting, referral=referral, action="accept")


@pytest.fixture
def partner_screener(make_user, partner_org):
    return make_user("screener", organization=partner_org)


def _download(client, case, document):
    link = client.post(f"/api/v1/cases/{case.pk}/documents/{document.pk}/link")
    if link.status_code != 200:
        return link.status_code
    return client.get(link.json()["url"]).status_code


def test_an_organization_grant_does_not_reach_an_own_scope_screener(
        client_for, case, caseworker, partner_org, partner_worker, partner_screener, documents):
    referral = _refer(case, caseworker, partner_org, ["summary", "notes", "documents"])
    screener = client_for(partner_screener)
    assert screener.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert screener.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert screener.get(f"/api/v1/cases/{case.pk}/notes").status_code == 404
    assert screener.get(f"/api/v1/cases/{case.pk}/documents").status_code == 404
    assert _download(screener, case, documents[0]) == 404
    assert screener.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert screener.get("/api/v1/referrals?box=inbox").json() == []


def test_a_caseworker_of_the_receiving_organization_still_works_the_referral(
        client_for, case, caseworker, partner_org, partner_worker, documents):
    _refer(case, caseworker, partner_org, ["summary", "notes", "documents"])
    receiver = client_for(partner_worker)
    assert "NOTEMARK" in receiver.get(f"/api/v1/cases/{case.pk}/notes").content.decode()
    assert _download(receiver, case, documents[1]) == 200


def test_identity_documents_and_file_names_go_with_the_identity_section(
        client_for, case, caseworker, partner_org, partner_worker, documents):
    _refer(case, caseworker, partner_org, ["summary", "documents"])
    receiver = client_for(partner_worker)
    listed = receiver.get(f"/api/v1/cases/{case.pk}/documents").json()
    assert [(row["kind"], row["filename"]) for row in listed] == [("correspondence", "")]
    page = receiver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert PASSPORT not in page and LETTER not in page
    assert "Correspondence" in page
    assert _download(receiver, case, documents[0]) == 404  # the passport scan
    assert _download(receiver, case, documents[1]) == 200  # the letter


def test_with_the_identity_section_the_receiver_sees_both_and_their_names(
        client_for, case, caseworker, partner_org, partner_worker, documents):
    _refer(case, caseworker, partner_org, ["summary", "identity", "documents"])
    receiver = client_for(partner_worker)
    listed = receiver.get(f"/api/v1/cases/{case.pk}/documents").json()
    assert sorted(row["filename"] for row in listed) == sorted([PASSPORT, LETTER])
    assert _download(receiver, case, documents[0]) == 200


def test_a_role_without_identifying_access_never_reads_document_content(client_for, make_user, org):
    screener = make_user("screener", organization=org)
    own = make_case(organization=org, worker=screener)
    writer = make_user("caseworker", organization=org)
    own.assigned_workers.add(writer)
    own = case_or_404(actor=writer, case_id=own.pk)
    letter = services.upload_document(actor=writer, case=own, kind="correspondence", filename=LETTER,
                                      content=b"A synthetic letter.")
    client = client_for(screener)
    listed = client.get(f"/api/v1/cases/{own.pk}/documents")
    assert listed.status_code == 200 and [row["filename"] for row in listed.json()] == [""]
    assert _download(client, own, letter) == 404
    page = client.get(reverse("cases:detail", args=[own.pk])).content.decode()
    assert reverse("cases:document_link", args=[own.pk, letter.pk]) not in page
    with pytest.raises(PermissionDenied):
        services.read_document(actor=screener, document=letter)
