from django.db import migrations, models


def stamp_open_emergencies(apps, schema_editor):
    """Contacts that are emergencies already became one when they were logged (as far as is known)."""
    Contact = apps.get_model("hotline", "Contact")
    Contact.objects.filter(urgency="emergency").update(emergency_since=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('hotline', '0009_target_breach_alert'),
    ]

    operations = [
        migrations.AddField(
            model_name='contact',
            name='emergency_since',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(stamp_open_emergencies, migrations.RunPython.noop),
    ]
