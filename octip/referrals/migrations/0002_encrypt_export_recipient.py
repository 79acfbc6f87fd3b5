"""The recipient of a secure export is free text a worker writes, which may name a person: encrypt it
at rest, including the values written before this migration."""

from django.db import migrations

import octip.core.fields

TABLE, CONTEXT = "referrals_secureexport", "referrals.secureexport.recipient"


def encrypt_existing(apps, schema_editor):
    from octip.core import crypto

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, recipient FROM {TABLE}")  # noqa: S608 - fixed table name
        for row_id, name in cursor.fetchall():
            if name and not name.startswith(crypto.PREFIX + ":"):
                cursor.execute(f"UPDATE {TABLE} SET recipient = %s WHERE id = %s",  # noqa: S608
                               [crypto.encrypt(name, CONTEXT), row_id])


class Migration(migrations.Migration):

    dependencies = [
        ("referrals", "0001_initial"),
        ("consent", "0003_encrypt_external_recipients"),
    ]

    operations = [
        migrations.AlterField(
            model_name="secureexport",
            name="recipient",
            field=octip.core.fields.EncryptedChar(max_length=200, verbose_name="recipient organization"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
