"""``python -m tests.crashing_delivery ROW_ID``: a worker that delivers one outbox row, then
dies (SIGKILL) before it records the result, as on a crash or an OOM kill.

The database and the SMTP server come from the environment (``TEST_DATABASE_URL``,
``EMAIL_HOST``, ``EMAIL_PORT``).
"""

import os
import signal
import sys

from config import TestingConfig
from ecom import create_app
from ecom.common import outbox


def die(*_args: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    app = create_app(TestingConfig())
    outbox._record_success = die
    with app.app_context():
        outbox.deliver(int(sys.argv[1]))
    sys.exit("the delivery did not reach its result")
