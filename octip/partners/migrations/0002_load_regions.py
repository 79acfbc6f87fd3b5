from django.db import migrations

from octip.partners.regions import load_regions


def forwards(apps, schema_editor):
    load_regions(apps.get_model("partners", "Region"))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
