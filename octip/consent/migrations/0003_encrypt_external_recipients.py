"""The name of a recipient off the platform is free text a worker writes, which may name a person
(a family doctor, a relative): encrypt it at rest, including the values written before this migration."""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

import octip.core.fields

TABLES = {"consent_consent": "consent.consent.external_recipient",
          "consent_disclosure": "consent.disclosure.external_recipient"}


def encrypt_existing(apps, schema_editor):
    from octip.core import crypto

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, context in TABLES.items():
            cursor.execute(f"SELECT id, external_recipient FROM {table}")  # noqa: S608 - fixed table names
            for row_id, name in cursor.fetchall():
                if name and not name.startswith(crypto.PREFIX + ":"):
                    cursor.execute(f"UPDATE {table} SET external_recipient = %s WHERE id = %s",  # noqa: S608
                                   [crypto.encrypt(name, context), row_id])


class Migration(migrations.Migration):

    dependencies = [
        ("consent", "0002_encrypt_purposes"),
    ]

    operations = [
        # The constraint compared the column with "": ciphertext can only be asked its length.
        migrations.RemoveConstraint(
            model_name="consent",
            name="consent_share_names_a_recipient",
        ),
        migrations.AlterField(
            model_name='consent',
            name='external_recipient',
            field=octip.core.fields.EncryptedChar(blank=True, max_length=200, verbose_name='organization not on the platform'),
        ),
        migrations.AlterField(
            model_name='disclosure',
            name='external_recipient',
            field=octip.core.fields.EncryptedChar(blank=True, max_length=200),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("scope", "share_with_organization"), _negated=True),
                    ("organization__isnull", False),
                    django.db.models.lookups.GreaterThan(django.db.models.functions.text.Length("external_recipient"), 0),
                    _connector="OR"),
                name="consent_share_names_a_recipient"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
