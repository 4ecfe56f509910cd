"""Developer commands: ``flask create-admin``, ``create-staff``, ``purge-tokens``, ``seed``,
``outbox``, ``events``."""

from flask import Flask

from ecom.cli.accounts import create_admin, create_staff, purge_tokens
from ecom.cli.events import events_commands
from ecom.cli.outbox import outbox_commands
from ecom.cli.seed import seed


def register_commands(app: Flask) -> None:
    for command in (
        create_admin,
        create_staff,
        purge_tokens,
        seed,
        outbox_commands,
        events_commands,
    ):
        app.cli.add_command(command)
