"""Developer commands: ``flask create-admin``, ``create-staff``, ``purge-tokens``, ``seed``."""

from flask import Flask

from ecom.cli.accounts import create_admin, create_staff, purge_tokens
from ecom.cli.seed import seed


def register_commands(app: Flask) -> None:
    for command in (create_admin, create_staff, purge_tokens, seed):
        app.cli.add_command(command)
