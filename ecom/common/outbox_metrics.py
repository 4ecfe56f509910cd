"""The outbox's gauges on ``/metrics``: what waits, for how long, and what failed."""

import math
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from ecom.common.models import utcnow
from ecom.common.outbox import OutboxMessage
from ecom.extensions import db


class Backlog:
    """The pending and failed rows, in one aggregate query at each scrape of ``/metrics``."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        pending = OutboxMessage.state == "pending"
        query = select(
            func.count().filter(pending),
            func.min(OutboxMessage.next_attempt_at).filter(
                pending, OutboxMessage.next_attempt_at <= now
            ),
            func.count().filter(OutboxMessage.state == "failed"),
        )
        try:
            with db.engine.connect() as conn:
                waiting, oldest_due, failed = conn.execute(query).one()
            age = (now - oldest_due).total_seconds() if oldest_due else 0.0
        except DBAPIError:
            waiting = age = failed = math.nan
        for name, documentation, number in (
            ("ecom_outbox_pending", "Outbox rows waiting for delivery (due or not).", waiting),
            (
                "ecom_outbox_oldest_pending_age_seconds",
                "How long the longest-waiting due row has been due; 0 when none is.",
                age,
            ),
            ("ecom_outbox_failed", "Outbox rows that failed for good (retry them).", failed),
        ):
            yield GaugeMetricFamily(name, documentation, value=float(number))
