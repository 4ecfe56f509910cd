"""Bulk jobs run on the job queue: the outbox handler that runs them."""

from ecom.common.events import Listeners
from ecom.common.outbox import Handlers
from ecom.integrations.bulk import jobs, tasks


def register(_listeners: Listeners, handlers: Handlers) -> None:
    handlers.add(jobs.RUN, tasks.run_job)
