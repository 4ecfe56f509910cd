"""What the migrations need from SQLite that Alembic does not give."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import op


@contextmanager
def sqlite_foreign_keys_off() -> Iterator[None]:
    """SQLite alters a table by copying it, dropping the original and renaming the copy:
    with foreign keys on, dropping a table fails on the rows that refer to it (or cascades
    to them). They are off while tables are rebuilt, then every reference is checked. The
    pragma only changes outside a transaction, hence the autocommit blocks (they commit
    what ran before them); a failed run leaves its connection without foreign keys, to be
    discarded with the run. Other databases run the block as it is."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"Rows refer to missing rows: {broken}")
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=ON")
