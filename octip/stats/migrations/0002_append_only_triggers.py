"""On PostgreSQL the database itself refuses UPDATE and DELETE on releases and the budget ledger."""

from django.db import migrations

TABLES = ["stats_release", "stats_budgetspend"]

CREATE = """
CREATE OR REPLACE FUNCTION octip_stats_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS octip_append_only ON {table};
CREATE TRIGGER octip_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION octip_stats_append_only();
""" for table in TABLES)

DROP = "".join(f"DROP TRIGGER IF EXISTS octip_append_only ON {table};\n" for table in TABLES) + \
    "DROP FUNCTION IF EXISTS octip_stats_append_only();\n"


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
