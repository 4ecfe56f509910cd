"""Developer commands: ``flask create-admin``, ``flask create-staff`` and ``flask seed``."""

from flask import Flask

from ecom.cli.accounts import create_admin, create_staff
from ecom.cli.seed import seed


def register_commands(app: Flask) -> None:
    for command in (create_admin, create_staff, seed):
        app.cli.add_command(command)
