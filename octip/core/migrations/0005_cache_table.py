"""The database cache's table (``octip_cache``), so that the cache is shared by every process and
machine without Redis (settings.CACHES). Created here whatever CACHES says today, so switching from
Redis back to the database needs no extra step."""

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

CACHE_TABLE = "octip_cache"


def create(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop(apps: Any, schema_editor: Any) -> None:
    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_audit_partitions"),
    ]

    operations = [migrations.RunPython(create, drop)]
