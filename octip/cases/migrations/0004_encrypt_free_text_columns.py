"""Free text that can point at a person, stored in plaintext until now: the guardian's relationship
to the youth, who made the duty-to-report and the office's details, and the person's pronouns
(issue 9 #13). Encrypt them at rest, including the values written before this migration."""

from django.db import migrations

import octip.core.fields
from octip.core.migration_ops import encrypt_existing_column


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_timeline_entries_to_params'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dutytoreport',
            name='office_detail',
            field=octip.core.fields.EncryptedChar(blank=True, max_length=200, verbose_name='office details'),
        ),
        migrations.AlterField(
            model_name='dutytoreport',
            name='reported_by_name',
            field=octip.core.fields.EncryptedChar(max_length=200, verbose_name='who reported'),
        ),
        migrations.AlterField(
            model_name='person',
            name='pronouns',
            field=octip.core.fields.EncryptedChar(blank=True, max_length=40, verbose_name='pronouns'),
        ),
        migrations.AlterField(
            model_name='youthprofile',
            name='guardian_relationship',
            field=octip.core.fields.EncryptedChar(blank=True, max_length=80, verbose_name='relationship to the youth'),
        ),
        encrypt_existing_column("cases_dutytoreport", "office_detail", "cases.dutytoreport.office_detail"),
        encrypt_existing_column("cases_dutytoreport", "reported_by_name", "cases.dutytoreport.reported_by_name"),
        encrypt_existing_column("cases_person", "pronouns", "cases.person.pronouns"),
        encrypt_existing_column("cases_youthprofile", "guardian_relationship",
                                "cases.youthprofile.guardian_relationship"),
    ]
