"""Learners say which blind-index key version their email index was made under (``index_key_id``), so
``manage.py rotate_blind_index_key`` re-indexes them too. Existing rows get the version their index
matches (learners made before were indexed under the key current at the time)."""

from django.db import migrations, models


def record_key_versions(apps, schema_editor):
    from octip.core import crypto

    Learner = apps.get_model("prevention", "Learner")
    versions = crypto.index_key_ids()
    for learner in Learner.objects.all().iterator():
        source = f"staff:{learner.staff_user_id}" if learner.staff_user_id else learner.email
        for key_id in versions:
            if crypto.blind_index(source.strip().lower(), "prevention.learner.email", key_id=key_id) \
                    == learner.email_index:
                Learner.objects.filter(pk=learner.pk).update(index_key_id=key_id)
                break


class Migration(migrations.Migration):

    dependencies = [
        ('prevention', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='learner',
            name='index_key_id',
            field=models.CharField(db_index=True, default='b1', editable=False, max_length=32),
        ),
        migrations.RunPython(record_key_versions, migrations.RunPython.noop),
    ]
