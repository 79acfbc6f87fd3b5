"""Purposes are free text a worker writes, which may name someone: encrypt them at rest, including
the values written before this migration."""

from django.db import migrations

import octip.core.fields

TABLES = {"consent_consent": "consent.consent.purpose", "consent_disclosure": "consent.disclosure.purpose"}


def encrypt_existing(apps, schema_editor):
    from octip.core import crypto

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, context in TABLES.items():
            cursor.execute(f"SELECT id, purpose FROM {table}")  # noqa: S608 - fixed table names
            for row_id, purpose in cursor.fetchall():
                if purpose and not purpose.startswith(crypto.PREFIX + ":"):
                    cursor.execute(f"UPDATE {table} SET purpose = %s WHERE id = %s",  # noqa: S608
                                   [crypto.encrypt(purpose, context), row_id])


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
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
