"""How an outbox handler with a retry policy of its own reports a failure."""


class RetryLater(Exception):
    """A handler's failure to retry after ``delay`` seconds: the handler keeps its own
    limit (it raises ``GiveUp`` when done), so ``OUTBOX_MAX_ATTEMPTS`` does not apply."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay


class GiveUp(Exception):
    """A handler's failure no retry can mend: the row is failed at once."""
