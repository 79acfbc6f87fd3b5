"""Purposes are free text a worker writes, which may name someone: encrypt them at rest, including
the values written before this migration."""

from django.db import migrations

import octip.core.fields
from octip.core.migration_ops import encrypt_existing_column


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consent",
            name="purpose",
            field=octip.core.fields.EncryptedText(blank=True, max_length=300, verbose_name="purpose"),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="purpose",
            field=octip.core.fields.EncryptedText(blank=True),
        ),
        encrypt_existing_column("consent_consent", "purpose", "consent.consent.purpose"),
        encrypt_existing_column("consent_disclosure", "purpose", "consent.disclosure.purpose"),
    ]
