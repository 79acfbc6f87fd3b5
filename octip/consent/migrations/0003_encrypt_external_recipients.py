"""The name of a recipient off the platform is free text a worker writes, which may name a person
(a family doctor, a relative): encrypt it at rest, including the values written before this migration."""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

import octip.core.fields
from octip.core.migration_ops import encrypt_existing_column


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
        encrypt_existing_column("consent_consent", "external_recipient", "consent.consent.external_recipient"),
        encrypt_existing_column("consent_disclosure", "external_recipient",
                                "consent.disclosure.external_recipient"),
    ]
