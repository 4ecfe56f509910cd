"""What the audit log leaves out (one list each, docs/AUDIT.md says why) and what it masks."""

import re
from functools import cache

from sqlalchemy import Table
from sqlalchemy.orm import Mapper

# Tables whose rows are bookkeeping of the machinery, not the shop's data: the log itself,
# and sign-in sessions and token families (a login, a refresh or a logout is not a change
# of the shop); webhook delivery attempts and job progress rows, when their domains exist,
# are the same kind.
EXCLUDED_TABLES = frozenset(
    {
        "audit_entries",
        "token_families",
        "webhook_deliveries",
        "import_jobs",
        "export_jobs",
    }
)
# Columns that change with every write or every use, and say nothing the entry's own time
# and action do not: timestamps kept by the ORM, a token's last use, a generated search
# document.
EXCLUDED_COLUMNS = frozenset({"updated_at", "last_used_at"})
# Tables of which an entry records these columns alone: an outbox job is recorded (a staff
# capture or refund is a job for the provider; a retry moves a failed one) by what it is
# and where it stands, never by its payload (an account mail's holds its link's state).
ONLY_COLUMNS = {"outbox": frozenset({"handler", "key", "state", "attempts"})}
# Columns shown as "***": a password hash, a signing secret, a stored token's digest.
MASKED = re.compile(r"password|secret|hash|digest|api_key|private_key|credential")
MASK = "***"


def is_audited(table: Table) -> bool:
    return table.name not in EXCLUDED_TABLES


def is_masked(column: str) -> bool:
    return MASKED.search(column) is not None


@cache
def audited_columns(mapper: Mapper) -> tuple[str, ...]:
    """The attribute keys of ``mapper``'s columns an entry records (not the primary key)."""
    only = ONLY_COLUMNS.get(mapper.local_table.name)
    return tuple(
        prop.key
        for prop in mapper.column_attrs
        if len(prop.columns) == 1
        and prop.columns[0].table is mapper.local_table
        and not prop.columns[0].primary_key
        and prop.columns[0].computed is None
        and prop.key not in EXCLUDED_COLUMNS
        and (only is None or prop.key in only)
    )
