"""The console backend of the embedded default: each message as a few readable lines
(recipient, subject, text part, links) among the log lines, not its raw MIME."""

import re
from typing import Any

from flask_mailman.backends import console

LINK = re.compile(r"https?://\S+")
RULE = "-" * 72


def summary(message: Any) -> str:
    """``message`` (an ``EmailMessage``) as the console shows it."""
    text = message.body.strip()
    links = list(dict.fromkeys(LINK.findall(text)))
    lines = [
        RULE,
        f"Mail to {', '.join(message.to)}: {message.subject}",
        "",
        text,
        "",
        *(f"Link: {link}" for link in links),
        RULE,
    ]
    return "\n".join(lines) + "\n"


class EmailBackend(console.EmailBackend):
    """Flask-Mailman's console backend, writing ``summary(message)`` for each message."""

    def write_message(self, message: Any) -> None:
        self.stream.write(summary(message))
