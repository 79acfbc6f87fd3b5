"""Migration helpers shared by the apps."""

from __future__ import annotations

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def encrypt_existing_column(table: str, column: str, context: str) -> migrations.RunPython:
    """A migration step that encrypts the values of ``table.column`` still stored in plaintext (after the
    field became an encrypted one). ``context`` is the field's ``app_label.model.field``, as
    ``EncryptedMixin.context()`` names it. Values already encrypted are left alone, so it can run again."""

    def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        from octip.core import crypto

        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608 - names fixed in the migration
            for row_id, value in cursor.fetchall():
                if value and not value.startswith(crypto.PREFIX + ":"):
                    cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608
                                   [crypto.encrypt(value, context), row_id])

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def append_only_triggers(*, function: str, trigger: str, tables: list[str]) -> migrations.RunPython:
    """On PostgreSQL, a trigger named ``trigger`` on each of ``tables`` that refuses UPDATE and DELETE
    (through the plpgsql ``function``); nothing on other databases, where the ORM refuses them."""
    create = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();
""" for table in tables)
    drop = "".join(f"DROP TRIGGER IF EXISTS {trigger} ON {table};\n" for table in tables) + \
        f"DROP FUNCTION IF EXISTS {function}();\n"

    def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)
