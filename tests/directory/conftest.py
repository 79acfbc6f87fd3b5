from __future__ import annotations

from pathlib import Path

import pytest
from django.forms.models import model_to_dict

from octip.directory import models as m

#: The specification's examples (a copy: see hsds_examples/README.md).
EXAMPLES = Path(__file__).resolve().parent / "hsds_examples"

DIRECTORY_MODELS = [m.Taxonomy, m.TaxonomyTerm, m.Organization, m.Location, m.Service, m.ServiceAtLocation,
                    m.Address, m.Contact, m.Phone, m.Schedule, m.Language, m.ServiceArea, m.Attribute,
                    m.Metadata, m.SupplementaryRecord]
VOLATILE = {"modified_at", "recorded_at"}


def snapshot() -> dict[str, dict[str, dict]]:
    """Every directory row as plain values, keyed by table and id (timestamps of the copy left out)."""
    out = {}
    for model in DIRECTORY_MODELS:
        out[model.__name__] = {
            str(obj.pk): {k: v for k, v in model_to_dict(obj).items() if k not in VOLATILE}
            for obj in model.objects.all()}
    return out


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
