"""Approvals: one request table for the needs assessment, the service plan and closure. Every closure
request already recorded becomes the closure detail of an approval request with the same decision."""

import django.db.models.deletion
import django.utils.timezone
import octip.core.fields
from django.conf import settings
from django.db import migrations, models


def link_closure_requests(apps, schema_editor):
    ClosureRequest = apps.get_model("cases", "ClosureRequest")
    ApprovalRequest = apps.get_model("cases", "ApprovalRequest")
    batch = []
    for closure in ClosureRequest.objects.filter(approval__isnull=True).iterator(chunk_size=500):
        batch.append(ApprovalRequest(
            case_id=closure.case_id, subject="closure", requested_by_id=closure.requested_by_id,
            requested_at=closure.requested_at, decision=closure.decision, decided_by_id=closure.decided_by_id,
            decided_at=closure.decided_at, comment=closure.comment, closure_id=closure.pk))
        if len(batch) >= 500:
            ApprovalRequest.objects.bulk_create(batch)
            batch = []
    ApprovalRequest.objects.bulk_create(batch)


def unlink(apps, schema_editor):
    apps.get_model("cases", "ApprovalRequest").objects.filter(subject="closure").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_flags_and_risk'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject', models.CharField(choices=[('needs_assessment', 'Needs assessment'), ('service_plan', 'Service plan'), ('closure', 'Closure')], max_length=20, verbose_name='subject')),
                ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decision', models.CharField(choices=[('pending', 'Pending'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('superseded', 'Changed since; needs approval again')], default='pending', max_length=12, verbose_name='decision')),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('comment', octip.core.fields.EncryptedText(blank=True, verbose_name='comment')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approval_requests', to='cases.case')),
                ('closure', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='approval', to='cases.closurerequest')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-requested_at', '-id'],
                'indexes': [models.Index(fields=['decision', 'requested_at'], name='approval_decision_requested')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('decision', 'pending')), fields=('case', 'subject'), name='approval_one_pending_per_subject')],
            },
        ),
        migrations.RunPython(link_closure_requests, unlink),
    ]
