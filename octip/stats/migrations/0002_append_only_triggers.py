"""On PostgreSQL the database itself refuses UPDATE and DELETE on releases and the budget ledger."""

from django.db import migrations

from octip.core.migration_ops import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [append_only_triggers(function="octip_stats_append_only", trigger="octip_append_only",
                                       tables=["stats_release", "stats_budgetspend"])]
