import io

import pytest

from octip.directory import demo, hsds
from octip.directory import models as m
from octip.partners import demo as partners_demo

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def test_demo_directory_is_realistic_and_idempotent(client):
    partners_demo.seed(scale=1, stdout=io.StringIO())
    demo.seed(scale=1, stdout=io.StringIO())
    services = m.Service.objects.all()
    assert 75 <= services.count() <= 90
    assert services.filter(visibility="partners").count() >= 10
    regions = set(m.ServiceArea.objects.values_list("region__code", flat=True))
    assert {"vancouver_coastal", "fraser", "interior", "northern", "vancouver_island", "province_wide"} <= regions
    needs = {t.code for t in m.TaxonomyTerm.objects.filter(attributes__isnull=False)}
    assert {"legal", "immigration", "health", "counselling", "interpretation", "income", "indigenous",
            "youth", "emergency_shelter"} <= needs
    assert services.filter(partner_organization__isnull=False).count() >= 20
    before = snapshot()
    demo.seed(scale=1, stdout=io.StringIO())
    assert snapshot() == before
    # Every demo service is served valid by the HSDS API, and the public sees no confidential one.
    body = client.get("/hsds/services?full=true&per_page=500").json()
    assert body["total_items"] == services.filter(visibility="public").count()
    for service in body["contents"]:
        assert hsds.validation_errors("service", service) == []
    assert "Emergency Shelter for Women" not in str(body)


def test_demo_directory_survives_an_export_and_import_into_an_empty_directory(tmp_path):
    from octip.directory.exporter import export
    from octip.directory.importer import import_path

    from .conftest import DIRECTORY_MODELS

    partners_demo.seed(scale=1, stdout=io.StringIO())
    demo.seed(scale=1, stdout=io.StringIO())
    export(tmp_path, fmt="csv")
    before = snapshot()
    for model in reversed(DIRECTORY_MODELS):
        model.objects.all().delete()
    import_path(tmp_path)
    after = snapshot()
    assert after == before
    assert m.Service.objects.filter(partner_organization__name="Safe Harbour Women's Shelter Society (demo)").exists()
