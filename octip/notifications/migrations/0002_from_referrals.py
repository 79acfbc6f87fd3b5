"""Re-home the referral notifications: each row of ``referrals.Notification`` becomes a row here, its
stored message kept word for word (it named a case number and organizations only) and its link
derived from the referral or transfer it pointed at. ``referrals.0003`` then drops the old table."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("referrals", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = []
    for old in Old.objects.all().iterator():
        if old.referral_id:
            link, subject = f"/app/referrals/{old.referral_id}/", f"referral:{old.referral_id}"
        elif old.transfer_id:
            link, subject = f"/app/referrals/transfers/{old.transfer_id}/", f"transfer:{old.transfer_id}"
        else:
            link, subject = "", f"legacy:{old.pk}"
        rows.append(New(recipient_id=old.recipient_id, kind=old.kind, key=f"{old.kind}|{subject}|legacy-{old.pk}",
                        # Stored text, not a message id: a "%" in it must survive the rendering.
                        template=old.message.replace("%", "%%"), params={}, link=link, channel="email",
                        created_at=old.created_at, read_at=old.read_at, emailed_at=old.created_at))
    New.objects.bulk_create(rows, batch_size=500)


def backward(apps, schema_editor):
    Old = apps.get_model("referrals", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = []
    for new in New.objects.filter(kind__regex=r"^(referral|transfer)\.").iterator():
        subject = new.key.split("|")[1]
        noun, _, pk = subject.partition(":")
        rows.append(Old(recipient_id=new.recipient_id, kind=new.kind[:40],
                        message=(new.template.replace("%%", "%") if not new.params else new.template % new.params)[:300],
                        referral_id=pk if noun == "referral" else None, transfer_id=pk if noun == "transfer" else None,
                        created_at=new.created_at, read_at=new.read_at))
    Old.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("referrals", "0002_encrypt_export_recipient"),
    ]

    operations = [migrations.RunPython(forward, backward)]
