"""The recipient of a secure export is free text a worker writes, which may name a person: encrypt it
at rest, including the values written before this migration."""

from django.db import migrations

import octip.core.fields
from octip.core.migration_ops import encrypt_existing_column


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
        encrypt_existing_column("referrals_secureexport", "recipient", "referrals.secureexport.recipient"),
    ]
