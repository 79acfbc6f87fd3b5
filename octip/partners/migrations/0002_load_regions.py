from pathlib import Path

import yaml
from django.db import migrations

REGIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "regions.yaml"


def load_regions(apps, schema_editor):
    Region = apps.get_model("partners", "Region")
    for position, entry in enumerate(yaml.safe_load(REGIONS_FILE.read_text(encoding="utf-8"))):
        Region.objects.update_or_create(code=entry["code"], defaults={
            "name": entry["name"], "name_fr": entry.get("name_fr", ""), "kind": entry["kind"],
            "position": position})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
