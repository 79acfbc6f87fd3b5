"""The shared migration step that encrypts values written in plaintext before a field became encrypted."""

import pytest
from django.db import connection

from octip.core import crypto
from octip.core.migration_ops import encrypt_existing_column


@pytest.fixture
def old_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_old_notes (id integer PRIMARY KEY, body text)")
        cursor.executemany("INSERT INTO test_old_notes (id, body) VALUES (%s, %s)",
                           [(1, "Lives with her aunt"), (2, ""), (3, None)])
    yield "test_old_notes"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_old_notes")


def test_plaintext_rows_are_encrypted_and_a_second_run_changes_nothing(old_table):
    step = encrypt_existing_column(old_table, "body", "test.oldnote.body")
    with connection.schema_editor() as editor:
        step.code(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body FROM test_old_notes ORDER BY id")
        rows = cursor.fetchall()
    assert rows[0][1].startswith("enc1:") and crypto.decrypt(rows[0][1], "test.oldnote.body") == "Lives with her aunt"
    assert rows[1][1] == "" and rows[2][1] is None
    with connection.schema_editor() as editor:
        step.code(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM test_old_notes WHERE id = 1")
        assert cursor.fetchone()[0] == rows[0][1]
