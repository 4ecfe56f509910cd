"""How an outbox handler with a retry policy of its own reports a failure, and how staff's
retry of a row is refused."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ecom.common.errors import Conflict, NotFound


class RetryLater(Exception):
    """A handler's failure to retry after ``delay`` seconds: the handler keeps its own
    limit (it raises ``GiveUp`` when done), so ``OUTBOX_MAX_ATTEMPTS`` does not apply."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


class GiveUp(Exception):
    """A handler's failure no retry can mend: the row is failed at once."""


class MessageNotFound(NotFound):
    message = _l("Outbox message not found.")


class NotRetriable(Conflict):
    """Only a failed row is given a new round of attempts."""

    def __init__(self, state: str) -> None:
        message = gettext(
            "Only failed messages can be retried; this one is %(state)s.", state=state
        )
        super().__init__(message)
