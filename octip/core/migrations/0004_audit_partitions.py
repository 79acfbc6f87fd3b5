"""On PostgreSQL the audit log becomes a table partitioned by month of ``occurred_at`` (issue 15);
SQLite keeps the plain table. Django's model state does not change: the ORM still sees one table.

What changes on PostgreSQL, and why it still holds (docs/audit.md, "At scale"):

- The primary key becomes ``(id, occurred_at)``: a unique constraint on a partitioned table must
  include the partition key. ``id`` keeps counting from its own sequence.
- ``seq`` and ``hash`` lose their unique constraints for the same reason and get plain indexes.
  Uniqueness is kept by the writer, not the constraint: every append (``audit.record`` and
  ``bulk_audit.generate``) takes the same advisory lock and writes seq = head + 1 and
  prev_hash = head's hash; and the verification (chain walk and checkpoints) fails on any repeated
  or missing seq and any hash that is not the one its content gives.
- Monthly partitions cover the existing rows and the next months; a DEFAULT partition takes any row
  whose month has no partition yet, so an append never fails (``manage.py audit_partitions`` and the
  daily job create the coming months ahead).
- The append-only row trigger is created on the parent, so PostgreSQL clones it onto every partition,
  present and future: an UPDATE or DELETE aimed at a partition directly is refused too.

The rows are copied in SQL (INSERT ... SELECT in seq order), not through Python, so the migration
stays minutes, not hours, on a log of millions of events. It holds an ACCESS EXCLUSIVE lock on the
table meanwhile: nothing can append during the copy.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

MONTHS_AHEAD = 3


def _forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'core_auditevent'::regclass")
        if cursor.fetchone()[0] == "p":  # already partitioned (run again by hand)
            return
        cursor.execute("LOCK TABLE core_auditevent IN ACCESS EXCLUSIVE MODE")
        # The indexes that are not constraints, to build again with the same names on the new table.
        cursor.execute("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = 'core_auditevent'
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""")
        indexes = cursor.fetchall()
        cursor.execute("ALTER TABLE core_auditevent RENAME TO core_auditevent_unpartitioned")
        # LIKE copies the columns, their order, NOT NULL and the CHECK (seq >= 0); not the identity.
        cursor.execute("""
            CREATE TABLE core_auditevent (LIKE core_auditevent_unpartitioned INCLUDING DEFAULTS
                INCLUDING CONSTRAINTS) PARTITION BY RANGE (occurred_at)""")
        cursor.execute("""
            SELECT date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC'),
                   date_trunc('month', now() AT TIME ZONE 'UTC')
            FROM core_auditevent_unpartitioned""")
        first, this_month = cursor.fetchone()
        first = first or this_month
        cursor.execute("""
            SELECT to_char(m, 'YYYY"m"MM'), to_char(m, 'YYYY-MM-DD'), to_char(m + interval '1 month', 'YYYY-MM-DD')
            FROM generate_series(%s::timestamp, %s::timestamp + %s * interval '1 month', interval '1 month') AS m""",
                       [first, this_month, MONTHS_AHEAD])
        for name, lower, upper in cursor.fetchall():
            cursor.execute(f"CREATE TABLE core_auditevent_y{name} PARTITION OF core_auditevent "
                           f"FOR VALUES FROM ('{lower} 00:00:00+00') TO ('{upper} 00:00:00+00')")
        cursor.execute("CREATE TABLE core_auditevent_default PARTITION OF core_auditevent DEFAULT")
        cursor.execute("INSERT INTO core_auditevent SELECT * FROM core_auditevent_unpartitioned ORDER BY seq")
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM core_auditevent_unpartitioned")
        copied, max_id = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM core_auditevent")
        if cursor.fetchone()[0] != copied:
            raise RuntimeError("The audit events were not all copied into the partitioned table: nothing changed.")
        # Dropping the old table drops its identity sequence; the new one continues after the highest id.
        cursor.execute("DROP TABLE core_auditevent_unpartitioned")
        cursor.execute("CREATE SEQUENCE core_auditevent_id_seq OWNED BY core_auditevent.id")
        cursor.execute("SELECT setval('core_auditevent_id_seq', %s, false)", [max_id + 1])
        cursor.execute("ALTER TABLE core_auditevent ALTER COLUMN id SET DEFAULT nextval('core_auditevent_id_seq')")
        cursor.execute("ALTER TABLE core_auditevent ADD CONSTRAINT core_auditevent_pkey PRIMARY KEY (id, occurred_at)")
        for _name, definition in indexes:
            cursor.execute(definition.replace(" ONLY ", " "))
        # No longer unique by constraint (see above): plain indexes for the head read, the chain walk,
        # and flush_pending_denials' lookup by hash.
        cursor.execute("CREATE INDEX core_auditevent_seq_0004 ON core_auditevent (seq)")
        cursor.execute("CREATE INDEX core_auditevent_hash_0004 ON core_auditevent (hash)")
        cursor.execute("""
            CREATE OR REPLACE FUNCTION octip_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP;
            END;
            $$ LANGUAGE plpgsql""")
        # On the parent: cloned onto every partition, including those attached or created later.
        cursor.execute("CREATE TRIGGER octip_audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent "
                       "FOR EACH ROW EXECUTE FUNCTION octip_audit_append_only()")
        cursor.execute("ANALYZE core_auditevent")


def _backwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        raise RuntimeError("Turning the partitioned audit log back into one table is not automated: restore "
                           "a backup taken before 0004 instead (manage.py restore).")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_checkpoint")]
    operations = [migrations.RunPython(_forwards, _backwards)]
