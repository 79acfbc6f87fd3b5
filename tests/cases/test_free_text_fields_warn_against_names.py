"""Issue 9, "Also": the referral purpose, the transfer reason and a document's file name are free text
the sender writes and the receiver reads: each field warns, in English and French, not to write names."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from octip.cases.forms import DocumentForm
from octip.referrals.forms import TransferForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["referrals:create", "referrals:transfer_create", "cases:document_upload"])
def test_the_form_page_warns_not_to_write_names(world, client_for, name):
    response = client_for(world.caseworker_a).get(reverse(name, args=[world.case_a.pk]))
    assert response.status_code == 200
    assert "Do not write names here" in response.content.decode()


def test_the_warning_is_in_french_too():
    with translation.override("fr"):
        assert "N’écrivez pas de noms ici" in str(TransferForm.base_fields["reason"].help_text)
        assert "N’écrivez pas de noms" in str(DocumentForm.base_fields["file"].help_text)
