"""The audit log's retention and its purge."""

from typing import Any

from pydantic import NonNegativeInt, PositiveFloat, PositiveInt

from config.fields import Group, setting


class AuditSettings(Group):
    """Who changed what, kept for a while ([AUDIT.md](AUDIT.md))."""

    title = "Audit log"

    AUDIT_RETENTION_DAYS: NonNegativeInt = setting(
        365, "entries older than this many days are purged; `0` keeps every entry"
    )
    AUDIT_PURGE_SECONDS: PositiveFloat = setting(
        3600, "how often beat purges the entries past the retention"
    )
    AUDIT_PURGE_BATCH: PositiveInt = setting(1000, "entries deleted per transaction by the purge")

    def apply(self, config: Any) -> None:
        super().apply(config)
        config.CELERY["beat_schedule"]["audit-purge"] = {
            "task": "ecom.audit.purge",
            "schedule": self.AUDIT_PURGE_SECONDS,
        }
