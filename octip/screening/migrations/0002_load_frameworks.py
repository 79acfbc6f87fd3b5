from django.db import migrations

from octip.screening.loader import load_frameworks


def load(apps, schema_editor):
    load_frameworks(apps.get_model("screening", "Framework"))


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
